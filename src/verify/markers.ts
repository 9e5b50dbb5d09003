/**
 * Which cells the restart-and-verify run treats specially.
 *
 * Only the decisions the browser must make before the server sees anything
 * live here: whether to run a cell at all, and whether an error it raises
 * should stop the run. Comparing outputs (and the ignore-output markers) is
 * the server's job (`jupyterlab_nbguard/verify/`).
 */

/**
 * Tags that say a cell is expected to raise (nbval and nbmake conventions).
 */
const RAISES_TAGS = ['raises-exception', 'nbval-raises-exception'];

/**
 * Tags that say a cell must not be run.
 */
const SKIP_TAGS = ['nbguard:skip', 'nbval-skip'];

/**
 * nbval's comment markers, which take precedence over tags.
 */
const COMMENT = /^\s*#+\s*NBVAL_([A-Z_]+)\s*$/;

/**
 * The nbval comment markers of a cell source, in order.
 *
 * @param source The cell source.
 * @returns The marker names, e.g. `RAISES_EXCEPTION`.
 */
function commentMarkers(source: string): string[] {
  const markers: string[] = [];
  for (const line of source.split('\n')) {
    const match = COMMENT.exec(line);
    if (match) {
      markers.push(match[1]);
    }
  }
  return markers;
}

/**
 * Whether an error raised by this cell is expected, so the run goes on.
 *
 * @param source The cell source.
 * @param tags The cell's tags.
 * @returns True for `# NBVAL_RAISES_EXCEPTION` or a raises-exception tag.
 */
export function expectsError(
  source: string,
  tags: ReadonlyArray<string>
): boolean {
  if (commentMarkers(source).includes('RAISES_EXCEPTION')) {
    return true;
  }
  return tags.some(tag => RAISES_TAGS.includes(tag));
}

/**
 * Whether the cell is marked not to be run at all.
 *
 * @param source The cell source.
 * @param tags The cell's tags.
 * @returns True for `# NBVAL_SKIP` or a skip tag.
 */
export function isSkipped(
  source: string,
  tags: ReadonlyArray<string>
): boolean {
  if (commentMarkers(source).includes('SKIP')) {
    return true;
  }
  return tags.some(tag => SKIP_TAGS.includes(tag));
}

/**
 * The tags of a cell from its metadata, ignoring anything that is not a
 * list of strings.
 *
 * @param metadata The cell metadata.
 * @returns The tags.
 */
export function tagsOf(metadata: { [key: string]: unknown }): string[] {
  const tags = metadata.tags;
  return Array.isArray(tags)
    ? tags.filter((tag): tag is string => typeof tag === 'string')
    : [];
}
