import { SyncQueue, type IPendingSync } from '../editor/queue';

/**
 * A queue driven by hand: `tick()` runs the next-task callback, `idle(ms)`
 * runs the idle callback with a deadline of `ms` milliseconds (measured in
 * syncs: each sync spends 1 ms of it).
 */
function manualQueue() {
  let soon: (() => void) | null = null;
  let idle: ((deadline: IdleDeadline | null) => void) | null = null;
  let remaining = 0;
  const queue = new SyncQueue({
    soon: callback => {
      expect(soon).toBeNull();
      soon = callback;
    },
    idle: callback => {
      expect(idle).toBeNull();
      idle = callback;
    }
  });
  return {
    queue,
    spend: () => {
      remaining -= 1;
    },
    tick: () => {
      const callback = soon;
      soon = null;
      callback?.();
    },
    idle: (ms: number) => {
      const callback = idle;
      idle = null;
      remaining = ms;
      callback?.({ didTimeout: false, timeRemaining: () => remaining });
    },
    get idleScheduled() {
      return idle !== null;
    }
  };
}

/** An editor that records when it was applied. */
function editor(
  name: string,
  inView: boolean,
  log: string[],
  spend: () => void = () => undefined
): IPendingSync {
  return {
    inView,
    sync: () => {
      log.push(name);
      spend();
    }
  };
}

describe('SyncQueue', () => {
  it('applies the editors on screen in the next task and the others in idle time', () => {
    const q = manualQueue();
    const log: string[] = [];
    q.queue.add(editor('off-1', false, log));
    q.queue.add(editor('on', true, log));
    q.queue.add(editor('off-2', false, log));
    expect(log).toEqual([]);
    q.tick();
    expect(log).toEqual(['on']);
    expect(q.idleScheduled).toBe(true);
    q.idle(50);
    expect(log).toEqual(['on', 'off-1', 'off-2']);
    expect(q.queue.size).toBe(0);
    expect(q.idleScheduled).toBe(false);
  });

  it('stops a slice when its idle time runs out and goes on in the next one', () => {
    const q = manualQueue();
    const log: string[] = [];
    for (let i = 0; i < 5; i++) {
      q.queue.add(editor(`off-${i}`, false, log, q.spend));
    }
    q.tick();
    q.idle(2);
    expect(log).toEqual(['off-0', 'off-1']);
    expect(q.idleScheduled).toBe(true);
    q.idle(2);
    q.idle(2);
    expect(log).toEqual(['off-0', 'off-1', 'off-2', 'off-3', 'off-4']);
    expect(q.idleScheduled).toBe(false);
  });

  it('applies an editor queued twice once, and not at all once deleted', () => {
    const q = manualQueue();
    const log: string[] = [];
    const twice = editor('twice', true, log);
    const gone = editor('gone', false, log);
    q.queue.add(twice);
    q.queue.add(twice);
    q.queue.add(gone);
    q.queue.delete(gone);
    q.tick();
    q.idle(50);
    expect(log).toEqual(['twice']);
  });

  it('falls back to short slices without an idle deadline', async () => {
    const log: string[] = [];
    const queue = new SyncQueue({
      soon: callback => setTimeout(callback, 0),
      idle: callback => setTimeout(() => callback(null), 0)
    });
    queue.add(editor('off', false, log));
    // Two timer turns; a loaded machine may take a while to give them
    const deadline = Date.now() + 2000;
    while (log.length === 0 && Date.now() < deadline) {
      await new Promise(resolve => setTimeout(resolve, 5));
    }
    expect(log).toEqual(['off']);
    expect(queue.size).toBe(0);
  });
});
