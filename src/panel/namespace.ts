import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import { TranslationBundle } from '@jupyterlab/translation';

import type { NamespaceResponse } from '../_schema';
import { requestAPI } from '../request';

/**
 * One name live in a kernel, with its type and size.
 */
export type LiveName = NamespaceResponse['names'][number];

/**
 * What reading a kernel's namespace gave.
 *
 * - `ok`: the names;
 * - `forbidden`: the user may not execute code in kernels (403, or Jupyter
 *   Server says so beforehand), so the namespace is not read at all;
 * - `busy`: the kernel is running code (409); try again once it is idle;
 * - `error`: anything else, with the reason.
 */
export type NamespaceResult =
  | { readonly kind: 'ok'; readonly names: ReadonlyMap<string, LiveName> }
  | { readonly kind: 'forbidden' }
  | { readonly kind: 'busy' }
  | { readonly kind: 'error'; readonly message: string };

/**
 * Reads `GET kernels/{id}/namespace` for the Health panel's orphans section.
 *
 * Reading the namespace needs `execute` on `kernels` (it sends a silent
 * request to the kernel). The reader first asks Jupyter Server
 * (`GET api/me?permissions=...`) whether the user has it, once, so a user
 * who may only read never triggers a 403 in the server log.
 */
export class NamespaceReader {
  /**
   * Create a reader.
   *
   * @param serverSettings The Jupyter server settings to talk through.
   */
  constructor(readonly serverSettings: ServerConnection.ISettings) {}

  /**
   * Whether the user may execute code in kernels (cached after the first
   * answer; a failed question counts as yes, the namespace read then says).
   */
  mayExecute(): Promise<boolean> {
    if (this._mayExecute === null) {
      this._mayExecute = this._askPermission();
    }
    return this._mayExecute;
  }

  /**
   * Read the names live in a kernel.
   *
   * @param kernelId The kernel.
   * @returns What the server answered; never rejects.
   */
  async read(kernelId: string): Promise<NamespaceResult> {
    if (!(await this.mayExecute())) {
      return { kind: 'forbidden' };
    }
    try {
      const data = await requestAPI<NamespaceResponse>(
        `kernels/${encodeURIComponent(kernelId)}/namespace`,
        this.serverSettings,
        { method: 'GET' }
      );
      const names = new Map<string, LiveName>();
      for (const entry of Array.isArray(data?.names) ? data.names : []) {
        names.set(entry.name, entry);
      }
      return { kind: 'ok', names };
    } catch (reason) {
      if (reason instanceof ServerConnection.ResponseError) {
        if (reason.response.status === 403) {
          this._mayExecute = Promise.resolve(false);
          return { kind: 'forbidden' };
        }
        if (reason.response.status === 409) {
          return { kind: 'busy' };
        }
      }
      return {
        kind: 'error',
        message: reason instanceof Error ? reason.message : String(reason)
      };
    }
  }

  private async _askPermission(): Promise<boolean> {
    const url = URLExt.join(
      this.serverSettings.baseUrl,
      'api/me',
      URLExt.objectToQueryString({
        permissions: JSON.stringify({ kernels: ['execute'] })
      })
    );
    try {
      const response = await ServerConnection.makeRequest(
        url,
        { method: 'GET' },
        this.serverSettings
      );
      if (!response.ok) {
        return true;
      }
      const body = (await response.json()) as {
        permissions?: { kernels?: string[] };
      };
      const kernels = body.permissions?.kernels;
      return Array.isArray(kernels) ? kernels.includes('execute') : true;
    } catch {
      return true;
    }
  }

  private _mayExecute: Promise<boolean> | null = null;
}

/**
 * Say a byte count for people (`812 bytes`, `1.4 MB`), `size unknown` when
 * the kernel could not tell.
 *
 * @param size The size in bytes, null if unknown.
 * @param trans The translation bundle.
 */
export function formatSize(
  size: number | null | undefined,
  trans: TranslationBundle
): string {
  if (size === null || size === undefined) {
    return trans.__('size unknown');
  }
  if (size < 1024) {
    return trans.__('%1 bytes', size);
  }
  const units = ['KB', 'MB', 'GB'];
  let value = size / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
