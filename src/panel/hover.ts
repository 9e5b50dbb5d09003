import type { CodeEditor } from '@jupyterlab/codeeditor';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { TranslationBundle } from '@jupyterlab/translation';

import type { INbGuardAction, INbGuardActions } from '../actions/tokens';
import type { Diagnostic } from '../api';
import { severityLabel } from '../findings';
import type { ILocation } from './jump';
import {
  linkCellReferences,
  nameRange,
  positionsById,
  relatedTarget,
  targetLabel
} from './labels';

/**
 * What the hover tooltip of a finding needs to make its links work.
 */
export interface IHoverContext {
  /**
   * The translation bundle.
   */
  readonly trans: TranslationBundle;
  /**
   * Page positions of the notebook's cells by id.
   */
  readonly positions: ReadonlyMap<string, number>;
  /**
   * How many cells the notebook has.
   */
  readonly cellCount: number;
  /**
   * Jump to the cell at this page position, selecting one of `names`.
   */
  jump(cellIndex: number, names: ReadonlyArray<string>): void;
  /**
   * Open the documentation of a rule.
   */
  openRule(code: string): void;
  /**
   * The quick actions to show as buttons (none: no buttons).
   */
  readonly actions: ReadonlyArray<INbGuardAction>;
}

/**
 * A link-styled button.
 */
function linkButton(
  text: string,
  title: string,
  onClick: () => void,
  extraClass: string
): HTMLButtonElement {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = `jp-nbguard-Link ${extraClass}`;
  button.textContent = text;
  button.title = title;
  button.addEventListener('mousedown', event => event.preventDefault());
  button.addEventListener('click', event => {
    event.preventDefault();
    event.stopPropagation();
    onClick();
  });
  return button;
}

/**
 * Render the hover tooltip of a finding: the rule code (a link to its
 * documentation) and name, the message with its cell references as links,
 * each related location (`cell 3 'prices' rebound here`, the cell a link
 * that jumps there and selects the name), and the quick actions.
 *
 * @param diagnostic The finding.
 * @param context Links and actions.
 * @returns The tooltip body.
 */
export function renderHover(
  diagnostic: Diagnostic,
  context: IHoverContext
): HTMLElement {
  const { trans } = context;
  const node = document.createElement('div');
  node.className = `jp-nbguard-Tooltip jp-nbguard-mod-${diagnostic.severity}`;

  const header = document.createElement('div');
  header.className = 'jp-nbguard-Tooltip-header';
  header.appendChild(
    linkButton(
      diagnostic.code,
      trans.__(
        'Open the documentation of %1 (%2)',
        diagnostic.code,
        diagnostic.rule
      ),
      () => context.openRule(diagnostic.code),
      'jp-nbguard-Tooltip-rule'
    )
  );
  const rule = document.createElement('span');
  rule.className = 'jp-nbguard-Tooltip-ruleName';
  rule.textContent = `${diagnostic.rule} · ${severityLabel(trans, diagnostic.severity)}`;
  header.appendChild(rule);
  node.appendChild(header);

  const message = document.createElement('div');
  message.className = 'jp-nbguard-Tooltip-message';
  for (const part of linkCellReferences(
    diagnostic.message,
    diagnostic.related,
    context.positions,
    context.cellCount
  )) {
    if ('cellIndex' in part) {
      const index = part.cellIndex;
      message.appendChild(
        linkButton(
          part.text,
          trans.__('Go to cell %1', index + 1),
          () => context.jump(index, diagnostic.names),
          'jp-nbguard-Tooltip-cellLink'
        )
      );
    } else {
      message.appendChild(document.createTextNode(part.text));
    }
  }
  node.appendChild(message);

  if (diagnostic.related.length > 0) {
    const list = document.createElement('ul');
    list.className = 'jp-nbguard-Tooltip-related';
    for (const related of diagnostic.related) {
      const item = document.createElement('li');
      const target = relatedTarget(related, context.positions);
      const label = targetLabel(trans, target);
      if (target.kind === 'cell') {
        item.appendChild(
          linkButton(
            label,
            trans.__('Go to %1', label),
            () => context.jump(target.index, diagnostic.names),
            'jp-nbguard-Tooltip-cellLink'
          )
        );
      } else {
        const text = document.createElement('span');
        text.className = 'jp-nbguard-Tooltip-where';
        text.textContent = label;
        item.appendChild(text);
      }
      item.appendChild(document.createTextNode(` ${related.message}`));
      list.appendChild(item);
    }
    node.appendChild(list);
  }

  if (context.actions.length > 0) {
    const bar = document.createElement('div');
    bar.className = 'jp-nbguard-Actions';
    for (const action of context.actions) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'jp-nbguard-Actions-button';
      button.textContent = action.label;
      button.title = action.caption ?? action.label;
      button.addEventListener('click', event => {
        event.preventDefault();
        event.stopPropagation();
        action.run().catch(reason => {
          console.error(`nbguard: the action ${action.id} failed.`, reason);
        });
      });
      bar.appendChild(button);
    }
    node.appendChild(bar);
  }
  return node;
}

/**
 * Builds hover tooltips for the cell editors of open notebooks: finds the
 * notebook of an editor's model, and gives the tooltip its links (jump to a
 * cell, open a rule's page) and quick actions.
 */
export class HoverRenderer {
  /**
   * Create the renderer.
   *
   * @param options The tracker, translation, and what links do.
   */
  constructor(private readonly options: HoverRenderer.IOptions) {}

  /**
   * Render the tooltip of a finding in the editor of `model`.
   *
   * @param model The cell editor's model.
   * @param diagnostic The finding.
   * @returns The tooltip, or null if the model is not a cell of an open notebook.
   */
  render(model: CodeEditor.IModel, diagnostic: Diagnostic): HTMLElement | null {
    const panel = this._panelOf(model);
    if (!panel) {
      return null;
    }
    const { trans, jump, openRule, actions } = this.options;
    const widgets = panel.content.widgets;
    const positions = positionsById(
      widgets.map(cell => ({ id: cell.model.id, executionCount: null }))
    );
    return renderHover(diagnostic, {
      trans,
      positions,
      cellCount: widgets.length,
      jump: (cellIndex, names) => {
        const cell = panel.content.widgets[cellIndex];
        if (cell) {
          void jump(panel, {
            cellId: cell.model.id,
            range: nameRange(cell.model.sharedModel.getSource(), names)
          });
        }
      },
      openRule,
      actions: actions ? actions.actionsFor(panel, diagnostic) : []
    });
  }

  private _panelOf(model: CodeEditor.IModel): NotebookPanel | null {
    const current = this.options.tracker.currentWidget;
    const owns = (panel: NotebookPanel): boolean =>
      panel.content.widgets.some(cell => cell.model === model);
    if (current && owns(current)) {
      return current;
    }
    return this.options.tracker.find(owns) ?? null;
  }
}

/**
 * Types of the hover renderer.
 */
export namespace HoverRenderer {
  /**
   * Options of the renderer.
   */
  export interface IOptions {
    /**
     * The notebook tracker.
     */
    tracker: INotebookTracker;
    /**
     * The translation bundle.
     */
    trans: TranslationBundle;
    /**
     * Jumps to a cell of a notebook and selects a range in it.
     */
    jump: (panel: NotebookPanel, location: ILocation) => Promise<unknown>;
    /**
     * Opens a rule's documentation.
     */
    openRule: (code: string) => void;
    /**
     * Quick actions to show as buttons of the tooltip itself; null when
     * CodeMirror shows them as lint actions (or there are none).
     */
    actions: INbGuardActions | null;
  }
}
