import * as React from 'react';

import { countBySeverity, isQuiet, type IPlacedFinding } from '../findings';
import {
  filterFindings,
  groupFindings,
  isUnfiltered,
  moveFocus,
  NO_FILTER,
  ROW_WINDOW,
  rulesPresent,
  rangeFor,
  type GroupBy,
  type IRowRange,
  type IFindingFilter,
  type IFindingGroup
} from './model';
import { GroupHeader, groupLabel } from './group';
import { MemoFindingRow, type IRowContext } from './rows';
import { FilterBar } from './toolbar';
import type { IPanelView } from './viewstate';

/**
 * The rows rendered first.
 */
const FIRST_WINDOW: IRowRange = { start: 0, end: ROW_WINDOW };

/**
 * What the findings list of the Health panel shows.
 */
export interface IFindingsViewProps {
  /**
   * Callbacks and lookups the rows need.
   */
  readonly context: IRowContext;
  /**
   * The findings listed (after the `showInfo` setting), placed in page order.
   */
  readonly placed: ReadonlyArray<IPlacedFinding>;
  /**
   * Whether info findings are listed at all.
   */
  readonly withInfo: boolean;
  /**
   * The cell label of a finding (searched by the text filter).
   */
  readonly labelOf: (finding: IPlacedFinding) => string;
  /**
   * When the notebook was last checked, as a sentence ("Checked at 12:03.").
   */
  readonly checkedAt: string;
  /**
   * The orphans section, shown between the problems and the information.
   */
  readonly orphans: JSX.Element | null;
  /**
   * The grouping and filters chosen (kept by the panel, so that they
   * outlive this list: it re-mounts when the findings empty and come back).
   */
  readonly view: IPanelView;
  /**
   * Group by cell or rule.
   */
  readonly onGroupBy: (groupBy: GroupBy) => void;
  /**
   * Narrow the listing.
   */
  readonly onFilter: (filter: IFindingFilter) => void;
}

/**
 * The grouped, filtered, keyboard-navigable list of findings.
 *
 * Keyboard model (one tab stop, roving tabindex): Arrow Up/Down move between
 * findings across groups and sections, Page Up/Down by ten, Home/End to the
 * ends; Enter shows the finding; Tab goes into the focused finding's links
 * and actions. Long lists render a window of rows and more on demand.
 */
export function FindingsView(props: IFindingsViewProps): JSX.Element {
  const { context, placed, labelOf } = props;
  const { trans } = context;
  const { groupBy, filter } = props.view;
  const [focus, setFocus] = React.useState(-1);
  const [range, setRange] = React.useState<IRowRange>(FIRST_WINDOW);
  const root = React.useRef<HTMLDivElement>(null);
  const pending = React.useRef<number | null>(null);

  const shown = React.useMemo(
    () => filterFindings(placed, filter, labelOf),
    [placed, filter, labelOf]
  );
  const problems = React.useMemo(
    () =>
      groupFindings(
        shown.filter(f => !isQuiet(f.diagnostic)),
        groupBy
      ),
    [shown, groupBy]
  );
  const quiet = React.useMemo(
    () =>
      groupFindings(
        shown.filter(f => isQuiet(f.diagnostic)),
        groupBy
      ),
    [shown, groupBy]
  );
  const diagnostics = React.useMemo(
    () => placed.map(f => f.diagnostic),
    [placed]
  );
  const total = shown.length;
  const rover = focus >= 0 && focus < total ? focus : 0;

  // Move the DOM focus once the row the keyboard moved to is rendered (it
  // may take a render more when the window moves).
  React.useEffect(() => {
    const index = pending.current;
    if (index === null || !root.current) {
      return;
    }
    const node = root.current.querySelector<HTMLElement>(
      `[data-row="${index}"]`
    );
    if (node) {
      pending.current = null;
      node.focus();
      node.scrollIntoView?.({ block: 'nearest' });
    }
  });

  const onKeyDown = (event: React.KeyboardEvent) => {
    const target = event.target as HTMLElement;
    if (!target.hasAttribute('data-row')) {
      return;
    }
    const next = moveFocus(
      Number(target.getAttribute('data-row')),
      event.key,
      total
    );
    if (next === null) {
      return;
    }
    event.preventDefault();
    pending.current = next;
    setRange(current => rangeFor(current, next, total));
    setFocus(next);
  };

  const changeFilter = (next: IFindingFilter) => {
    props.onFilter(next);
    pending.current = null;
    setFocus(-1);
    setRange(FIRST_WINDOW);
  };

  // Render the rows of the window; `counter` numbers rows across groups.
  const { start, end } = rangeFor(range, -1, total);
  let counter = 0;
  const renderGroups = (groups: IFindingGroup[]) =>
    groups.map(group => {
      const first = counter;
      counter += group.items.length;
      if (counter <= start || first >= end) {
        return null;
      }
      const rows: JSX.Element[] = [];
      for (let i = Math.max(0, start - first); i < group.items.length; i++) {
        const index = first + i;
        if (index >= end) {
          break;
        }
        const finding = group.items[i];
        rows.push(
          <MemoFindingRow
            key={`${index}:${finding.diagnostic.code}:${finding.diagnostic.cell_id}`}
            finding={finding}
            index={index}
            focused={index === rover}
            showCell={groupBy === 'rule'}
            context={context}
            onFocus={setFocus}
          />
        );
      }
      return (
        <div
          key={group.key}
          className="jp-nbguard-DiagnosticsPanel-group"
          role="group"
          aria-label={groupLabel(group, context)}
        >
          <GroupHeader group={group} context={context} />
          <ul className="jp-nbguard-DiagnosticsPanel-list">{rows}</ul>
        </div>
      );
    });

  const filtered = !isUnfiltered(filter);
  const problemCount = problems.reduce((n, g) => n + g.items.length, 0);
  const quietCount = quiet.reduce((n, g) => n + g.items.length, 0);
  const problemGroups = renderGroups(problems);
  const quietGroups = renderGroups(quiet);

  return (
    <div
      className="jp-nbguard-DiagnosticsPanel-findings"
      ref={root}
      onKeyDown={onKeyDown}
    >
      <FilterBar
        trans={trans}
        groupBy={groupBy}
        filter={filter}
        counts={countBySeverity(diagnostics)}
        rules={rulesPresent(diagnostics)}
        withInfo={props.withInfo}
        onGroupBy={value => {
          props.onGroupBy(value);
          setFocus(-1);
        }}
        onFilter={changeFilter}
      />
      {filtered ? (
        <div className="jp-nbguard-DiagnosticsPanel-filtered" role="status">
          {trans.__('Showing %1 of %2 findings.', total, placed.length)}{' '}
          <button
            type="button"
            className="jp-nbguard-Link"
            onClick={() => changeFilter(NO_FILTER)}
          >
            {trans.__('Clear filters')}
          </button>
        </div>
      ) : null}
      {start > 0 ? (
        <button
          type="button"
          className="jp-nbguard-DiagnosticsPanel-more"
          onClick={() =>
            setRange({ start: Math.max(0, start - ROW_WINDOW), end })
          }
        >
          {trans._n(
            'Show %1 earlier finding',
            'Show %1 earlier findings',
            Math.min(start, ROW_WINDOW)
          )}
        </button>
      ) : null}
      <section
        className="jp-nbguard-DiagnosticsPanel-section"
        aria-label={trans.__('Problems')}
      >
        <h3 className="jp-nbguard-DiagnosticsPanel-heading">
          {trans.__('Problems')}
          <span className="jp-nbguard-DiagnosticsPanel-headingCount">
            {problemCount}
          </span>
        </h3>
        {problemCount === 0 ? (
          <div className="jp-nbguard-DiagnosticsPanel-empty">
            {filtered
              ? trans.__('No problem matches the filters.')
              : `${trans.__('No problems found.')} ${props.checkedAt}`}
          </div>
        ) : (
          problemGroups
        )}
      </section>
      {props.orphans}
      {quietCount === 0 ? null : (
        <section
          className="jp-nbguard-DiagnosticsPanel-section jp-nbguard-mod-quiet"
          aria-label={trans.__('Information')}
        >
          <h3
            className="jp-nbguard-DiagnosticsPanel-heading"
            title={trans.__(
              'Worth knowing, nothing to fix: Restart & Run All would give the same result.'
            )}
          >
            {trans.__('Information')}
            <span className="jp-nbguard-DiagnosticsPanel-headingCount">
              {quietCount}
            </span>
          </h3>
          {quietGroups}
        </section>
      )}
      {end < total ? (
        <MoreRows
          label={trans._n(
            'Show %1 more finding',
            'Show %1 more findings',
            Math.min(total - end, ROW_WINDOW)
          )}
          onMore={() => setRange({ start, end: end + ROW_WINDOW })}
        />
      ) : null}
    </div>
  );
}

/**
 * Whether the list would render the same for both props: every prop the
 * same object, except `checkedAt`, which changes with each check but only
 * shows when there is no problem at all.
 */
function sameView(a: IFindingsViewProps, b: IFindingsViewProps): boolean {
  const keys = Object.keys(a) as Array<keyof IFindingsViewProps>;
  for (const key of keys) {
    if (key !== 'checkedAt' && a[key] !== b[key]) {
      return false;
    }
  }
  return (
    a.checkedAt === b.checkedAt ||
    a.placed.some(finding => !isQuiet(finding.diagnostic))
  );
}

/**
 * `FindingsView`, rendered again only when what it shows changed: a status
 * change of the notebook (checking, then idle) or an answer with the same
 * findings re-renders the panel's header, not hundreds of rows.
 */
export const MemoFindingsView = React.memo(FindingsView, sameView);

/**
 * A button that renders the next window of rows; it also does so by itself
 * when it scrolls into view (where IntersectionObserver exists).
 */
function MoreRows(props: { label: string; onMore: () => void }): JSX.Element {
  const ref = React.useRef<HTMLButtonElement>(null);
  const onMore = React.useRef(props.onMore);
  onMore.current = props.onMore;
  React.useEffect(() => {
    if (!ref.current || typeof IntersectionObserver === 'undefined') {
      return;
    }
    const observer = new IntersectionObserver(entries => {
      if (entries.some(entry => entry.isIntersecting)) {
        onMore.current();
      }
    });
    observer.observe(ref.current);
    return () => observer.disconnect();
  }, []);
  return (
    <button
      type="button"
      ref={ref}
      className="jp-nbguard-DiagnosticsPanel-more"
      onClick={props.onMore}
    >
      {props.label}
    </button>
  );
}
