import {
  ILabShell,
  ILayoutRestorer,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { IEditorExtensionRegistry } from '@jupyterlab/codemirror';
import { INotebookTracker } from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStateDB } from '@jupyterlab/statedb';
import { IStatusBar } from '@jupyterlab/statusbar';
import { ITranslator } from '@jupyterlab/translation';

import { INbGuardActions } from './actions/tokens';
import {
  activateCellMarkers,
  activateCommands,
  activateNbGuard,
  activateStatus
} from './activate';
import { activateHealthPanel, activateHover } from './panel/plugin';
import { EXTENSION_ID, INbGuard, INbGuardVerify, PLUGIN_ID } from './tokens';
import { actionsPlugin } from './actions';
import { verifyPlugin } from './verify';

/**
 * The core plugin: REST client, per-notebook checkers and settings.
 */
const plugin: JupyterFrontEndPlugin<INbGuard> = {
  id: PLUGIN_ID,
  description:
    'Checks notebooks for hidden state against the kernel history the nbguard server extension records.',
  autoStart: true,
  provides: INbGuard,
  requires: [INotebookTracker],
  optional: [ISettingRegistry, ITranslator],
  activate: activateNbGuard
};

/**
 * Underlines findings in notebook cell editors.
 */
const editor: JupyterFrontEndPlugin<void> = {
  id: `${EXTENSION_ID}:editor`,
  description: 'Underlines nbguard findings in notebook cell editors.',
  autoStart: true,
  requires: [INbGuard, IEditorExtensionRegistry],
  optional: [INotebookTracker, ITranslator, INbGuardActions],
  activate: activateHover
};

/**
 * Marks cells that have findings.
 */
const cellMarkers: JupyterFrontEndPlugin<void> = {
  id: `${EXTENSION_ID}:cell-markers`,
  description: 'Marks notebook cells that have nbguard findings.',
  autoStart: true,
  requires: [INbGuard, INotebookTracker],
  optional: [ITranslator],
  activate: activateCellMarkers
};

/**
 * Lists the findings of the current notebook in a side panel.
 */
const panel: JupyterFrontEndPlugin<void> = {
  id: `${EXTENSION_ID}:panel`,
  description:
    'The Notebook Health panel: the nbguard findings of the current notebook, grouped and filtered, and the names live only in the kernel.',
  autoStart: true,
  requires: [INbGuard, INotebookTracker],
  optional: [
    ILayoutRestorer,
    ITranslator,
    INbGuardVerify,
    INbGuardActions,
    IRenderMimeRegistry,
    IStateDB
  ],
  activate: activateHealthPanel
};

/**
 * Shows the finding counts in the status bar.
 */
const status: JupyterFrontEndPlugin<void> = {
  id: `${EXTENSION_ID}:status`,
  description: 'Shows the nbguard finding counts in the status bar.',
  autoStart: true,
  requires: [INbGuard, INotebookTracker],
  optional: [IStatusBar, ILabShell, ITranslator],
  activate: activateStatus
};

/**
 * The nbguard commands.
 */
const commands: JupyterFrontEndPlugin<void> = {
  id: `${EXTENSION_ID}:commands`,
  description: 'Adds the nbguard commands and their palette entries.',
  autoStart: true,
  requires: [INbGuard, INotebookTracker],
  optional: [ICommandPalette, ITranslator],
  activate: activateCommands
};

export default [
  plugin,
  editor,
  cellMarkers,
  panel,
  status,
  commands,
  verifyPlugin,
  actionsPlugin
];
