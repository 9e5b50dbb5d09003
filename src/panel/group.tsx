import * as React from 'react';

import type { IFindingGroup } from './model';
import { CellLink, type IRowContext } from './rows';

/**
 * The header of a group: what it is about (a cell link, the notebook, or a
 * rule with a link to its documentation) and how many findings it holds.
 */
export function GroupHeader(props: {
  group: IFindingGroup;
  context: IRowContext;
}): JSX.Element {
  const { group, context } = props;
  const { trans } = context;
  let title: JSX.Element;
  if (group.kind === 'cell') {
    title = (
      <CellLink
        label={trans.__('cell %1', group.cellIndex + 1)}
        cellIndex={group.cellIndex}
        names={[]}
        context={context}
        tabIndex={-1}
      />
    );
  } else if (group.kind === 'rule') {
    title = (
      <>
        <button
          type="button"
          className="jp-nbguard-Link jp-nbguard-DiagnosticsPanel-ruleLink"
          tabIndex={-1}
          title={trans.__('Open the documentation of %1', group.code ?? '')}
          onClick={() => context.openRule(group.code ?? '')}
        >
          {group.code}
        </button>
        <span className="jp-nbguard-DiagnosticsPanel-groupRule">
          {group.rule}
        </span>
      </>
    );
  } else if (group.kind === 'notebook') {
    title = <span>{trans.__('Whole notebook')}</span>;
  } else {
    title = <span>{trans.__('Cells no longer in the notebook')}</span>;
  }
  return (
    <div className="jp-nbguard-DiagnosticsPanel-groupHeader">
      <span className="jp-nbguard-DiagnosticsPanel-groupTitle">{title}</span>
      <span
        className="jp-nbguard-DiagnosticsPanel-groupCount"
        title={trans._n('%1 finding', '%1 findings', group.items.length)}
      >
        {group.items.length}
      </span>
    </div>
  );
}

/**
 * The accessible name of a group: what it is about and how many findings.
 */
export function groupLabel(group: IFindingGroup, context: IRowContext): string {
  const { trans } = context;
  const count = trans._n('%1 finding', '%1 findings', group.items.length);
  switch (group.kind) {
    case 'cell':
      return trans.__('cell %1: %2', group.cellIndex + 1, count);
    case 'rule':
      return trans.__('%1 %2: %3', group.code ?? '', group.rule ?? '', count);
    case 'notebook':
      return trans.__('Whole notebook: %1', count);
    default:
      return trans.__('Cells no longer in the notebook: %1', count);
  }
}
