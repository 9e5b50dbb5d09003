import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { INbGuardAction } from '../actions/tokens';
import type { Diagnostic, Related } from '../api';
import { severityLabel, type IPlacedFinding } from '../findings';
import { SEVERITY_ICONS } from '../icons';
import {
  findingTarget,
  linkCellReferences,
  relatedTarget,
  targetLabel
} from './labels';

/**
 * What the rows of the Health panel need from the panel.
 */
export interface IRowContext {
  /**
   * The translation bundle.
   */
  readonly trans: TranslationBundle;
  /**
   * Page positions of the notebook's cells by id.
   */
  readonly positions: ReadonlyMap<string, number>;
  /**
   * The cell ids in page order.
   */
  readonly cellIds: ReadonlyArray<string>;
  /**
   * Show a finding in its cell (its range selected).
   */
  open(diagnostic: Diagnostic): void;
  /**
   * Jump to a cell of the notebook, with the finding's name selected when
   * it is there.
   */
  jump(cellIndex: number, names: ReadonlyArray<string>): void;
  /**
   * Open a rule's documentation.
   */
  openRule(code: string): void;
  /**
   * The quick actions of a finding (none without the actions plugin).
   */
  actionsFor(diagnostic: Diagnostic): INbGuardAction[];
  /**
   * Run a quick action the user clicked.
   */
  runAction(action: INbGuardAction): void;
  /**
   * Bring the section of names live only in the kernel into view.
   */
  showOrphans(): void;
}

/**
 * A cell reference rendered as a link to the cell.
 */
export function CellLink(props: {
  label: string;
  cellIndex: number;
  names: ReadonlyArray<string>;
  context: IRowContext;
  tabIndex: number;
}): JSX.Element {
  const { context, cellIndex, names } = props;
  return (
    <button
      type="button"
      className="jp-nbguard-Link jp-nbguard-DiagnosticsPanel-cellLink"
      tabIndex={props.tabIndex}
      title={context.trans.__('Go to %1', props.label)}
      onClick={event => {
        event.stopPropagation();
        context.jump(cellIndex, names);
      }}
    >
      {props.label}
    </button>
  );
}

/**
 * A message with its cell references as links.
 */
function MessageText(props: {
  diagnostic: Diagnostic;
  context: IRowContext;
  tabIndex: number;
}): JSX.Element {
  const { diagnostic, context } = props;
  const parts = linkCellReferences(
    diagnostic.message,
    diagnostic.related,
    context.positions,
    context.cellIds.length
  );
  return (
    <div
      className="jp-nbguard-DiagnosticsPanel-message"
      title={diagnostic.message}
    >
      {parts.map((part, i) =>
        'cellIndex' in part ? (
          <CellLink
            key={i}
            label={part.text}
            cellIndex={part.cellIndex}
            names={diagnostic.names}
            context={context}
            tabIndex={props.tabIndex}
          />
        ) : (
          <React.Fragment key={i}>{part.text}</React.Fragment>
        )
      )}
    </div>
  );
}

/**
 * The related locations of a finding, each cell a link.
 */
function RelatedList(props: {
  diagnostic: Diagnostic;
  context: IRowContext;
  tabIndex: number;
}): JSX.Element | null {
  const { diagnostic, context } = props;
  if (diagnostic.related.length === 0) {
    return null;
  }
  return (
    // Not a list: the finding rows are the panel's only list items.
    <div className="jp-nbguard-DiagnosticsPanel-related">
      {diagnostic.related.map((related: Related, i) => {
        const target = relatedTarget(related, context.positions);
        const label = targetLabel(context.trans, target);
        return (
          <div key={i} className="jp-nbguard-DiagnosticsPanel-relatedItem">
            {target.kind === 'cell' ? (
              <CellLink
                label={label}
                cellIndex={target.index}
                names={diagnostic.names}
                context={context}
                tabIndex={props.tabIndex}
              />
            ) : (
              <span className="jp-nbguard-DiagnosticsPanel-cellText">
                {label}
              </span>
            )}{' '}
            {related.message}
          </div>
        );
      })}
    </div>
  );
}

/**
 * The quick-action buttons of a finding.
 */
export function ActionButtons(props: {
  actions: INbGuardAction[];
  context: IRowContext;
  tabIndex: number;
}): JSX.Element | null {
  if (props.actions.length === 0) {
    return null;
  }
  return (
    <div className="jp-nbguard-Actions">
      {props.actions.map(action => (
        <button
          type="button"
          key={action.id}
          className="jp-nbguard-Actions-button"
          tabIndex={props.tabIndex}
          title={action.caption ?? action.label}
          onClick={event => {
            event.stopPropagation();
            props.context.runAction(action);
          }}
        >
          {action.label}
        </button>
      ))}
    </div>
  );
}

/**
 * Whether a finding is the notebook-level list of orphan names (NBG203
 * without a cell), whose names the orphans section shows one by one.
 */
function listsOrphans(diagnostic: Diagnostic): boolean {
  return diagnostic.code === 'NBG203' && diagnostic.cell_id === null;
}

/**
 * One finding of the Health panel.
 *
 * The row's main button (rule and, when grouped by rule, the cell) is the
 * element the arrow keys move between (roving tabindex); Enter or a click
 * shows the finding. Inside the row, cell references and quick actions are
 * buttons of their own, reachable with Tab from the focused row. A
 * notebook-level finding has no cell to show: its main element says so
 * and is not a button.
 */
export function FindingRow(props: {
  finding: IPlacedFinding;
  index: number;
  focused: boolean;
  showCell: boolean;
  context: IRowContext;
  onFocus: (index: number) => void;
}): JSX.Element {
  const { finding, context, focused, index } = props;
  const { diagnostic } = finding;
  const { trans } = context;
  const Icon = SEVERITY_ICONS[diagnostic.severity];
  const target = findingTarget(diagnostic, context.positions);
  const where = targetLabel(trans, target);
  const tabIndex = focused ? 0 : -1;
  const severity = severityLabel(trans, diagnostic.severity);
  const jumps = target.kind === 'cell';
  const label = jumps
    ? trans.__(
        '%1 %2 %3 in %4: %5',
        severity,
        diagnostic.code,
        diagnostic.rule,
        where,
        diagnostic.message
      )
    : trans.__(
        '%1 %2 %3, %4: %5',
        severity,
        diagnostic.code,
        diagnostic.rule,
        where,
        diagnostic.message
      );
  const header = (
    <>
      <Icon.react
        className="jp-nbguard-DiagnosticsPanel-severity"
        tag="span"
        title={severity}
      />
      <span className="jp-nbguard-DiagnosticsPanel-code">
        {diagnostic.code}
      </span>
      <span className="jp-nbguard-DiagnosticsPanel-rule">
        {diagnostic.rule}
      </span>
      {props.showCell || !jumps ? (
        <span className="jp-nbguard-DiagnosticsPanel-cell">{where}</span>
      ) : null}
    </>
  );
  return (
    <li
      className={`jp-nbguard-DiagnosticsPanel-row jp-nbguard-mod-${diagnostic.severity}${
        focused ? ' jp-nbguard-mod-focused' : ''
      }`}
      onClick={
        jumps
          ? event => {
              if (!(event.target as HTMLElement).closest('button')) {
                context.open(diagnostic);
              }
            }
          : undefined
      }
    >
      {jumps ? (
        <button
          type="button"
          className="jp-nbguard-DiagnosticsPanel-rowButton"
          data-row={index}
          tabIndex={tabIndex}
          aria-label={label}
          onFocus={() => props.onFocus(index)}
          onClick={() => context.open(diagnostic)}
        >
          {header}
        </button>
      ) : (
        <div
          className="jp-nbguard-DiagnosticsPanel-rowButton jp-nbguard-mod-static"
          data-row={index}
          tabIndex={tabIndex}
          role="group"
          aria-label={label}
          onFocus={() => props.onFocus(index)}
        >
          {header}
        </div>
      )}
      <MessageText
        diagnostic={diagnostic}
        context={context}
        tabIndex={tabIndex}
      />
      <RelatedList
        diagnostic={diagnostic}
        context={context}
        tabIndex={tabIndex}
      />
      {listsOrphans(diagnostic) ? (
        // Its names, each with its actions, are in the section below.
        <div className="jp-nbguard-Actions">
          <button
            type="button"
            className="jp-nbguard-Link"
            tabIndex={tabIndex}
            onClick={event => {
              event.stopPropagation();
              context.showOrphans();
            }}
          >
            {trans.__('Show the names live in the kernel')}
          </button>
        </div>
      ) : (
        <ActionButtons
          actions={context.actionsFor(diagnostic)}
          context={context}
          tabIndex={tabIndex}
        />
      )}
    </li>
  );
}

/**
 * `FindingRow`, rendered again only when its finding (the same object while
 * the check's answer for its cell does not change), place, focus or context
 * changed: a new answer re-renders the rows it changed, not the whole list.
 */
export const MemoFindingRow = React.memo(
  FindingRow,
  (a, b) =>
    a.finding.diagnostic === b.finding.diagnostic &&
    a.finding.cellIndex === b.finding.cellIndex &&
    a.index === b.index &&
    a.focused === b.focused &&
    a.showCell === b.showCell &&
    a.context === b.context &&
    a.onFocus === b.onFocus
);
