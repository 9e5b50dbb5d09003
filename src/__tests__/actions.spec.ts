import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { INotebookContent } from '@jupyterlab/nbformat';
import type { INotebookTracker } from '@jupyterlab/notebook';
import { nullTranslator } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';
import { Text } from '@codemirror/state';

import type { Diagnostic } from '../api';
import {
  cellIdsOf,
  ignoreHere,
  moveCellAbove,
  restoreCell
} from '../actions/edits';
import {
  cellsWithFinding,
  ignoreEdit,
  ignoreEditInSource,
  insertionIndex,
  isDeletableName,
  moveIndices,
  RESTORED_TAG
} from '../actions/logic';
import { ActionIDs, NbGuardActions } from '../actions/service';
import { toEditorDiagnostics } from '../editor/diagnostics';
import type { INbGuard } from '../tokens';
import { createPanel, silenceFixtureWarnings } from './notebook';

silenceFixtureWarnings();

function finding(
  code: string,
  cellId: string | null,
  overrides: Partial<Diagnostic> = {}
): Diagnostic {
  return {
    code,
    rule: 'rule',
    severity: 'warning',
    cell_id: cellId,
    message: `${code} in ${cellId}`,
    range: { start: { line: 0, column: 0 }, end: { line: 0, column: 1 } },
    names: ['x'],
    related: [],
    ...overrides
  };
}

function notebook(...cells: [string, string][]): INotebookContent {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: cells.map(([id, source]) => ({
      id,
      cell_type: 'code',
      source,
      metadata: {},
      outputs: [],
      execution_count: null
    }))
  };
}

function sourceOf(panel: Awaited<ReturnType<typeof createPanel>>, id: string) {
  const cell = panel.content.widgets.find(c => c.model.id === id);
  return cell?.model.sharedModel.getSource();
}

describe('cellsWithFinding (which cells Run stale cells runs)', () => {
  it('lists each flagged cell once, in page order, not in finding order', () => {
    const diagnostics = [
      finding('NBG201', 'd'),
      finding('NBG201', 'b'),
      finding('NBG201', 'd', { names: ['y'] }),
      finding('NBG202', 'a'),
      finding('NBG201', null),
      finding('NBG201', 'gone')
    ];
    expect(
      cellsWithFinding(['a', 'b', 'c', 'd'], diagnostics, 'NBG201')
    ).toEqual(['b', 'd']);
  });

  it('takes only the code asked for (NBG209 for Re-run to refresh)', () => {
    const diagnostics = [finding('NBG201', 'a'), finding('NBG209', 'c')];
    expect(cellsWithFinding(['a', 'b', 'c'], diagnostics, 'NBG209')).toEqual([
      'c'
    ]);
  });
});

describe('insertionIndex and moveIndices (where restored and moved cells go)', () => {
  it('inserts right above the named cell, at the end for null', () => {
    expect(insertionIndex(['a', 'b', 'c'], 'b')).toBe(1);
    expect(insertionIndex(['a', 'b', 'c'], 'a')).toBe(0);
    expect(insertionIndex(['a', 'b', 'c'], null)).toBe(3);
  });

  it('does nothing when the target cell is gone', () => {
    expect(insertionIndex(['a', 'b'], 'zz')).toBeNull();
  });

  it('moves a cell from below to right above the reader', () => {
    const ids = ['intro', 'reader', 'other', 'definer'];
    expect(
      moveIndices(ids, {
        kind: 'move-cell',
        cell_id: 'definer',
        before_cell_id: 'reader'
      })
    ).toEqual({ from: 3, to: 1 });
  });

  it('refuses a move that is out of date', () => {
    const ids = ['definer', 'reader'];
    const fix = {
      kind: 'move-cell',
      cell_id: 'definer',
      before_cell_id: 'reader'
    } as const;
    expect(moveIndices(ids, fix)).toBeNull();
    expect(moveIndices(['reader'], fix)).toBeNull();
  });
});

describe('ignoreEdit (Ignore here)', () => {
  const apply = (line: string, code: string) => {
    const edit = ignoreEdit(line, code);
    return edit
      ? line.slice(0, edit.from) + edit.insert + line.slice(edit.to)
      : null;
  };

  it('appends the comment to a line without one, dropping trailing blanks', () => {
    expect(apply('total = sum(prices)   ', 'NBG201')).toBe(
      'total = sum(prices)  # nbguard: ignore[NBG201]'
    );
  });

  it('appends after an existing comment, where the engine still finds it', () => {
    expect(apply('y = f(x)  # the model', 'NBG101')).toBe(
      'y = f(x)  # the model  # nbguard: ignore[NBG101]'
    );
  });

  it('adds the code to an existing ignore list', () => {
    expect(apply('y = x  # nbguard: ignore[NBG101]', 'NBG201')).toBe(
      'y = x  # nbguard: ignore[NBG101, NBG201]'
    );
    expect(apply('y = x  # nbguard: ignore[]', 'NBG201')).toBe(
      'y = x  # nbguard: ignore[NBG201]'
    );
  });

  it('does nothing where the code is already ignored', () => {
    expect(ignoreEdit('y = x  # nbguard: ignore', 'NBG201')).toBeNull();
    expect(ignoreEdit('y = x  # NBGUARD: ignore[nbg2]', 'NBG201')).toBeNull();
    expect(ignoreEdit('y = x  # nbguard: ignore[NBG201]', 'NBG201')).toBeNull();
  });

  it('leaves a backslash continuation alone (a comment would break it)', () => {
    expect(ignoreEdit('total = a + \\', 'NBG201')).toBeNull();
  });

  it('edits the line of the finding in a whole cell source', () => {
    const source = 'a = 1\nb = a\nc = b';
    const edit = ignoreEditInSource(source, 1, 'NBG201')!;
    expect(
      source.slice(0, edit.from) + edit.insert + source.slice(edit.to)
    ).toBe('a = 1\nb = a  # nbguard: ignore[NBG201]\nc = b');
    expect(ignoreEditInSource(source, 7, 'NBG201')).toBeNull();
  });
});

describe('isDeletableName (Delete from kernel)', () => {
  it('accepts Python identifiers only', () => {
    expect(isDeletableName('frame')).toBe(true);
    expect(isDeletableName('_x2')).toBe(true);
    expect(isDeletableName('données')).toBe(true);
    expect(isDeletableName('a; import os')).toBe(false);
    expect(isDeletableName('2x')).toBe(false);
    expect(isDeletableName('')).toBe(false);
  });
});

describe('notebook edits', () => {
  it('restores the code as a marked cell above the reader; one undo removes it', async () => {
    const panel = await createPanel(
      notebook(['head', 'x = 1'], ['reader', 'rows = len(frame)'])
    );
    const diagnostic = finding('NBG203', 'reader', {
      names: ['frame'],
      related: [{ cell_id: 'loader', execution_count: 2, message: 'here' }]
    });
    const index = restoreCell(panel, diagnostic, {
      kind: 'insert-cell',
      source: 'frame = list(range(10))',
      before_cell_id: 'reader'
    });
    expect(index).toBe(1);
    const cell = panel.content.model!.cells.get(1);
    expect(cell.sharedModel.getSource()).toBe('frame = list(range(10))');
    expect(cell.getMetadata('tags')).toEqual([RESTORED_TAG]);
    expect(cell.getMetadata('nbguard')).toEqual({
      restored: { names: ['frame'], from_cell_id: 'loader', execution_count: 2 }
    });
    panel.content.model!.sharedModel.undo();
    expect(cellIdsOf(panel.content)).toEqual(['head', 'reader']);
    panel.dispose();
  });

  it('moves the definer above the first reader; one undo restores the order', async () => {
    const panel = await createPanel(
      notebook(['reader', 'print(rate)'], ['mid', 'pass'], ['rate', 'rate = 1'])
    );
    const moved = moveCellAbove(panel, {
      kind: 'move-cell',
      cell_id: 'rate',
      before_cell_id: 'reader'
    });
    expect(moved).toBe(true);
    expect(cellIdsOf(panel.content)).toEqual(['rate', 'reader', 'mid']);
    panel.content.model!.sharedModel.undo();
    expect(cellIdsOf(panel.content)).toEqual(['reader', 'mid', 'rate']);
    panel.dispose();
  });

  it('ignores on the finding line; one undo takes the comment back', async () => {
    const panel = await createPanel(notebook(['c', 'a = 1\ntotal = sum(a)']));
    const diagnostic = finding('NBG201', 'c', {
      range: { start: { line: 1, column: 12 }, end: { line: 1, column: 13 } }
    });
    expect(ignoreHere(panel, diagnostic)).toBe(true);
    expect(sourceOf(panel, 'c')).toBe(
      'a = 1\ntotal = sum(a)  # nbguard: ignore[NBG201]'
    );
    // Once there, the same action has nothing left to do.
    expect(ignoreHere(panel, diagnostic)).toBe(false);
    const cell = panel.content.model!.cells.get(0);
    const undo =
      (cell.sharedModel as any).undoManager ?? panel.content.model!.sharedModel;
    undo.undo();
    expect(sourceOf(panel, 'c')).toBe('a = 1\ntotal = sum(a)');
    panel.dispose();
  });
});

describe('lint actions hook', () => {
  it('turns the offered actions into CodeMirror lint actions', () => {
    const ran: string[] = [];
    const [lint] = toEditorDiagnostics(
      Text.of(['x']),
      [finding('NBG201', 'c')],
      undefined,
      () => [{ label: 'Run', run: async () => void ran.push('run') }]
    );
    expect(lint.actions?.map(a => a.name)).toEqual(['Run']);
    lint.actions![0].apply(null as any, 0, 1);
    expect(ran).toEqual(['run']);
  });

  it('adds no actions when none are offered', () => {
    const [lint] = toEditorDiagnostics(Text.of(['x']), [
      finding('NBG201', 'c')
    ]);
    expect(lint.actions).toBeUndefined();
  });
});

describe('NbGuardActions.actionsFor (what each finding offers)', () => {
  const setup = async (source = 'print(rate)') => {
    const commands = new CommandRegistry();
    const executed: [string, unknown][] = [];
    for (const id of Object.values(ActionIDs)) {
      commands.addCommand(id, {
        execute: args => {
          executed.push([id, args]);
        }
      });
    }
    const app = { commands } as unknown as JupyterFrontEnd;
    const actions = new NbGuardActions(
      app,
      {} as INbGuard,
      {} as INotebookTracker,
      nullTranslator.load('jupyterlab_nbguard'),
      null,
      null
    );
    const panel = await createPanel(notebook(['c', source]));
    return { actions, panel, executed };
  };
  const ids = (list: { id: string }[]) => list.map(a => a.id);

  it('offers run stale cells and ignore here for NBG201', async () => {
    const { actions, panel, executed } = await setup();
    const offered = actions.actionsFor(panel, finding('NBG201', 'c'));
    expect(ids(offered)).toEqual([
      ActionIDs.runStaleCells,
      ActionIDs.ignoreHere
    ]);
    await offered[0].run();
    expect(executed).toEqual([
      [ActionIDs.runStaleCells, { notebook: panel.id }]
    ]);
    panel.dispose();
  });

  it('offers re-run to refresh for that NBG209 cell only', async () => {
    const { actions, panel, executed } = await setup();
    const [rerun] = actions.actionsFor(panel, finding('NBG209', 'c'));
    expect(rerun.label).toBe('Re-run to refresh');
    await rerun.run();
    expect(executed[0][1]).toEqual({
      notebook: panel.id,
      code: 'NBG209',
      cellId: 'c'
    });
    panel.dispose();
  });

  it('offers restore and move only when the server sent the fix', async () => {
    const { actions, panel } = await setup();
    const restore = finding('NBG203', 'c', {
      fix: { kind: 'insert-cell', source: 'rate = 1', before_cell_id: 'c' }
    });
    const move = finding('NBG101', 'c', {
      fix: { kind: 'move-cell', cell_id: 'd', before_cell_id: 'c' }
    });
    expect(ids(actions.actionsFor(panel, restore))[0]).toBe(
      ActionIDs.restoreDeleted
    );
    expect(ids(actions.actionsFor(panel, move))[0]).toBe(
      ActionIDs.moveDefinitionAbove
    );
    expect(ids(actions.actionsFor(panel, finding('NBG203', 'c')))).toEqual([
      ActionIDs.ignoreHere
    ]);
    panel.dispose();
  });

  it('offers one delete per orphan of the notebook-level NBG203', async () => {
    const { actions, panel } = await setup();
    const listing = finding('NBG203', null, { names: ['a', 'b'], range: null });
    const offered = actions.actionsFor(panel, listing);
    expect(offered.map(a => a.label)).toEqual([
      'Delete a from kernel',
      'Delete b from kernel'
    ]);
    panel.dispose();
  });

  it('offers no ignore where the line already ignores the code', async () => {
    const { actions, panel } = await setup(
      'print(rate)  # nbguard: ignore[NBG201]'
    );
    expect(ids(actions.actionsFor(panel, finding('NBG201', 'c')))).toEqual([
      ActionIDs.runStaleCells
    ]);
    panel.dispose();
  });
});
