import { ILayoutRestorer, JupyterFrontEnd } from '@jupyterlab/application';
import { IEditorExtensionRegistry } from '@jupyterlab/codemirror';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import type { IStateDB } from '@jupyterlab/statedb';
import {
  ITranslator,
  nullTranslator,
  TranslationBundle
} from '@jupyterlab/translation';

import type { INbGuardActions } from '../actions/tokens';
import { NbGuardClient } from '../api';
import { registerEditorExtension } from '../editor';
import {
  PANEL_ID,
  TRANSLATION_DOMAIN,
  type INbGuard,
  type INbGuardVerify
} from '../tokens';
import { DiagnosticsPanel } from './DiagnosticsPanel';
import { HoverRenderer } from './hover';
import { revealLocation, type ILocation } from './jump';
import { NamespaceReader } from './namespace';
import { OPEN_RULE_DOCS, registerRuleDocsCommand, RuleDocs } from './ruledocs';
import { PanelViewState } from './viewstate';

/**
 * The translation bundle of nbguard.
 */
function bundle(translator: ITranslator | null): TranslationBundle {
  return (translator ?? nullTranslator).load(TRANSLATION_DOMAIN);
}

/**
 * Jump to a location in a notebook, activating its tab.
 */
function jumper(
  app: JupyterFrontEnd
): (panel: NotebookPanel, location: ILocation) => Promise<boolean> {
  return (panel, location) =>
    revealLocation(p => app.shell.activateById(p.id), panel, location);
}

/**
 * Open a rule's documentation through the command (the panel plugin
 * registers it; without it the link does nothing).
 */
function ruleOpener(app: JupyterFrontEnd): (code: string) => void {
  return code => {
    if (app.commands.hasCommand(OPEN_RULE_DOCS)) {
      void app.commands.execute(OPEN_RULE_DOCS, { code });
    }
  };
}

/**
 * Activate the Notebook Health panel (restorable, in the right side bar)
 * and the command that opens a rule's documentation.
 */
export function activateHealthPanel(
  app: JupyterFrontEnd,
  guard: INbGuard,
  tracker: INotebookTracker,
  restorer: ILayoutRestorer | null,
  translator: ITranslator | null,
  verify: INbGuardVerify | null,
  actions: INbGuardActions | null,
  rendermime: IRenderMimeRegistry | null,
  state: IStateDB | null = null
): void {
  const trans = bundle(translator);
  const serverSettings = app.serviceManager.serverSettings;
  const client = new NbGuardClient(serverSettings);
  registerRuleDocsCommand(
    app,
    new RuleDocs({
      app,
      getRules: () => client.getRules(),
      rendermime,
      trans
    }),
    trans
  );
  const jump = jumper(app);
  // Grouping and filters last the session, and across reloads with the
  // workspace when the state database is there (read once the app is up,
  // as the layout restorer does).
  const view = new PanelViewState({ state });
  void app.restored.then(() => view.restore());
  const panel = new DiagnosticsPanel({
    guard,
    tracker,
    trans,
    reveal: async (notebook, diagnostic) => {
      if (diagnostic.cell_id !== null) {
        await jump(notebook, {
          cellId: diagnostic.cell_id,
          range: diagnostic.range
        });
      }
    },
    jump,
    verify,
    actions,
    openRule: ruleOpener(app),
    namespace: new NamespaceReader(serverSettings),
    view
  });
  app.shell.add(panel, 'right', { rank: 600 });
  if (restorer) {
    restorer.add(panel, PANEL_ID);
  }
}

/**
 * Activate the editor underlines, with hovers whose cell and rule
 * references are links, and the quick actions as lint actions.
 */
export function activateHover(
  app: JupyterFrontEnd,
  guard: INbGuard,
  registry: IEditorExtensionRegistry,
  tracker: INotebookTracker | null,
  translator: ITranslator | null,
  actions: INbGuardActions | null
): void {
  const hover = tracker
    ? new HoverRenderer({
        tracker,
        trans: bundle(translator),
        jump: jumper(app),
        openRule: ruleOpener(app),
        // CodeMirror shows them, as lint actions under the message.
        actions: null
      })
    : null;
  registerEditorExtension(registry, guard, hover, actions);
}
