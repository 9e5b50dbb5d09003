import { OutputArea, OutputAreaModel } from '@jupyterlab/outputarea';
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import * as React from 'react';

import type { ICellSnapshot } from './snapshot';

/**
 * A cell's outputs rendered as JupyterLab renders them in the notebook: an
 * `OutputArea` on the notebook's own rendermime registry (its sanitizer,
 * its LaTeX typesetter, and links and images resolved from the notebook's
 * folder), trusted only if the cell's outputs were.
 */
function RenderedOutputs(props: {
  outputs: ICellSnapshot;
  rendermime: IRenderMimeRegistry;
}): JSX.Element {
  const { outputs, rendermime } = props;
  const host = React.useRef<HTMLDivElement>(null);
  // A layout effect: the outputs are in place when React is done.
  React.useLayoutEffect(() => {
    const node = host.current;
    if (!node) {
      return;
    }
    const model = new OutputAreaModel({
      values: outputs.outputs,
      trusted: outputs.trusted
    });
    const area = new OutputArea({ model, rendermime });
    area.addClass('jp-nbguard-Verify-outputArea');
    // Renderers that measure themselves need the attach messages; a panel
    // rendered before it is in the page still gets the static content.
    if (node.isConnected) {
      Widget.attach(area, node);
    } else {
      node.appendChild(area.node);
    }
    return () => {
      area.dispose();
      model.dispose();
      area.node.remove();
    };
  }, [outputs, rendermime]);
  return <div ref={host} className="jp-nbguard-Verify-rendered" />;
}

/**
 * One side of the comparison, with its heading.
 */
function Side(props: {
  kind: 'before' | 'after';
  heading: string;
  outputs: ICellSnapshot;
  rendermime: IRenderMimeRegistry;
  trans: TranslationBundle;
}): JSX.Element {
  const { outputs, trans } = props;
  return (
    <figure
      className={`jp-nbguard-Verify-side jp-mod-${props.kind}`}
      aria-label={props.heading}
    >
      <figcaption className="jp-nbguard-Verify-sideHeading">
        {props.heading}
      </figcaption>
      {outputs.outputs.length === 0 ? (
        <p className="jp-nbguard-Verify-noOutput">{trans.__('No output')}</p>
      ) : (
        <RenderedOutputs outputs={outputs} rendermime={props.rendermime} />
      )}
    </figure>
  );
}

/**
 * A cell's outputs from before the restart beside the ones the run gave,
 * both rendered (tables, figures, HTML, errors), for a cell that did not
 * reproduce. The unified diff below them says exactly what differs once
 * normalised; this shows what a reader saw.
 */
export function OutputsSideBySide(props: {
  before: ICellSnapshot;
  after: ICellSnapshot;
  rendermime: IRenderMimeRegistry;
  trans: TranslationBundle;
}): JSX.Element {
  const { trans } = props;
  return (
    <div className="jp-nbguard-Verify-sideBySide">
      <Side
        kind="before"
        heading={trans.__('Before')}
        outputs={props.before}
        rendermime={props.rendermime}
        trans={trans}
      />
      <Side
        kind="after"
        heading={trans.__('After')}
        outputs={props.after}
        rendermime={props.rendermime}
        trans={trans}
      />
    </div>
  );
}
