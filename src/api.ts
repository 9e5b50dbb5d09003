import { ServerConnection } from '@jupyterlab/services';

import type {
  CheckRequest,
  CheckResponse,
  Diagnostic,
  RulesResponse,
  VersionResponse
} from './_schema';
import { HeldAnswers, IAnswer, IRelativeRequest } from './delta';
import { requestAPI } from './request';

export type {
  Cell as CheckCell,
  CheckRequest,
  CheckResponse,
  Diagnostic,
  KernelSummary,
  Position,
  Range,
  Related,
  RuleInfo,
  RulesResponse,
  Severity,
  VersionResponse
} from './_schema';

/**
 * The version of the REST contract this frontend speaks.
 */
export const API_VERSION = 1;

/**
 * What the version handshake found out about the server extension.
 */
export type ServerStatus =
  | {
      /**
       * The server extension is there and speaks our contract.
       */
      readonly kind: 'ok';
      /**
       * The server extension's version.
       */
      readonly version: string;
      /**
       * The additions to the contract it has (`GET version`'s `features`).
       */
      readonly features: ReadonlyArray<string>;
    }
  | {
      /**
       * The server does not know the nbguard endpoints (404).
       */
      readonly kind: 'missing';
    }
  | {
      /**
       * The server extension speaks another version of the contract.
       */
      readonly kind: 'incompatible';
      /**
       * The contract version the server announced.
       */
      readonly api: unknown;
      /**
       * The server extension's version, if it sent one.
       */
      readonly version: string | null;
    }
  | {
      /**
       * The handshake failed for another reason (network, 5xx, 403, ...).
       */
      readonly kind: 'error';
      /**
       * What went wrong.
       */
      readonly reason: unknown;
    };

/**
 * Raised when the server answers with a body that does not have the shape
 * the contract promises.
 */
export class MalformedResponseError extends Error {
  /**
   * Create the error.
   *
   * @param endPoint The end point that answered.
   */
  constructor(readonly endPoint: string) {
    super(`nbguard: malformed response from ${endPoint}`);
    this.name = 'MalformedResponseError';
  }
}

/**
 * Whether a value is a non-null object.
 */
function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * Typed client of the nbguard REST API.
 */
export class NbGuardClient {
  /**
   * Create a client.
   *
   * @param serverSettings The Jupyter server settings to talk through.
   */
  constructor(readonly serverSettings: ServerConnection.ISettings) {}

  /**
   * `GET version`.
   *
   * @returns The server extension's version and contract version.
   * @throws {ServerConnection.ResponseError} On an error status.
   * @throws {MalformedResponseError} If the body is not a version object.
   */
  async getVersion(): Promise<VersionResponse> {
    const data = await requestAPI<unknown>('version', this.serverSettings, {
      method: 'GET'
    });
    if (!isObject(data) || !('api' in data)) {
      throw new MalformedResponseError('version');
    }
    return data as unknown as VersionResponse;
  }

  /**
   * `POST check`: diagnostics for the notebook as it is now.
   *
   * @param body The cells, kernel and path to check.
   * @param signal Aborts the request.
   * @returns The diagnostics and a summary of the kernel's history.
   * @throws {ServerConnection.ResponseError} On an error status.
   * @throws {ServerConnection.NetworkError} If the server cannot be reached.
   * @throws {MalformedResponseError} If the body has no diagnostics list.
   */
  async check(
    body: CheckRequest,
    signal?: AbortSignal
  ): Promise<CheckResponse> {
    // A notebook's checks are answered relative to the answer it holds (only
    // the cells whose findings changed travel back, and only the sources that
    // changed travel there); the full list is rebuilt here.
    const held = body.path ? this._heldFor(body.path) : null;
    const sources = new Map(body.cells.map(cell => [cell.id, cell.source]));
    let data: IAnswer & { kernel?: unknown };
    let diagnostics: Diagnostic[] | null = null;
    try {
      data = await this._postCheck(held ? held.relative(body) : body, signal);
      diagnostics = held ? held.absorb(data, sources) : [...data.diagnostics];
    } catch (reason) {
      if (
        !held ||
        !(reason instanceof ServerConnection.ResponseError) ||
        reason.response.status !== 409
      ) {
        throw reason;
      }
      data = { diagnostics: [] }; // the server no longer holds our answer
    }
    if (diagnostics === null) {
      held!.clear(); // ask in full: every source, no since
      data = await this._postCheck(body, signal);
      diagnostics = held!.absorb(data, sources) ?? [...data.diagnostics];
    }
    return {
      diagnostics,
      kernel: isObject(data.kernel) ? data.kernel : null
    } as CheckResponse;
  }

  private async _postCheck(
    body: CheckRequest | IRelativeRequest,
    signal?: AbortSignal
  ): Promise<IAnswer & { kernel?: unknown }> {
    const init: RequestInit = {
      method: 'POST',
      body: JSON.stringify(body)
    };
    if (signal) {
      init.signal = signal;
    }
    const data = await requestAPI<unknown>('check', this.serverSettings, init);
    if (!isObject(data) || !Array.isArray(data.diagnostics)) {
      throw new MalformedResponseError('check');
    }
    return data as unknown as IAnswer & { kernel?: unknown };
  }

  private _heldFor(path: string): HeldAnswers {
    let held = this._held.get(path);
    if (!held) {
      held = new HeldAnswers();
      this._held.set(path, held);
    }
    return held;
  }

  private readonly _held = new Map<string, HeldAnswers>();

  /**
   * `GET rules`: the rules the server knows.
   *
   * @returns The rule catalogue.
   * @throws {ServerConnection.ResponseError} On an error status.
   * @throws {MalformedResponseError} If the body has no rules list.
   */
  async getRules(): Promise<RulesResponse> {
    const data = await requestAPI<unknown>('rules', this.serverSettings, {
      method: 'GET'
    });
    if (!isObject(data) || !Array.isArray(data.rules)) {
      throw new MalformedResponseError('rules');
    }
    return data as unknown as RulesResponse;
  }

  /**
   * Find out whether the server extension is installed and compatible.
   *
   * Never rejects.
   *
   * @returns What the handshake found.
   */
  async handshake(): Promise<ServerStatus> {
    try {
      const answer = await this.getVersion();
      if (answer.api !== API_VERSION) {
        return {
          kind: 'incompatible',
          api: answer.api,
          version: typeof answer.version === 'string' ? answer.version : null
        };
      }
      return {
        kind: 'ok',
        version: answer.version,
        features: Array.isArray(answer.features) ? answer.features : []
      };
    } catch (reason) {
      if (
        reason instanceof ServerConnection.ResponseError &&
        reason.response.status === 404
      ) {
        return { kind: 'missing' };
      }
      if (reason instanceof MalformedResponseError) {
        return { kind: 'incompatible', api: undefined, version: null };
      }
      return { kind: 'error', reason };
    }
  }
}
