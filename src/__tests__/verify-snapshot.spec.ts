import type { ICodeCellModel } from '@jupyterlab/cells';
import type { INotebookContent } from '@jupyterlab/nbformat';
import { NotebookModel } from '@jupyterlab/notebook';
import { StateDB } from '@jupyterlab/statedb';

import {
  restoreSnapshot,
  SnapshotStore,
  takeSnapshot
} from '../verify/snapshot';

import { silenceFixtureWarnings } from './notebook';

silenceFixtureWarnings();

/**
 * A notebook with every kind of output, as saved files have them (stream
 * text as a list of lines, two stdout streams in a row, rich data with
 * metadata, an image, an error) and cells that never ran.
 */
const CONTENT: INotebookContent = {
  metadata: {},
  nbformat: 4,
  nbformat_minor: 5,
  cells: [
    {
      id: 'prints',
      cell_type: 'code',
      source: 'print("a")\nprint("b")',
      metadata: {},
      execution_count: 3,
      outputs: [
        { output_type: 'stream', name: 'stdout', text: ['a\n', 'b\n'] },
        { output_type: 'stream', name: 'stdout', text: 'c\n' },
        { output_type: 'stream', name: 'stderr', text: 'warning\n' }
      ]
    },
    { id: 'doc', cell_type: 'markdown', source: '# Notes', metadata: {} },
    {
      id: 'rich',
      cell_type: 'code',
      source: 'df',
      metadata: { tags: ['keep'] },
      execution_count: 7,
      outputs: [
        {
          output_type: 'execute_result',
          execution_count: 7,
          data: {
            'text/plain': ['   a\n', '0  1'],
            'text/html': '<table><tr><td>1</td></tr></table>'
          },
          metadata: { isolated: true }
        },
        {
          output_type: 'display_data',
          data: { 'image/png': 'iVBORw0KGgo=', 'text/plain': '<Figure>' },
          metadata: { 'image/png': { width: 10, height: 20 } }
        }
      ]
    },
    {
      id: 'fails',
      cell_type: 'code',
      source: '1/0',
      metadata: {},
      execution_count: 2,
      outputs: [
        {
          output_type: 'error',
          ename: 'ZeroDivisionError',
          evalue: 'division by zero',
          traceback: ['\u001b[0;31mZeroDivisionError\u001b[0m']
        }
      ]
    },
    {
      id: 'never',
      cell_type: 'code',
      source: 'x = 1',
      metadata: {},
      execution_count: null,
      outputs: []
    }
  ]
};

/**
 * The outputs and execution count of every code cell, serialised.
 */
function codeCellState(model: NotebookModel): string {
  const state: unknown[] = [];
  for (let i = 0; i < model.cells.length; i++) {
    const json = model.cells.get(i).toJSON();
    if (json.cell_type === 'code') {
      state.push({
        id: json.id,
        outputs: json.outputs,
        execution_count: json.execution_count
      });
    }
  }
  return JSON.stringify(state);
}

/**
 * What a restart-and-run does to the cells: new counts, new outputs.
 */
function simulateRun(model: NotebookModel): void {
  let count = 1;
  for (let i = 0; i < model.cells.length; i++) {
    const cell = model.cells.get(i);
    if (cell.type !== 'code') {
      continue;
    }
    const code = cell as ICodeCellModel;
    code.outputs.clear();
    code.outputs.add({
      output_type: 'stream',
      name: 'stdout',
      text: `run ${count}\n`
    });
    code.executionCount = count++;
    code.trusted = true;
  }
}

describe('verify snapshot', () => {
  let model: NotebookModel;

  beforeEach(() => {
    model = new NotebookModel();
    model.fromJSON(CONTENT);
  });

  afterEach(() => {
    model.dispose();
  });

  it('keeps every code cell, and no other, in page order', () => {
    // When a snapshot is taken
    const snapshot = takeSnapshot(model, 'a/b.ipynb', new Date(0));

    // Then it holds the four code cells with their counts
    expect(snapshot.path).toBe('a/b.ipynb');
    expect(snapshot.taken).toBe('1970-01-01T00:00:00.000Z');
    expect(snapshot.cells.map(c => c.id)).toEqual([
      'prints',
      'rich',
      'fails',
      'never'
    ]);
    expect(snapshot.cells.map(c => c.execution_count)).toEqual([3, 7, 2, null]);
  });

  it('restores byte-identical outputs and execution counts after a run', () => {
    // Given the state before, and a snapshot that went through JSON (as the
    // state database stores it)
    const before = codeCellState(model);
    const snapshot = JSON.parse(
      JSON.stringify(takeSnapshot(model, 'nb.ipynb'))
    );

    // When the run replaces every output and count
    simulateRun(model);
    expect(codeCellState(model)).not.toBe(before);

    // Then restoring gives the same JSON, byte for byte
    expect(restoreSnapshot(model, snapshot)).toBe(4);
    expect(codeCellState(model)).toBe(before);
  });

  it('is not changed by edits made after it was taken', () => {
    // Given a snapshot
    const snapshot = takeSnapshot(model, 'nb.ipynb');
    const kept = JSON.stringify(snapshot);

    // When the cells change
    simulateRun(model);

    // Then the snapshot is as it was
    expect(JSON.stringify(snapshot)).toBe(kept);
  });

  it('puts back the trust the outputs had, not the run’s', () => {
    // Given untrusted outputs
    const rich = model.cells.get(2) as ICodeCellModel;
    rich.trusted = false;
    const snapshot = takeSnapshot(model, 'nb.ipynb');

    // When a run trusts them and they are restored
    simulateRun(model);
    expect(rich.trusted).toBe(true);
    restoreSnapshot(model, snapshot);

    // Then they are untrusted again
    expect(rich.trusted).toBe(false);
  });

  it('skips deleted cells and leaves added cells alone', () => {
    // Given a snapshot, then a deleted cell and a new one
    const snapshot = takeSnapshot(model, 'nb.ipynb');
    simulateRun(model);
    model.sharedModel.deleteCell(0);
    model.sharedModel.insertCell(0, {
      id: 'added',
      cell_type: 'code',
      source: 'new',
      outputs: [{ output_type: 'stream', name: 'stdout', text: 'new\n' }],
      execution_count: 9
    });

    // When it is restored
    const restored = restoreSnapshot(model, snapshot);

    // Then the three surviving cells are restored and the new one is as it was
    expect(restored).toBe(3);
    const added = model.cells.get(0).toJSON();
    expect(added.execution_count).toBe(9);
    expect(added.outputs).toEqual([
      { output_type: 'stream', name: 'stdout', text: 'new\n' }
    ]);
  });
});

describe('SnapshotStore', () => {
  it('saves, loads and removes a notebook’s verification', async () => {
    // Given a state database and a snapshot
    const db = new StateDB();
    const store = new SnapshotStore(db);
    const model = new NotebookModel();
    model.fromJSON(CONTENT);
    const snapshot = takeSnapshot(model, 'dir/nb.ipynb');

    // When it is saved
    await store.save({ snapshot, report: null, ended: null, stoppedAt: null });

    // Then it is found under the notebook's path, and only there
    const loaded = await store.load('dir/nb.ipynb');
    expect(JSON.stringify(loaded?.snapshot)).toBe(JSON.stringify(snapshot));
    expect(await store.load('other.ipynb')).toBeNull();
    expect(Object.keys(await db.toJSON())).toEqual([
      'jupyterlab-nbguard:verify:dir/nb.ipynb'
    ]);

    // When it is removed, it is gone
    await store.remove('dir/nb.ipynb');
    expect(await store.load('dir/nb.ipynb')).toBeNull();
    model.dispose();
  });

  it('ignores a value that is not a kept verification', async () => {
    const db = new StateDB();
    await db.save(SnapshotStore.key('nb.ipynb'), { something: 'else' });
    expect(await new SnapshotStore(db).load('nb.ipynb')).toBeNull();
  });
});
