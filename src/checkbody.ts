import { ICellModel, ICodeCellModel } from '@jupyterlab/cells';
import { INotebookModel } from '@jupyterlab/notebook';
import { ServerConnection } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';

import type { CheckCell, CheckRequest, Diagnostic } from './api';
import { ruleRequest, type INbGuardSettings } from './settings';

/**
 * How long a check request may take before it is abandoned, in ms.
 */
export const CHECK_TIMEOUT_MS = 30000;

/**
 * What the server's `history_changed` event says about a kernel (see
 * `docs/api.md`): the numbers a check against it would now report.
 */
export interface IHistoryChanged {
  readonly kernel_id: string;
  readonly epoch: number;
  readonly executions: number;
  readonly execution_count: number;
}

/**
 * Build the body of a `check` request from a notebook model.
 *
 * @param model The notebook model.
 * @param kernelId The id of the notebook's kernel, null if none.
 * @param path The notebook's path, null if unknown.
 * @param settings The settings: `select`, `ignore`, the rules turned off
 * (joining `ignore`) or given another severity, and the names to ignore.
 * @returns The request body.
 */
export function buildCheckRequest(
  model: INotebookModel,
  kernelId: string | null,
  path: string | null,
  settings: Pick<INbGuardSettings, 'select' | 'ignore'> &
    Partial<Pick<INbGuardSettings, 'rules' | 'ignoreNames'>>
): CheckRequest {
  const cells: CheckCell[] = [];
  for (const cell of model.cells) {
    cells.push(toCheckCell(cell));
  }
  const { ignore, severity } = ruleRequest({
    ignore: settings.ignore,
    rules: settings.rules ?? {}
  });
  const names = settings.ignoreNames ?? [];
  return {
    cells,
    kernel_id: kernelId,
    path,
    select: settings.select.length > 0 ? [...settings.select] : null,
    ignore: ignore.length > 0 ? ignore : null,
    severity,
    ignore_names: names.length > 0 ? [...names] : null
  };
}

/**
 * Whether two findings are the same for whoever shows them.
 */
export function sameDiagnostic(a: Diagnostic, b: Diagnostic): boolean {
  if (
    a.code !== b.code ||
    a.severity !== b.severity ||
    a.message !== b.message ||
    a.names.length !== b.names.length ||
    a.related.length !== b.related.length ||
    (a.range === null) !== (b.range === null)
  ) {
    return false;
  }
  if (a.range && b.range) {
    const [x, y] = [a.range, b.range];
    if (
      x.start.line !== y.start.line ||
      x.start.column !== y.start.column ||
      x.end.line !== y.end.line ||
      x.end.column !== y.end.column
    ) {
      return false;
    }
  }
  return (
    a.names.every((name, i) => name === b.names[i]) &&
    a.related.every(
      (r, i) =>
        r.cell_id === b.related[i].cell_id &&
        r.execution_count === b.related[i].execution_count &&
        r.message === b.related[i].message
    ) &&
    JSON.stringify(a.fix ?? null) === JSON.stringify(b.fix ?? null)
  );
}

/**
 * Whether two lists of findings are the same, in order.
 */
export function sameDiagnostics(
  a: ReadonlyArray<Diagnostic>,
  b: ReadonlyArray<Diagnostic>
): boolean {
  return a.length === b.length && a.every((d, i) => sameDiagnostic(d, b[i]));
}

/**
 * Say why a check failed, in the words the user should read: the server's own
 * message for an error answer (a 400 names the bad field, e.g. an unknown rule
 * in the Select setting), else what happened to the request.
 *
 * @param reason What the request rejected with.
 * @param trans The translation bundle.
 * @returns One line.
 */
export function failureReason(
  reason: unknown,
  trans: TranslationBundle
): string {
  if (reason instanceof ServerConnection.ResponseError) {
    const status = reason.response.status;
    const message = reason.message.trim();
    return message && !message.startsWith('Invalid response:')
      ? trans.__('The server refused the check (%1): %2', status, message)
      : trans.__('The server refused the check (%1).', status);
  }
  if (reason instanceof DOMException && reason.name === 'AbortError') {
    return trans.__(
      'The server did not answer within %1 s.',
      CHECK_TIMEOUT_MS / 1000
    );
  }
  if (reason instanceof ServerConnection.NetworkError) {
    return trans.__('The Jupyter server cannot be reached.');
  }
  return reason instanceof Error && reason.message
    ? reason.message
    : String(reason);
}

/**
 * Convert a cell model to the contract's `Cell`.
 */
function toCheckCell(cell: ICellModel): CheckCell {
  const cellType =
    cell.type === 'code' || cell.type === 'markdown' ? cell.type : 'raw';
  return {
    id: cell.id,
    cell_type: cellType,
    source: cell.sharedModel.getSource(),
    execution_count:
      cell.type === 'code' ? (cell as ICodeCellModel).executionCount : null
  };
}
