import { JupyterFrontEnd } from '@jupyterlab/application';
import { ICommandPalette, ISessionContextDialogs } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { INbGuard, TRANSLATION_DOMAIN } from '../tokens';
import { registerActionCommands } from './commands';
import { NbGuardActions } from './service';
import { INbGuardActions } from './tokens';

/**
 * Activate the quick actions: register their commands (palette category
 * nbguard) and provide the service the panel, the hover and the lint
 * actions list them through.
 *
 * @returns The quick-actions service.
 */
export function activateActions(
  app: JupyterFrontEnd,
  guard: INbGuard,
  tracker: INotebookTracker,
  palette: ICommandPalette | null,
  translator: ITranslator | null,
  sessionDialogs: ISessionContextDialogs | null
): INbGuardActions {
  const trans = (translator ?? nullTranslator).load(TRANSLATION_DOMAIN);
  const actions = new NbGuardActions(
    app,
    guard,
    tracker,
    trans,
    translator,
    sessionDialogs
  );
  registerActionCommands(app, guard, tracker, actions, trans, palette);
  return actions;
}
