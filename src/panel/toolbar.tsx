import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { Severity } from '../api';
import { severityLabel } from '../findings';
import { SEVERITY_ICONS } from '../icons';
import type { GroupBy, IFindingFilter } from './model';

const SEVERITIES: ReadonlyArray<Severity> = ['error', 'warning', 'info'];

/**
 * The Health panel's controls: group by cell or rule, severity toggles with
 * their counts, a rule menu and a text filter.
 */
export function FilterBar(props: {
  trans: TranslationBundle;
  groupBy: GroupBy;
  filter: IFindingFilter;
  counts: Record<Severity, number>;
  rules: ReadonlyArray<[string, string, number]>;
  withInfo: boolean;
  onGroupBy: (groupBy: GroupBy) => void;
  onFilter: (filter: IFindingFilter) => void;
}): JSX.Element {
  const { trans, filter, onFilter } = props;
  // A rule chosen earlier stays selectable (and shown as chosen) while this
  // notebook has none of its findings: the filter outlives the list.
  const rules =
    filter.code === null || props.rules.some(([code]) => code === filter.code)
      ? props.rules
      : [...props.rules, [filter.code, '', 0] as [string, string, number]];
  const toggle = (severity: Severity) => {
    const severities = new Set(filter.severities);
    if (severities.has(severity)) {
      severities.delete(severity);
    } else {
      severities.add(severity);
    }
    onFilter({ ...filter, severities });
  };
  const groupButton = (value: GroupBy, label: string) => (
    <button
      type="button"
      className="jp-nbguard-FilterBar-toggle"
      aria-pressed={props.groupBy === value}
      onClick={() => props.onGroupBy(value)}
    >
      {label}
    </button>
  );
  return (
    <div
      className="jp-nbguard-FilterBar"
      role="toolbar"
      aria-label={trans.__('Group and filter findings')}
    >
      <div
        className="jp-nbguard-FilterBar-group"
        role="group"
        aria-label={trans.__('Group by')}
      >
        <span className="jp-nbguard-FilterBar-label">
          {trans.__('Group by')}
        </span>
        {groupButton('cell', trans.__('Cell'))}
        {groupButton('rule', trans.__('Rule'))}
      </div>
      <div
        className="jp-nbguard-FilterBar-group"
        role="group"
        aria-label={trans.__('Severities shown')}
      >
        {SEVERITIES.filter(s => s !== 'info' || props.withInfo).map(
          severity => {
            const Icon = SEVERITY_ICONS[severity];
            const name = severityLabel(trans, severity);
            return (
              <button
                type="button"
                key={severity}
                className={`jp-nbguard-FilterBar-toggle jp-nbguard-mod-${severity}`}
                aria-pressed={filter.severities.has(severity)}
                aria-label={trans.__(
                  'Show %1 (%2)',
                  name,
                  props.counts[severity]
                )}
                title={trans.__('Show %1 (%2)', name, props.counts[severity])}
                onClick={() => toggle(severity)}
              >
                <Icon.react tag="span" className="jp-nbguard-FilterBar-icon" />
                {props.counts[severity]}
              </button>
            );
          }
        )}
        <select
          className="jp-nbguard-FilterBar-rule"
          aria-label={trans.__('Rule')}
          value={filter.code ?? ''}
          onChange={event =>
            onFilter({ ...filter, code: event.target.value || null })
          }
        >
          <option value="">{trans.__('All rules')}</option>
          {rules.map(([code, rule, count]) => (
            <option key={code} value={code}>
              {rule ? `${code} ${rule} (${count})` : `${code} (${count})`}
            </option>
          ))}
        </select>
      </div>
      <input
        type="search"
        className="jp-nbguard-FilterBar-text"
        aria-label={trans.__('Filter findings by text')}
        placeholder={trans.__('Filter findings')}
        title={trans.__(
          'Shows findings whose message, name, rule or cell contains this text'
        )}
        value={filter.text}
        onChange={event => onFilter({ ...filter, text: event.target.value })}
      />
    </div>
  );
}
