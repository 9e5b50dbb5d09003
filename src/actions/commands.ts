import { JupyterFrontEnd } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { TranslationBundle } from '@jupyterlab/translation';
import { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import { shieldIcon } from '../icons';
import type { INbGuard } from '../tokens';
import { actionArgs, ActionIDs, NbGuardActions } from './service';

/**
 * The JSON schema of the action commands' arguments (all optional).
 */
const ARGS = {
  args: {
    type: 'object',
    properties: {
      notebook: {
        type: 'string',
        description: 'The id of the notebook panel (default: the current one)'
      },
      cellId: { type: 'string', description: 'The cell of the finding' },
      code: { type: 'string', description: 'The rule code of the finding' },
      name: { type: 'string', description: 'The name involved' },
      line: { type: 'number', description: 'The 0-based line of the finding' }
    }
  }
} as const;

/**
 * Register the quick-action commands and add them to the palette, in the
 * nbguard category of the other nbguard commands.
 *
 * @param app The application.
 * @param guard The nbguard service.
 * @param tracker The notebook tracker.
 * @param actions The quick actions.
 * @param trans The translation bundle.
 * @param palette The command palette, if any.
 */
export function registerActionCommands(
  app: JupyterFrontEnd,
  guard: INbGuard,
  tracker: INotebookTracker,
  actions: NbGuardActions,
  trans: TranslationBundle,
  palette: ICommandPalette | null
): void {
  const { commands } = app;
  const enabled = () =>
    tracker.currentWidget !== null && guard.settings.enabled;
  const add = (
    id: string,
    label: (args: ReadonlyPartialJSONObject) => string,
    caption: string,
    run: (args: ReadonlyPartialJSONObject) => Promise<void>
  ) =>
    commands.addCommand(id, {
      label,
      caption,
      describedBy: ARGS,
      icon: shieldIcon,
      isEnabled: args => (typeof args.notebook === 'string' ? true : enabled()),
      execute: run
    });

  add(
    ActionIDs.runStaleCells,
    args =>
      args.code === 'NBG209'
        ? trans.__('Re-run to Refresh')
        : trans.__('Run Stale Cells in Page Order'),
    trans.__(
      'Run the cells found stale, top to bottom, through the normal execution'
    ),
    args => actions.runStale(actionArgs(args))
  );
  add(
    ActionIDs.restoreDeleted,
    () => trans.__('Restore the Deleted Code'),
    trans.__(
      'Insert the code that last defined a name only the kernel holds, from its history, above its first use'
    ),
    args => actions.restore(actionArgs(args))
  );
  add(
    ActionIDs.moveDefinitionAbove,
    () => trans.__('Move Definition Above'),
    trans.__('Move the cell that defines a name above the cell that reads it'),
    args => actions.moveAbove(actionArgs(args))
  );
  add(
    ActionIDs.deleteFromKernel,
    args =>
      typeof args.name === 'string'
        ? trans.__('Delete %1 from Kernel', args.name)
        : trans.__('Delete Orphan Name from Kernel'),
    trans.__(
      'Delete a name that only the kernel holds (after a confirmation that shows its type and size)'
    ),
    args => actions.deleteOrphan(actionArgs(args))
  );
  add(
    ActionIDs.ignoreHere,
    () => trans.__('Ignore Finding Here'),
    trans.__('Add an ignore comment for the rule of the finding to its line'),
    args => actions.ignore(actionArgs(args))
  );

  if (palette) {
    const category = trans.__('nbguard');
    for (const command of [
      ActionIDs.runStaleCells,
      ActionIDs.restoreDeleted,
      ActionIDs.moveDefinitionAbove,
      ActionIDs.deleteFromKernel,
      ActionIDs.ignoreHere
    ]) {
      palette.addItem({ command, category });
    }
  }
  const refresh = () => commands.notifyCommandChanged();
  tracker.currentChanged.connect(refresh);
  guard.settingsChanged.connect(refresh);
}
