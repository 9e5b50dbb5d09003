import { IDisposable } from '@lumino/disposable';
import { PromiseDelegate } from '@lumino/coreutils';

import {
  ExecutionResult,
  IRunCell,
  IRunHost,
  IRunProgress,
  VerifyRunner
} from '../verify/runner';

/**
 * A kernel the test drives: each execution waits for the test to answer,
 * interrupts and deaths are recorded, and every step is logged.
 */
class FakeSession implements IRunHost {
  log: string[] = [];
  pending: PromiseDelegate<ExecutionResult> | null = null;
  /** Answers given immediately, by cell id; others wait for `answer()`. */
  auto = new Map<string, ExecutionResult[]>();
  interrupts = 0;
  private _died: (() => void) | null = null;
  private _started = new PromiseDelegate<void>();

  async restart(): Promise<void> {
    this.log.push('restart');
  }

  execute(cell: IRunCell): Promise<ExecutionResult> {
    this.log.push(`execute ${cell.id}`);
    const queued = this.auto.get(cell.id);
    if (queued && queued.length > 0) {
      return Promise.resolve(queued.shift()!);
    }
    this.pending = new PromiseDelegate<ExecutionResult>();
    this._started.resolve();
    return this.pending.promise;
  }

  async interrupt(): Promise<void> {
    this.interrupts++;
    this.log.push('interrupt');
    // A real kernel answers the interrupted request with an error.
    this.pending?.resolve('error');
  }

  watchKernel(died: () => void): IDisposable {
    this._died = died;
    let disposed = false;
    return {
      get isDisposed() {
        return disposed;
      },
      dispose: () => {
        disposed = true;
        this._died = null;
      }
    };
  }

  /** Resolves when a cell waits for an answer. */
  get waiting(): Promise<void> {
    return this._started.promise;
  }

  /** The kernel process dies: the pending request is never answered. */
  die(): void {
    this.log.push('die');
    this._died?.();
  }
}

const cell = (
  id: string,
  extra: Partial<Omit<IRunCell, 'id'>> = {}
): IRunCell => ({ id, skip: false, expectError: false, ...extra });

const okAll = (
  session: FakeSession,
  ids: string[],
  result: ExecutionResult = 'ok'
) => {
  for (const id of ids) {
    session.auto.set(id, [result]);
  }
};

describe('VerifyRunner', () => {
  it('restarts, then runs every code cell top to bottom with progress', async () => {
    // Given three cells that run fine and a clock
    const session = new FakeSession();
    okAll(session, ['a', 'b', 'c']);
    let now = 1000;
    const runner = new VerifyRunner({
      cells: [cell('a'), cell('b'), cell('c')],
      host: session,
      stopOnError: true,
      now: () => now
    });
    const seen: IRunProgress[] = [];
    runner.progressChanged.connect((_, progress) => {
      seen.push(progress);
      now += 250;
    });

    // When it runs
    const outcome = await runner.run();

    // Then the kernel restarted first, each cell ran once in order
    expect(session.log).toEqual([
      'restart',
      'execute a',
      'execute b',
      'execute c'
    ]);
    expect(outcome.ended).toBe('completed');
    expect([...outcome.ran]).toEqual(['a', 'b', 'c']);
    expect(outcome.stoppedAt).toBeNull();
    // And progress said "cell i of N" for each, then done
    expect(seen.map(p => [p.phase, p.current, p.total, p.cellId])).toEqual([
      ['restarting', -1, 3, null],
      ['running', 0, 3, 'a'],
      ['running', 1, 3, 'b'],
      ['running', 2, 3, 'c'],
      ['done', -1, 3, null]
    ]);
    expect(seen.every(p => p.started === 1000)).toBe(true);
    expect(outcome.elapsed).toBe(1250);
  });

  it('does not run cells marked to skip', async () => {
    const session = new FakeSession();
    okAll(session, ['a', 'c']);
    const runner = new VerifyRunner({
      cells: [cell('a'), cell('b', { skip: true }), cell('c')],
      host: session,
      stopOnError: true
    });
    const outcome = await runner.run();
    expect(session.log).toEqual(['restart', 'execute a', 'execute c']);
    expect(outcome.ran.has('b')).toBe(false);
    expect(outcome.ended).toBe('completed');
  });

  it('stops at the first unexpected error by default', async () => {
    // Given an expected error, then an unexpected one, then a cell
    const session = new FakeSession();
    okAll(session, ['a']);
    session.auto.set('raises', ['error']);
    session.auto.set('bug', ['error']);
    okAll(session, ['after']);
    const runner = new VerifyRunner({
      cells: [
        cell('a'),
        cell('raises', { expectError: true }),
        cell('bug'),
        cell('after')
      ],
      host: session,
      stopOnError: true
    });

    // When it runs
    const outcome = await runner.run();

    // Then the expected error did not stop it, the unexpected one did
    expect(session.log).toEqual([
      'restart',
      'execute a',
      'execute raises',
      'execute bug'
    ]);
    expect(outcome.ended).toBe('error');
    expect(outcome.stoppedAt).toBe('bug');
    expect(outcome.errors).toEqual(['bug']);
    expect([...outcome.ran]).toEqual(['a', 'raises', 'bug']);
  });

  it('continues past errors when told to', async () => {
    const session = new FakeSession();
    session.auto.set('bug', ['error']);
    okAll(session, ['after']);
    const runner = new VerifyRunner({
      cells: [cell('bug'), cell('after')],
      host: session,
      stopOnError: false
    });
    const outcome = await runner.run();
    expect(outcome.ended).toBe('completed');
    expect(outcome.errors).toEqual(['bug']);
    expect([...outcome.ran]).toEqual(['bug', 'after']);
  });

  it('runs a request the kernel aborted once more', async () => {
    // ipykernel aborts a request that arrives right after an error
    const session = new FakeSession();
    session.auto.set('bug', ['error']);
    session.auto.set('next', ['aborted', 'ok']);
    const runner = new VerifyRunner({
      cells: [cell('bug'), cell('next')],
      host: session,
      stopOnError: false
    });
    const outcome = await runner.run();
    expect(session.log).toEqual([
      'restart',
      'execute bug',
      'execute next',
      'execute next'
    ]);
    expect(outcome.errors).toEqual(['bug']);
  });

  it('cancel interrupts the running cell and runs no more', async () => {
    // Given a run waiting in its second cell (a cell that sleeps)
    const session = new FakeSession();
    okAll(session, ['a']);
    const runner = new VerifyRunner({
      cells: [cell('a'), cell('sleeps'), cell('c')],
      host: session,
      stopOnError: true
    });
    const done = runner.run();
    await session.waiting;
    expect(runner.progress.cellId).toBe('sleeps');

    // When the user cancels
    await runner.cancel();
    const outcome = await done;

    // Then the kernel was interrupted once, and the report covers what ran
    expect(session.interrupts).toBe(1);
    expect(session.log).toEqual([
      'restart',
      'execute a',
      'execute sleeps',
      'interrupt'
    ]);
    expect(outcome.ended).toBe('cancelled');
    expect(outcome.stoppedAt).toBe('sleeps');
    expect([...outcome.ran]).toEqual(['a']);
    expect(runner.progress.phase).toBe('done');
    // And cancelling again does nothing
    await runner.cancel();
    expect(session.interrupts).toBe(1);
  });

  it('reports a kernel that dies mid-run instead of hanging', async () => {
    // Given a run waiting in a cell whose kernel will never answer
    const session = new FakeSession();
    okAll(session, ['a']);
    const runner = new VerifyRunner({
      cells: [cell('a'), cell('crash'), cell('c')],
      host: session,
      stopOnError: true
    });
    const done = runner.run();
    await session.waiting;

    // When the kernel dies
    session.die();
    const outcome = await done;

    // Then the run ends as 'died' at that cell, without running the rest
    expect(outcome.ended).toBe('died');
    expect(outcome.stoppedAt).toBe('crash');
    expect([...outcome.ran]).toEqual(['a']);
    expect(session.log).not.toContain('execute c');
    expect(session.interrupts).toBe(0);
  });

  it('treats a host failure as an error of that cell', async () => {
    const session = new FakeSession();
    session.execute = jest.fn(() => Promise.reject(new Error('boom')));
    const runner = new VerifyRunner({
      cells: [cell('a'), cell('b')],
      host: session,
      stopOnError: true
    });
    const outcome = await runner.run();
    expect(outcome.ended).toBe('error');
    expect(outcome.stoppedAt).toBe('a');
  });
});

/**
 * A kernel that also takes queued cells (as Run All sends them); each answer
 * comes from `auto`.
 */
class QueueingSession extends FakeSession {
  executeQueued(
    cells: ReadonlyArray<IRunCell>
  ): ReadonlyArray<Promise<ExecutionResult>> {
    this.log.push(`queue ${cells.map(c => c.id).join(',')}`);
    return cells.map(c =>
      Promise.resolve(this.auto.get(c.id)?.shift() ?? 'ok')
    );
  }
}

describe('VerifyRunner with a host that queues', () => {
  it('sends the cells in batches that end at a cell expected to raise', async () => {
    // Given cells with an expected error and a skipped cell in between
    const session = new QueueingSession();
    session.auto.set('raises', ['error']);
    const runner = new VerifyRunner({
      cells: [
        cell('a'),
        cell('raises', { expectError: true }),
        cell('b'),
        cell('skipped', { skip: true }),
        cell('c')
      ],
      host: session,
      stopOnError: true
    });
    const current: Array<string | null> = [];
    runner.progressChanged.connect((_, p) => current.push(p.cellId));

    // When it runs
    const outcome = await runner.run();

    // Then two batches were queued, the skipped cell in neither
    expect(session.log).toEqual(['restart', 'queue a,raises', 'queue b,c']);
    expect(outcome.ended).toBe('completed');
    expect([...outcome.ran]).toEqual(['a', 'raises', 'b', 'c']);
    // And progress still named each cell in turn
    expect(current).toEqual([null, 'a', 'raises', 'b', 'c', null]);
  });

  it('stops at an unexpected error in a batch; what the kernel aborted did not run', async () => {
    const session = new QueueingSession();
    session.auto.set('bug', ['error']);
    session.auto.set('after', ['aborted']);
    const runner = new VerifyRunner({
      cells: [cell('a'), cell('bug'), cell('after')],
      host: session,
      stopOnError: true
    });
    const outcome = await runner.run();
    expect(session.log).toEqual(['restart', 'queue a,bug,after']);
    expect(outcome.ended).toBe('error');
    expect(outcome.stoppedAt).toBe('bug');
    expect([...outcome.ran]).toEqual(['a', 'bug']);
  });

  it('runs one cell at a time when it continues past errors', async () => {
    const session = new QueueingSession();
    session.auto.set('bug', ['error']);
    okAll(session, ['after']);
    const runner = new VerifyRunner({
      cells: [cell('bug'), cell('after')],
      host: session,
      stopOnError: false
    });
    const outcome = await runner.run();
    expect(session.log).toEqual(['restart', 'execute bug', 'execute after']);
    expect([...outcome.ran]).toEqual(['bug', 'after']);
  });
});
