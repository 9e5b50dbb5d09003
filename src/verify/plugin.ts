import { JupyterFrontEnd } from '@jupyterlab/application';
import {
  CommandToolbarButton,
  Dialog,
  ICommandPalette,
  IToolbarWidgetRegistry,
  showDialog
} from '@jupyterlab/apputils';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStateDB } from '@jupyterlab/statedb';
import {
  ITranslator,
  nullTranslator,
  TranslationBundle
} from '@jupyterlab/translation';

import { INbGuard, INbGuardVerify, TRANSLATION_DOMAIN } from '../tokens';
import { VerifyClient } from './api';
import { NotebookRunHost } from './host';
import { verifyIcon } from './icons';
import { VerifyPanel } from './panel';
import { VerifyRecords } from './records';
import { VerifySession } from './session';
import {
  compareOptions,
  DEFAULT_VERIFY_SETTINGS,
  IVerifySettings,
  parseVerifySettings
} from './settings';
import { SnapshotStore } from './snapshot';
import { markPhase } from './timing';

/**
 * The id of the restart-and-verify plugin (settings in `schema/verify.json`).
 */
export const VERIFY_PLUGIN_ID = 'jupyterlab-nbguard:verify';

/**
 * The command ids of restart-and-verify.
 */
namespace CommandIDs {
  export const restartAndVerify = 'jupyterlab-nbguard:restart-and-verify';
}

/**
 * The name of the notebook toolbar item (`schema/verify.json`).
 */
const TOOLBAR_ITEM = 'nbguard-verify';

/**
 * Ask before restarting, as JupyterLab's own restart does.
 *
 * @returns Whether to go on, and whether not to ask again.
 */
async function confirmRestart(
  trans: TranslationBundle,
  panel: NotebookPanel
): Promise<{ accept: boolean; dontAsk: boolean }> {
  const result = await showDialog({
    title: trans.__('Restart Kernel and Verify Notebook?'),
    body: trans.__(
      'Do you want to restart the kernel of %1 and run every code cell from the top? All variables will be lost. The outputs shown now are kept: you can restore them from the report.',
      panel.sessionContext.name
    ),
    buttons: [
      Dialog.cancelButton({ ariaLabel: trans.__('Cancel Verification') }),
      Dialog.warnButton({ label: trans.__('Restart and Verify') })
    ],
    checkbox: {
      label: trans.__('Do not ask me again.'),
      caption: trans.__(
        'If checked, verification will restart the kernel without asking; you can change this back in the settings.'
      )
    }
  });
  return {
    accept: result.button.accept,
    dontAsk: result.isChecked === true
  };
}

/**
 * Activate restart-and-verify: the command, its toolbar button and palette
 * entry, and the reports of verifications kept across reloads. With the core
 * nbguard service, a finished verification triggers a new check.
 *
 * @returns Each notebook's verification state, for the Notebook Health panel.
 */
export function activateVerify(
  app: JupyterFrontEnd,
  tracker: INotebookTracker,
  state: IStateDB,
  settingRegistry: ISettingRegistry | null,
  palette: ICommandPalette | null,
  toolbarRegistry: IToolbarWidgetRegistry | null,
  translator: ITranslator | null,
  guard: INbGuard | null
): INbGuardVerify {
  const trans = (translator ?? nullTranslator).load(TRANSLATION_DOMAIN);
  const client = new VerifyClient(app.serviceManager.serverSettings);
  const store = new SnapshotStore(state);
  const open = new Map<NotebookPanel, VerifyPanel>();
  let settings: IVerifySettings = DEFAULT_VERIFY_SETTINGS;
  let setConfirm: (value: boolean) => void = () => undefined;

  if (settingRegistry) {
    settingRegistry
      .load(VERIFY_PLUGIN_ID)
      .then(loaded => {
        const apply = () => {
          settings = parseVerifySettings(loaded.composite);
        };
        loaded.changed.connect(apply);
        apply();
        setConfirm = value => void loaded.set('confirm', value);
      })
      .catch(reason => {
        console.error('nbguard: failed to load the verify settings.', reason);
      });
  }

  const revealCell = (panel: NotebookPanel, cellId: string) => {
    app.shell.activateById(panel.id);
    const notebook = panel.content;
    const index = notebook.widgets.findIndex(c => c.model.id === cellId);
    if (index >= 0) {
      notebook.deselectAll();
      notebook.activeCellIndex = index;
      notebook.mode = 'command';
      void notebook.scrollToCell(notebook.widgets[index], 'center');
    }
  };

  const show = (session: VerifySession): VerifyPanel => {
    const { panel } = session;
    const shown = open.get(panel);
    if (shown && shown.isAttached) {
      // The open panel shows the new verification where it is.
      shown.session = session;
      return shown;
    }
    shown?.dispose();
    const widget = new VerifyPanel({
      session,
      trans,
      onRestore: () => widget.session.restore(),
      onDismiss: () => {
        const dismissed = widget.session;
        records.dismissed(dismissed);
        void dismissed.dismiss().then(() => {
          if (widget.session === dismissed) {
            widget.dispose();
          }
        });
      },
      onOpenCell: cellId => revealCell(panel, cellId)
    });
    open.set(panel, widget);
    widget.disposed.connect(() => {
      if (open.get(panel) === widget) {
        open.delete(panel);
      }
    });
    panel.disposed.connect(() => widget.dispose());
    app.shell.add(widget, 'main', { mode: 'split-right', ref: panel.id });
    return widget;
  };

  const records = new VerifyRecords(session => {
    // A closed tab only detaches its panel: show a new one then.
    const shown = open.get(session.panel);
    const widget =
      shown?.session === session && shown.isAttached ? shown : show(session);
    app.shell.activateById(widget.id);
  });

  // Notebooks being verified, even if their report was closed meanwhile.
  const running = new Set<NotebookPanel>();
  const isRunning = (panel: NotebookPanel): boolean => running.has(panel);

  const current = () => tracker.currentWidget;
  // Kernel status changes with every cell (busy, idle): tell the buttons and
  // menus only when whether the command can run has changed.
  let enabled: boolean | null = null;
  const refresh = () => {
    const now = app.commands.isEnabled(CommandIDs.restartAndVerify);
    if (now !== enabled) {
      enabled = now;
      app.commands.notifyCommandChanged(CommandIDs.restartAndVerify);
    }
  };

  app.commands.addCommand(CommandIDs.restartAndVerify, {
    label: trans.__('Restart Kernel and Verify Notebook…'),
    caption: trans.__(
      'Restart the kernel, run every code cell top to bottom and compare the outputs with the ones shown now'
    ),
    describedBy: {
      args: {
        type: 'object',
        properties: { toolbar: { type: 'boolean' } }
      }
    },
    icon: verifyIcon,
    isEnabled: () => {
      const panel = current();
      return (
        panel !== null &&
        !!panel.sessionContext.session?.kernel &&
        !isRunning(panel)
      );
    },
    execute: async () => {
      markPhase('command');
      const panel = current();
      if (!panel || isRunning(panel)) {
        return;
      }
      if (settings.confirm) {
        const answer = await confirmRestart(trans, panel);
        if (!answer.accept) {
          return;
        }
        if (answer.dontAsk) {
          setConfirm(false);
        }
      }
      if (isRunning(panel)) {
        return;
      }
      const session = new VerifySession({ panel, client, store, trans });
      // (the command's state follows the phase, not every cell's progress)
      let phase = session.phase;
      session.changed.connect(() => {
        if (session.phase !== phase) {
          phase = session.phase;
          refresh();
        }
      });
      running.add(panel);
      records.started(session);
      // Checks of the states on the way would only compete with the run and
      // the comparison: one check follows it.
      const findings = guard?.findings(panel) ?? null;
      const hold = findings?.holdChecks();
      const run = session.start(
        {
          continueOnError: settings.continueOnError,
          compare: compareOptions(settings)
        },
        new NotebookRunHost(panel, translator ?? undefined)
      );
      // The snapshot is taken and kept, and the restart asked for, within
      // this task: the panel opens in the next one, while the kernel
      // restarts, instead of delaying the restart by its layout.
      window.setTimeout(() => {
        if (!panel.isDisposed) {
          show(session);
        }
      }, 0);
      try {
        await run;
      } finally {
        running.delete(panel);
        records.ended(session);
        refresh();
        // The server now holds this verification: check again so NBG301
        // (verify-mismatch) shows on the changed cells right away (and the
        // hold's own check is not needed).
        if (session.phase === 'report') {
          void findings?.checkNow();
        }
        hold?.dispose();
      }
    }
  });

  if (palette) {
    palette.addItem({
      command: CommandIDs.restartAndVerify,
      category: trans.__('nbguard')
    });
  }

  if (toolbarRegistry) {
    toolbarRegistry.addFactory<NotebookPanel>('Notebook', TOOLBAR_ITEM, () => {
      const button = new CommandToolbarButton({
        commands: app.commands,
        id: CommandIDs.restartAndVerify,
        args: { toolbar: true },
        icon: verifyIcon,
        label: trans.__('Verify')
      });
      button.addClass('jp-nbguard-VerifyButton');
      return button;
    });
  }

  // A verification kept in the state database (a reload, or a run the page
  // did not survive) comes back with its notebook.
  const resume = (panel: NotebookPanel) => {
    void panel.context.ready
      .then(() => store.load(panel.context.path))
      .then(stored => {
        if (stored && !open.has(panel) && !panel.isDisposed) {
          const session = new VerifySession({ panel, client, store, trans });
          session.resume(stored);
          show(session);
          records.resumed(session);
        }
      })
      .catch(reason => {
        console.error('nbguard: could not read a kept verification.', reason);
      });
  };
  // The command needs a kernel: re-evaluate it when one comes or goes.
  const watch = (panel: NotebookPanel) => {
    panel.sessionContext.kernelChanged.connect(refresh);
    panel.sessionContext.statusChanged.connect(refresh);
    records.watch(panel);
    resume(panel);
  };
  tracker.forEach(watch);
  tracker.widgetAdded.connect((_, panel) => watch(panel));
  tracker.currentChanged.connect(refresh);
  return records;
}
