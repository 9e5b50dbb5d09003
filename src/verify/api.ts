import type * as nbformat from '@jupyterlab/nbformat';
import { ServerConnection } from '@jupyterlab/services';

import { MalformedResponseError } from '../api';
import { requestAPI } from '../request';

import type {
  VerifyCellResult,
  VerifyCompareResponse,
  VerifyOptions,
  VerifyStatus
} from '../_schema';

// The wire types are generated from jupyterlab_nbguard/server/schema.json
// (`jlpm build:schema`), as those of `check` are in ../api.ts.
export type {
  VerifyCellResult,
  VerifyCompareResponse,
  VerifyOptions,
  VerifyStatus
} from '../_schema';

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
export type Sanitizer = NonNullable<VerifyOptions['sanitizers']>[number];

/**
 * One code cell of a `verify/compare` request, as the frontend builds it.
 *
 * This one is written by hand: the schema's `VerifyCell` allows any extra
 * property (so its generated type is an index signature that nbformat's
 * output types do not fit), and JupyterLab's models hold nbformat outputs.
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
 * The body of `POST verify/compare`.
 */
export interface IVerifyRequest {
  readonly kernel_id: string | null;
  readonly cells: IVerifyCell[];
  readonly options: VerifyOptions | null;
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
function isCellResult(value: unknown): value is VerifyCellResult {
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
export function parseVerifyResponse(data: unknown): VerifyCompareResponse {
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
  async compare(body: IVerifyRequest): Promise<VerifyCompareResponse> {
    const data = await requestAPI<unknown>(
      'verify/compare',
      this.serverSettings,
      // The user is waiting for this one: ahead of the favicon swaps, checks
      // and workspace saves that the end of a run sends at the same moment.
      { method: 'POST', body: JSON.stringify(body), priority: 'high' }
    );
    return parseVerifyResponse(data);
  }
}
