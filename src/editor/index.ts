import {
  EditorExtensionRegistry,
  IEditorExtensionRegistry
} from '@jupyterlab/codemirror';

import { underlinedFindings } from '../findings';
import type { INbGuardActions } from '../actions/tokens';
import type { HoverRenderer } from '../panel/hover';
import { isSharedCell } from '../service';
import type { INbGuard } from '../tokens';
import { nbguardDiagnostics } from './diagnostics';

/**
 * The name of the editor extension in the registry.
 */
export const EDITOR_EXTENSION_NAME = 'jupyterlab-nbguard:diagnostics';

/**
 * Register the nbguard underlines for every notebook cell editor.
 *
 * The factory options carry the editor's model; for a notebook cell that is
 * the cell model, whose id is the nbformat cell id sent in `check`.
 *
 * @param registry The editor extension registry.
 * @param guard The nbguard service.
 * @param hover Renders hovers with links; plain messages without.
 * @param actions Quick actions, shown as CodeMirror lint actions (buttons
 *   under the hover's message, and in CodeMirror's lint panel).
 */
export function registerEditorExtension(
  registry: IEditorExtensionRegistry,
  guard: INbGuard,
  hover: HoverRenderer | null = null,
  actions: INbGuardActions | null = null
): void {
  registry.addExtension({
    name: EDITOR_EXTENSION_NAME,
    factory: options => {
      const model = options.model;
      if (!isSharedCell(model.sharedModel)) {
        // A file editor, not a cell: nothing to underline.
        return null;
      }
      return EditorExtensionRegistry.createImmutableExtension(
        nbguardDiagnostics({
          diagnostics: () =>
            underlinedFindings(
              guard.diagnosticsForEditorModel(model),
              guard.settings
            ),
          checkedSource: () => guard.checkedSourceForEditorModel(model),
          renderTooltip: diagnostic =>
            hover ? hover.render(model, diagnostic) : null,
          actions: actions
            ? diagnostic => actions.actionsForCellModel(model, diagnostic)
            : undefined,
          changed: guard.cellChanged(model)
        })
      );
    }
  });
}
