import * as React from 'react';

import type { IOrphan } from './model';
import { formatSize, type NamespaceResult } from './namespace';
import { ActionButtons, type IRowContext } from './rows';

/**
 * The section "Live in the kernel, not in the notebook": every name the
 * kernel holds that no cell of the notebook defines any more, with its type
 * and size read from the live kernel, and the actions for it (delete from
 * kernel, when the actions plugin offers it).
 */
export function OrphansSection(props: {
  orphans: ReadonlyArray<IOrphan>;
  namespace: NamespaceResult | null;
  context: IRowContext;
}): JSX.Element {
  const { orphans, namespace, context } = props;
  const { trans } = context;
  const title = trans.__('Live in the kernel, not in the notebook');
  let note: string | null = null;
  if (namespace === null) {
    note = trans.__('Reading types and sizes from the kernel…');
  } else if (namespace.kind === 'forbidden') {
    note = trans.__(
      'Types and sizes are not shown: reading the kernel needs permission to execute code in it.'
    );
  } else if (namespace.kind === 'busy') {
    note = trans.__(
      'The kernel is busy; types and sizes follow once it is idle.'
    );
  } else if (namespace.kind === 'error') {
    note = trans.__('Could not read the kernel: %1', namespace.message);
  }
  const live = namespace?.kind === 'ok' ? namespace.names : null;
  return (
    <section
      className="jp-nbguard-DiagnosticsPanel-section jp-nbguard-DiagnosticsPanel-orphans"
      aria-label={title}
    >
      <h3 className="jp-nbguard-DiagnosticsPanel-heading">
        {title}
        <span className="jp-nbguard-DiagnosticsPanel-headingCount">
          {orphans.length}
        </span>
      </h3>
      <p className="jp-nbguard-DiagnosticsPanel-orphansNote">
        {trans._n(
          'This name will be gone after a restart: no cell defines it.',
          'These names will be gone after a restart: no cell defines them.',
          orphans.length
        )}
        {note ? ` ${note}` : ''}
      </p>
      <ul className="jp-nbguard-DiagnosticsPanel-list">
        {orphans.map(orphan => {
          const info = live?.get(orphan.name);
          return (
            <li
              key={orphan.name}
              className="jp-nbguard-DiagnosticsPanel-orphan"
              aria-label={trans.__('%1, live in the kernel only', orphan.name)}
            >
              <code className="jp-nbguard-DiagnosticsPanel-orphanName">
                {orphan.name}
              </code>
              {live ? (
                <span className="jp-nbguard-DiagnosticsPanel-orphanInfo">
                  {info
                    ? `${info.type}, ${formatSize(info.size_bytes, trans)}`
                    : trans.__('no longer in the kernel')}
                </span>
              ) : null}
              <ActionButtons
                actions={context.actionsFor(orphan.diagnostic)}
                context={context}
                tabIndex={0}
              />
            </li>
          );
        })}
      </ul>
    </section>
  );
}
