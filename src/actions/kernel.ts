import { Dialog, showDialog } from '@jupyterlab/apputils';
import { NotebookPanel } from '@jupyterlab/notebook';
import { ServerConnection } from '@jupyterlab/services';
import { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import type { NamespaceResponse } from '../_schema';
import { requestAPI } from '../request';
import { isDeletableName } from './logic';

/**
 * *Delete from kernel*: a name that only the kernel holds (an NBG203 orphan)
 * is removed with `del name`, after the user confirmed it seeing what it is.
 */

/**
 * How often a busy kernel's namespace is asked for, and how long apart.
 */
const BUSY_RETRIES = 10;
const BUSY_DELAY_MS = 300;

/**
 * One name live in the kernel, as `GET kernels/{id}/namespace` describes it.
 */
export type LiveName = NamespaceResponse['names'][number];

/**
 * Read what the kernel holds under `name`.
 *
 * @param serverSettings The server connection settings.
 * @param kernelId The kernel.
 * @param name The name.
 * @returns Its entry, null if the kernel does not hold it; rejects if the
 *   namespace could not be read (busy kernel, no permission).
 */
export async function readLiveName(
  serverSettings: ServerConnection.ISettings,
  kernelId: string,
  name: string
): Promise<LiveName | null> {
  const data = await requestAPI<NamespaceResponse>(
    `kernels/${encodeURIComponent(kernelId)}/namespace`,
    serverSettings,
    { method: 'GET' }
  );
  return data.names.find(entry => entry.name === name) ?? null;
}

/**
 * A byte count for people.
 *
 * @param size The size in bytes, null if unknown.
 * @param trans The translation bundle.
 */
export function formatBytes(
  size: number | null,
  trans: TranslationBundle
): string {
  if (size === null) {
    return trans.__('size unknown');
  }
  if (size < 1024) {
    return trans._n('%1 byte', '%1 bytes', size);
  }
  const units = [trans.__('KB'), trans.__('MB'), trans.__('GB')];
  let value = size / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * Ask whether to delete `name` from the kernel, showing its type and size.
 *
 * @returns Whether the user confirmed.
 */
async function confirmDelete(
  name: string,
  live: LiveName,
  trans: TranslationBundle
): Promise<boolean> {
  const body = new Widget();
  body.addClass('jp-nbguard-DeleteDialog');
  const what = document.createElement('p');
  what.className = 'jp-nbguard-DeleteDialog-name';
  const code = document.createElement('code');
  code.textContent = name;
  what.append(
    code,
    ` ${trans.__('(%1, %2)', live.type, formatBytes(live.size_bytes, trans))}`
  );
  const why = document.createElement('p');
  why.textContent = trans.__(
    'No cell of the notebook defines it: it exists only in the kernel. Deleting it runs `del %1` in the kernel and cannot be undone; only re-running the code that made it brings it back.',
    name
  );
  body.node.append(what, why);
  const result = await showDialog({
    title: trans.__('Delete %1 from the Kernel?', name),
    body,
    buttons: [
      Dialog.cancelButton(),
      Dialog.warnButton({
        label: trans.__('Delete'),
        ariaLabel: trans.__('Delete %1 from the kernel', name)
      })
    ]
  });
  return result.button.accept;
}

/**
 * Why deleting a name did not happen, for a notification.
 */
export class DeleteError extends Error {}

/**
 * Delete an orphan name from a notebook's kernel after a confirmation.
 *
 * The code runs as a silent request that stores no history and takes no
 * execution count, so the notebook's prompts and `In`/`Out` stay as they are.
 *
 * @param panel The notebook whose kernel holds the name.
 * @param name The name.
 * @param trans The translation bundle.
 * @returns Whether it was deleted (false: the user cancelled).
 * @throws {DeleteError} With a translated reason, when it cannot be done.
 */
export async function deleteFromKernel(
  panel: NotebookPanel,
  name: string,
  trans: TranslationBundle
): Promise<boolean> {
  if (!isDeletableName(name)) {
    throw new DeleteError(trans.__('%1 is not a Python name.', name));
  }
  const kernel = panel.sessionContext.session?.kernel ?? null;
  if (!kernel) {
    throw new DeleteError(trans.__('The notebook has no kernel.'));
  }
  let live: LiveName | null = null;
  for (let attempt = 1; ; attempt++) {
    try {
      live = await readLiveName(kernel.serverSettings, kernel.id, name);
      break;
    } catch (reason) {
      const status =
        reason instanceof ServerConnection.ResponseError
          ? reason.response.status
          : null;
      // 409: the kernel is running something (often nbguard's own probe of
      // the namespace after a check); it is idle again within moments.
      if (status === 409 && attempt < BUSY_RETRIES) {
        await new Promise(resolve => setTimeout(resolve, BUSY_DELAY_MS));
        continue;
      }
      throw new DeleteError(
        status === 409
          ? trans.__('The kernel is busy; try again when it is idle.')
          : trans.__('The kernel namespace could not be read: %1', `${reason}`)
      );
    }
  }
  if (!live) {
    throw new DeleteError(trans.__('The kernel holds no %1 any more.', name));
  }
  if (!(await confirmDelete(name, live, trans))) {
    return false;
  }
  const future = kernel.requestExecute({
    code: `del ${name}`,
    silent: true,
    store_history: false
  });
  const reply = await future.done;
  if (reply.content.status !== 'ok') {
    throw new DeleteError(trans.__('The kernel could not delete %1.', name));
  }
  // Read the namespace once more: it proves the name is gone, and the
  // server's answer is what the next check weighs orphans against.
  const after = await readLiveName(
    kernel.serverSettings,
    kernel.id,
    name
  ).catch(() => null);
  if (after) {
    throw new DeleteError(trans.__('The kernel still holds %1.', name));
  }
  return true;
}
