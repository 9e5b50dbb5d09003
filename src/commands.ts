import { JupyterFrontEnd } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { TranslationBundle } from '@jupyterlab/translation';

import { listedFindings, nextFinding, placeFindings } from './findings';
import { shieldIcon } from './icons';
import { cellRefs, revealFinding } from './navigation';
import { PANEL_ID, type INbGuard } from './tokens';

/**
 * The nbguard commands take no arguments.
 */
const NO_ARGS = { args: { type: 'object', properties: {} } } as const;

/**
 * The command ids of nbguard.
 */
namespace CommandIDs {
  export const checkNotebook = 'jupyterlab-nbguard:check-notebook';
  export const showPanel = 'jupyterlab-nbguard:show-panel';
  export const nextFinding = 'jupyterlab-nbguard:next-finding';
}

/**
 * Activate a notebook panel in the shell.
 *
 * @param app The application.
 * @returns A function that activates a panel.
 */
export function shellActivator(
  app: JupyterFrontEnd
): (panel: NotebookPanel) => void {
  return panel => app.shell.activateById(panel.id);
}

/**
 * Register the nbguard commands and add them to the command palette.
 *
 * @param app The application.
 * @param guard The nbguard service.
 * @param tracker The notebook tracker.
 * @param trans The translation bundle.
 * @param palette The command palette, if any.
 */
export function registerCommands(
  app: JupyterFrontEnd,
  guard: INbGuard,
  tracker: INotebookTracker,
  trans: TranslationBundle,
  palette: ICommandPalette | null
): void {
  const { commands } = app;
  const current = (): NotebookPanel | null => tracker.currentWidget;
  const hasNotebook = (): boolean => current() !== null;

  commands.addCommand(CommandIDs.checkNotebook, {
    label: trans.__('Check Notebook for Hidden State'),
    describedBy: NO_ARGS,
    caption: trans.__(
      'Ask nbguard to check the current notebook against its kernel history now'
    ),
    icon: shieldIcon,
    isEnabled: () => hasNotebook() && guard.settings.enabled,
    execute: async () => {
      const panel = current();
      const findings = panel ? guard.findings(panel) : null;
      if (findings) {
        await findings.checkNow();
      }
    }
  });

  commands.addCommand(CommandIDs.showPanel, {
    label: trans.__('Show nbguard Findings'),
    describedBy: NO_ARGS,
    caption: trans.__('Open the list of hidden-state findings'),
    icon: shieldIcon,
    execute: () => {
      app.shell.activateById(PANEL_ID);
    }
  });

  commands.addCommand(CommandIDs.nextFinding, {
    label: trans.__('Go to Next nbguard Finding'),
    describedBy: NO_ARGS,
    caption: trans.__('Jump to the next hidden-state finding in the notebook'),
    icon: shieldIcon,
    isEnabled: hasNotebook,
    execute: async () => {
      const panel = current();
      const findings = panel ? guard.findings(panel) : null;
      if (!panel || !findings) {
        return;
      }
      const notebook = panel.content;
      const placed = placeFindings(
        listedFindings(findings.diagnostics, guard.settings.showInfo),
        cellRefs(notebook)
      );
      const active = notebook.activeCell;
      const cursor =
        active && active.editor && notebook.mode === 'edit'
          ? active.editor.getCursorPosition()
          : null;
      const target = nextFinding(placed, notebook.activeCellIndex, cursor);
      if (target) {
        await revealFinding(shellActivator(app), panel, target.diagnostic);
      }
    }
  });

  if (palette) {
    const category = trans.__('nbguard');
    for (const command of [
      CommandIDs.checkNotebook,
      CommandIDs.showPanel,
      CommandIDs.nextFinding
    ]) {
      palette.addItem({ command, category });
    }
  }

  const refresh = () => commands.notifyCommandChanged(CommandIDs.checkNotebook);
  tracker.currentChanged.connect(refresh);
  guard.settingsChanged.connect(refresh);
}
