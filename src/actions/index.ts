import { JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, ISessionContextDialogs } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ITranslator } from '@jupyterlab/translation';

import { EXTENSION_ID, INbGuard } from '../tokens';
import { activateActions } from './plugin';
import { INbGuardActions } from './tokens';

export { INbGuardActions } from './tokens';
export type { INbGuardAction } from './tokens';

/**
 * The quick actions of nbguard findings: the commands, and the token the
 * Health panel, the hover and the lint actions list them through.
 */
export const actionsPlugin: JupyterFrontEndPlugin<INbGuardActions> = {
  id: `${EXTENSION_ID}:actions`,
  description:
    'Quick actions for nbguard findings: run stale cells, restore deleted code, move a definition above, delete an orphan from the kernel, ignore a finding.',
  autoStart: true,
  provides: INbGuardActions,
  requires: [INbGuard, INotebookTracker],
  optional: [ICommandPalette, ITranslator, ISessionContextDialogs],
  activate: activateActions
};
