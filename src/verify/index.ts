import { JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, IToolbarWidgetRegistry } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStateDB } from '@jupyterlab/statedb';
import { ITranslator } from '@jupyterlab/translation';

import { INbGuard, INbGuardVerify } from '../tokens';
import { activateVerify, VERIFY_PLUGIN_ID } from './plugin';

/**
 * Restart and verify: restart the kernel, run the notebook top to bottom and
 * report, cell by cell, whether the outputs reproduce.
 */
export const verifyPlugin: JupyterFrontEndPlugin<INbGuardVerify> = {
  id: VERIFY_PLUGIN_ID,
  description:
    'Restarts the kernel, runs every code cell and reports which outputs reproduce.',
  autoStart: true,
  provides: INbGuardVerify,
  requires: [INotebookTracker, IStateDB],
  optional: [
    ISettingRegistry,
    ICommandPalette,
    IToolbarWidgetRegistry,
    ITranslator,
    INbGuard
  ],
  activate: activateVerify
};
