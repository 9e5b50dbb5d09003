import { JupyterFrontEnd } from '@jupyterlab/application';
import { ICommandPalette, Notification } from '@jupyterlab/apputils';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { TranslationBundle } from '@jupyterlab/translation';

import { listedFindings, navigableFindings, placeFindings } from './findings';
import { shieldIcon } from './icons';
import { cellRefs, neighbourFinding, revealFinding } from './navigation';
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
  export const previousFinding = 'jupyterlab-nbguard:previous-finding';
}

/**
 * How long the notifications of the commands stay, in ms.
 */
const NOTICE_MS = 3000;

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
      if (!panel || !findings) {
        return;
      }
      const before = findings.diagnostics;
      await findings.checkNow();
      const name = panel.context.localPath || panel.title.label;
      if (findings.error) {
        Notification.error(
          trans.__('nbguard could not check %1: %2', name, findings.error),
          { autoClose: 2 * NOTICE_MS }
        );
      } else if (findings.diagnostics === before) {
        Notification.info(trans.__('nbguard checked %1: no change.', name), {
          autoClose: NOTICE_MS
        });
      } else {
        const count = listedFindings(
          findings.diagnostics,
          guard.settings.showInfo
        ).length;
        Notification.info(
          trans._n(
            'nbguard checked %2: %1 finding.',
            'nbguard checked %2: %1 findings.',
            count,
            name
          ),
          { autoClose: NOTICE_MS }
        );
      }
    }
  });

  commands.addCommand(CommandIDs.showPanel, {
    label: trans.__('Show nbguard Findings'),
    describedBy: NO_ARGS,
    caption: trans.__('Open the Notebook Health panel: the nbguard findings'),
    icon: shieldIcon,
    execute: () => {
      app.shell.activateById(PANEL_ID);
    }
  });

  const go = async (direction: 1 | -1): Promise<void> => {
    const panel = current();
    const findings = panel ? guard.findings(panel) : null;
    if (!panel || !findings) {
      return;
    }
    const notebook = panel.content;
    const placed = placeFindings(
      navigableFindings(findings.diagnostics, guard.settings.showInfo),
      cellRefs(notebook)
    );
    const editor = notebook.activeCell?.editor ?? null;
    const cursor = editor ? editor.getSelection().start : null;
    const target = neighbourFinding(
      placed,
      notebook.activeCellIndex,
      cursor,
      direction
    );
    if (!target) {
      Notification.info(
        guard.settings.enabled
          ? trans.__('No nbguard finding in this notebook.')
          : trans.__('nbguard is off (Settings → nbguard → Enabled).'),
        { autoClose: NOTICE_MS }
      );
      return;
    }
    await revealFinding(shellActivator(app), panel, target.diagnostic);
  };

  commands.addCommand(CommandIDs.nextFinding, {
    label: trans.__('Go to Next nbguard Finding'),
    describedBy: NO_ARGS,
    caption: trans.__(
      'Select the next hidden-state finding in the notebook (command mode)'
    ),
    icon: shieldIcon,
    isEnabled: hasNotebook,
    execute: () => go(1)
  });

  commands.addCommand(CommandIDs.previousFinding, {
    label: trans.__('Go to Previous nbguard Finding'),
    describedBy: NO_ARGS,
    caption: trans.__(
      'Select the previous hidden-state finding in the notebook (command mode)'
    ),
    icon: shieldIcon,
    isEnabled: hasNotebook,
    execute: () => go(-1)
  });

  if (palette) {
    const category = trans.__('nbguard');
    for (const command of [
      CommandIDs.checkNotebook,
      CommandIDs.showPanel,
      CommandIDs.nextFinding,
      CommandIDs.previousFinding
    ]) {
      palette.addItem({ command, category });
    }
  }

  const refresh = () => commands.notifyCommandChanged(CommandIDs.checkNotebook);
  tracker.currentChanged.connect(refresh);
  guard.settingsChanged.connect(refresh);
}
