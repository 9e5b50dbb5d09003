/**
 * The prefix of every performance mark a verification leaves.
 */
export const MARK_PREFIX = 'nbguard-verify:';

/**
 * The phases of a verification, in the order they happen.
 *
 * - `command`: the command was invoked;
 * - `snapshot`: the outputs are copied (the state database write is under
 *   way, not awaited);
 * - `restart`: the restart is asked for;
 * - `ready`: the kernel answered after its restart;
 * - `queued`: a batch of cells was sent (the first one, usually the only one);
 * - `ran`: the last cell finished (or the run stopped);
 * - `compare`: the `verify/compare` request was sent;
 * - `compared`: its answer came in;
 * - `report`: the report was handed to the panel.
 */
export type VerifyMark =
  | 'command'
  | 'snapshot'
  | 'restart'
  | 'ready'
  | 'queued'
  | 'ran'
  | 'compare'
  | 'compared'
  | 'report';

/**
 * Leave a performance mark (`nbguard-verify:<phase>`) so that a profile or a
 * benchmark can split a verification into its phases, as the browser's own
 * timeline shows them. A mark costs about a microsecond; without the
 * Performance API (old test environments) nothing happens.
 *
 * @param phase The phase that just began or ended.
 */
export function markPhase(phase: VerifyMark): void {
  if (typeof performance !== 'undefined' && performance.mark) {
    performance.mark(MARK_PREFIX + phase);
  }
}
