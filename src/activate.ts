import { ILabShell, JupyterFrontEnd } from '@jupyterlab/application';
import { ICommandPalette, Notification } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import {
  ISchemaValidator,
  ISettingRegistry
} from '@jupyterlab/settingregistry';
import { IStatusBar } from '@jupyterlab/statusbar';
import {
  ITranslator,
  nullTranslator,
  TranslationBundle
} from '@jupyterlab/translation';

import { NbGuardClient } from './api';
import { CellMarkers } from './cellmarkers';
import { registerCommands } from './commands';
import { NbGuardService } from './service';
import { parseSettings } from './settings';
import { addStatusItem } from './status';
import { INbGuard, PANEL_ID, PLUGIN_ID, TRANSLATION_DOMAIN } from './tokens';

/**
 * The translation bundle of nbguard.
 *
 * @param translator The application translator, if any.
 */
function bundle(translator: ITranslator | null): TranslationBundle {
  return (translator ?? nullTranslator).load(TRANSLATION_DOMAIN);
}

/**
 * Activate the core plugin: the REST client, one checker per notebook, the
 * settings and the version handshake (not awaited).
 *
 * @returns The nbguard service.
 */
export function activateNbGuard(
  app: JupyterFrontEnd,
  tracker: INotebookTracker,
  settingRegistry: ISettingRegistry | null,
  translator: ITranslator | null
): INbGuard {
  const service = new NbGuardService({
    tracker,
    client: new NbGuardClient(app.serviceManager.serverSettings),
    trans: bundle(translator),
    events: app.serviceManager.events
  });
  void service.handshake();
  if (settingRegistry) {
    void watchSettings(settingRegistry, service, bundle(translator));
  }
  return service;
}

/**
 * Apply nbguard's settings now and whenever they change.
 *
 * The registry refuses settings that do not match `schema/plugin.json` (e.g.
 * an unknown rule in Select, written by hand in an older version). Checking
 * then goes on with the default settings, and the user is told why and where
 * to fix it, not only the console.
 *
 * @param registry The setting registry.
 * @param service The nbguard service to configure.
 * @param trans The translation bundle.
 * @returns Resolves once the settings are applied or the failure reported.
 */
export async function watchSettings(
  registry: Pick<ISettingRegistry, 'load'>,
  service: Pick<NbGuardService, 'configure'>,
  trans: TranslationBundle
): Promise<void> {
  try {
    const settings = await registry.load(PLUGIN_ID);
    const apply = () => service.configure(parseSettings(settings.composite));
    settings.changed.connect(apply);
    apply();
  } catch (reason) {
    console.error('nbguard: failed to load the settings.', reason);
    Notification.error(
      trans.__(
        'nbguard ignores your settings because they are invalid (%1). It checks notebooks with the default settings until you correct them in Settings → nbguard.',
        describeSettingsError(reason)
      ),
      { autoClose: false }
    );
  }
}

/**
 * Say what is wrong with settings the registry refused: its validation errors
 * (`/select/0 must match a schema in anyOf`), or the reason itself.
 */
function describeSettingsError(reason: unknown): string {
  if (Array.isArray(reason)) {
    return reason
      .map((error: Partial<ISchemaValidator.IError>) =>
        [error.instancePath, error.message].filter(Boolean).join(' ')
      )
      .join('; ');
  }
  return reason instanceof Error ? reason.message : String(reason);
}

/**
 * Activate the cell markers: a coloured border and a badge on cells with
 * findings.
 */
export function activateCellMarkers(
  app: JupyterFrontEnd,
  guard: INbGuard,
  tracker: INotebookTracker,
  translator: ITranslator | null
): void {
  const trans = bundle(translator);
  const watch = (panel: INotebookTracker['currentWidget']) => {
    if (!panel) {
      return;
    }
    const markers = new CellMarkers(panel, guard, trans);
    panel.disposed.connect(() => markers.dispose());
  };
  tracker.forEach(watch);
  tracker.widgetAdded.connect((_, panel) => watch(panel));
}

/**
 * Activate the status bar item (only when there is a status bar).
 */
export function activateStatus(
  app: JupyterFrontEnd,
  guard: INbGuard,
  tracker: INotebookTracker,
  statusBar: IStatusBar | null,
  labShell: ILabShell | null,
  translator: ITranslator | null
): void {
  if (!statusBar) {
    return;
  }
  addStatusItem(
    statusBar,
    {
      guard,
      tracker,
      trans: bundle(translator),
      onClick: () => app.shell.activateById(PANEL_ID)
    },
    labShell
  );
}

/**
 * Activate the commands and their palette entries.
 */
export function activateCommands(
  app: JupyterFrontEnd,
  guard: INbGuard,
  tracker: INotebookTracker,
  palette: ICommandPalette | null,
  translator: ITranslator | null
): void {
  registerCommands(app, guard, tracker, bundle(translator), palette);
}
