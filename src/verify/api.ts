import type * as nbformat from '@jupyterlab/nbformat';
import { ServerConnection } from '@jupyterlab/services';

import { MalformedResponseError } from '../api';
import { requestAPI } from '../request';

/**
 * How one cell came out of a verification (`POST verify/compare`).
 */
export type VerifyStatus = 'same' | 'changed' | 'error' | 'not-run' | 'skipped';

/**
 * Every status, in the order the report explains them.
 */
export const VERIFY_STATUSES: ReadonlyArray<VerifyStatus> = [
  'same',
  'changed',
  'error',
  'not-run',
  'skipped'
];

/**
 * One user sanitiser: every match of `regex` becomes `replace` on both sides.
 */
export interface ISanitizer {
  readonly regex: string;
  readonly replace: string;
}

/**
 * One code cell of a `verify/compare` request.
 */
export interface IVerifyCell {
  readonly id: string;
  readonly source: string;
  readonly tags: string[];
  readonly before: {
    readonly execution_count: nbformat.ExecutionCount;
    readonly outputs: nbformat.IOutput[];
  };
  readonly after: {
    /**
     * False when the run never reached the cell, skipped it, or stopped
     * inside it (cancelled, kernel died).
     */
    readonly ran: boolean;
    readonly outputs: nbformat.IOutput[];
  };
}

/**
 * The comparison options, from the Settings Editor.
 */
export interface IVerifyOptions {
  readonly sanitizers: ISanitizer[] | null;
  readonly compare_images: boolean | null;
  readonly float_tolerance: number | null;
}

/**
 * The body of `POST verify/compare`.
 */
export interface IVerifyRequest {
  readonly kernel_id: string | null;
  readonly cells: IVerifyCell[];
  readonly options: IVerifyOptions | null;
}

/**
 * The server's verdict on one cell.
 */
export interface IVerifyCellResult {
  readonly cell_id: string;
  readonly status: VerifyStatus;
  /**
   * A unified diff of the normalised outputs, null when there is none.
   */
  readonly diff: string | null;
  /**
   * The first divergence, when this cell's difference follows from it.
   */
  readonly consequence_of: string | null;
}

/**
 * The answer of `POST verify/compare`.
 */
export interface IVerifyResponse {
  readonly reproduced: boolean;
  readonly first_divergence: string | null;
  readonly cells: IVerifyCellResult[];
}

/**
 * Whether a value is a non-null object.
 */
function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * Whether a value is one cell result of the contract.
 */
function isCellResult(value: unknown): value is IVerifyCellResult {
  return (
    isObject(value) &&
    typeof value.cell_id === 'string' &&
    VERIFY_STATUSES.includes(value.status as VerifyStatus) &&
    (value.diff === null || typeof value.diff === 'string') &&
    (value.consequence_of === null || typeof value.consequence_of === 'string')
  );
}

/**
 * Check that a `verify/compare` answer has the shape of the contract.
 *
 * @param data The parsed body.
 * @returns The same value, typed.
 * @throws {MalformedResponseError} If it does not.
 */
export function parseVerifyResponse(data: unknown): IVerifyResponse {
  if (
    !isObject(data) ||
    typeof data.reproduced !== 'boolean' ||
    !(
      data.first_divergence === null ||
      typeof data.first_divergence === 'string'
    ) ||
    !Array.isArray(data.cells) ||
    !data.cells.every(isCellResult)
  ) {
    throw new MalformedResponseError('verify/compare');
  }
  return {
    reproduced: data.reproduced,
    first_divergence: data.first_divergence,
    cells: data.cells
  };
}

/**
 * Typed client of `POST verify/compare`.
 */
export class VerifyClient {
  /**
   * Create a client.
   *
   * @param serverSettings The Jupyter server settings to talk through.
   */
  constructor(readonly serverSettings: ServerConnection.ISettings) {}

  /**
   * Ask the server to compare the outputs before and after a run. The
   * server normalises and diffs; the browser never compares outputs.
   *
   * @param body The cells with their before and after outputs.
   * @returns The per-cell verdicts.
   * @throws {ServerConnection.ResponseError} On an error status.
   * @throws {ServerConnection.NetworkError} If the server cannot be reached.
   * @throws {MalformedResponseError} If the body is not a comparison.
   */
  async compare(body: IVerifyRequest): Promise<IVerifyResponse> {
    const data = await requestAPI<unknown>(
      'verify/compare',
      this.serverSettings,
      { method: 'POST', body: JSON.stringify(body) }
    );
    return parseVerifyResponse(data);
  }
}
