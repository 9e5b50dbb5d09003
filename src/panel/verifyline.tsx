import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { INbGuardVerify } from '../tokens';

/**
 * Whether the notebook reproduced in a restart-and-verify since its kernel
 * last restarted, with a button to its report when one is kept.
 */
export function VerifyLine(props: {
  state: INbGuardVerify.IState;
  trans: TranslationBundle;
  onOpen: () => void;
}): JSX.Element {
  const { state, trans } = props;
  const latest = state.latest;
  let text: string;
  if (state.running) {
    text = trans.__('Verification running…');
  } else if (latest) {
    const time = latest.finished.toLocaleTimeString([], {
      hour: '2-digit',
      minute: '2-digit'
    });
    text =
      latest.compared === 1
        ? trans.__('Verified %1: %2 of 1 cell reproduced', time, latest.same)
        : trans.__(
            'Verified %1: %2 of %3 cells reproduced',
            time,
            latest.same,
            latest.compared
          );
  } else {
    text = trans.__('Not verified since the last restart');
  }
  const mod = latest
    ? latest.reproduced
      ? ' jp-nbguard-mod-reproduced'
      : ' jp-nbguard-mod-diverged'
    : '';
  return (
    <div className={`jp-nbguard-DiagnosticsPanel-verify${mod}`}>
      <span className="jp-nbguard-DiagnosticsPanel-verifyText">{text}</span>
      {state.hasReport && (
        <button
          type="button"
          className="jp-nbguard-DiagnosticsPanel-verifyLink"
          onClick={props.onOpen}
        >
          {trans.__('Open report')}
        </button>
      )}
    </div>
  );
}
