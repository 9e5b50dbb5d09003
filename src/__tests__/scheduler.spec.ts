import { CheckScheduler, IRunTicket } from '../scheduler';

/**
 * A task whose runs are resolved by hand.
 */
class ManualTask {
  calls = 0;
  tickets: IRunTicket[] = [];
  private _resolvers: Array<() => void> = [];
  run = (ticket: IRunTicket): Promise<void> => {
    this.calls += 1;
    this.tickets.push(ticket);
    return new Promise<void>(resolve => this._resolvers.push(resolve));
  };
  finish(): void {
    this._resolvers.shift()?.();
  }
  finishLast(): void {
    this._resolvers.pop()?.();
  }
}

/**
 * Let resolved promises run their continuations.
 */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await Promise.resolve();
  }
}

describe('CheckScheduler', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('debounces: repeated requests push the run back', () => {
    // Given a scheduler
    const task = new ManualTask();
    const scheduler = new CheckScheduler(task.run);
    // When edits arrive every 200 ms with a 500 ms debounce
    scheduler.schedule(500);
    jest.advanceTimersByTime(200);
    scheduler.schedule(500);
    jest.advanceTimersByTime(200);
    scheduler.schedule(500);
    jest.advanceTimersByTime(499);
    // Then nothing ran yet
    expect(task.calls).toBe(0);
    // And one run starts 500 ms after the last edit
    jest.advanceTimersByTime(1);
    expect(task.calls).toBe(1);
  });

  it('does not let a longer delay postpone a shorter pending one', () => {
    // Given a run requested after an execution (100 ms)
    const task = new ManualTask();
    const scheduler = new CheckScheduler(task.run);
    scheduler.schedule(100);
    // When the user types right after (500 ms debounce)
    jest.advanceTimersByTime(50);
    scheduler.schedule(500);
    // Then the run still starts at 100 ms
    jest.advanceTimersByTime(50);
    expect(task.calls).toBe(1);
  });

  it('lets a shorter delay bring a pending run forward', () => {
    // Given a debounced run 500 ms away
    const task = new ManualTask();
    const scheduler = new CheckScheduler(task.run);
    scheduler.schedule(500);
    // When an execution finishes (100 ms)
    scheduler.schedule(100);
    // Then the run starts at 100 ms
    jest.advanceTimersByTime(100);
    expect(task.calls).toBe(1);
  });

  it('keeps at most one run in flight and coalesces requests into one follow-up', async () => {
    // Given a run in flight
    const task = new ManualTask();
    const scheduler = new CheckScheduler(task.run);
    scheduler.schedule(0);
    jest.advanceTimersByTime(0);
    expect(task.calls).toBe(1);
    expect(scheduler.isRunning).toBe(true);
    // When many requests arrive meanwhile
    for (let i = 0; i < 5; i++) {
      scheduler.schedule(0);
      jest.advanceTimersByTime(0);
    }
    void scheduler.runNow();
    // Then no second run starts while the first is in flight
    expect(task.calls).toBe(1);
    expect(scheduler.isPending).toBe(true);
    // And exactly one follow-up runs once it settles
    task.finish();
    await settle();
    expect(task.calls).toBe(2);
    task.finish();
    await settle();
    expect(task.calls).toBe(2);
    expect(scheduler.isRunning).toBe(false);
    expect(scheduler.isPending).toBe(false);
  });

  it('runNow resolves after a run that started after the call', async () => {
    // Given a run in flight
    const task = new ManualTask();
    const scheduler = new CheckScheduler(task.run);
    const first = scheduler.runNow();
    let secondDone = false;
    // When runNow is called during it
    const second = scheduler.runNow().then(() => {
      secondDone = true;
    });
    // Then finishing the first run does not resolve the second call
    task.finish();
    await first;
    await settle();
    expect(secondDone).toBe(false);
    // But finishing the follow-up does
    task.finish();
    await second;
    expect(secondDone).toBe(true);
    expect(task.calls).toBe(2);
  });

  it('reports a failing run and keeps working', async () => {
    // Given a task that fails once
    const errors: unknown[] = [];
    let calls = 0;
    const scheduler = new CheckScheduler(
      () => {
        calls += 1;
        return calls === 1
          ? Promise.reject(new Error('offline'))
          : Promise.resolve();
      },
      reason => errors.push(reason)
    );
    // When it runs twice
    await scheduler.runNow();
    await scheduler.runNow();
    // Then the error was reported once and the second run happened
    expect(errors).toHaveLength(1);
    expect(calls).toBe(2);
  });

  it('runs nothing after dispose', () => {
    // Given a pending run
    const task = new ManualTask();
    const scheduler = new CheckScheduler(task.run);
    scheduler.schedule(100);
    // When the scheduler is disposed
    scheduler.dispose();
    jest.advanceTimersByTime(1000);
    scheduler.schedule(0);
    jest.advanceTimersByTime(1000);
    // Then the task never ran
    expect(task.calls).toBe(0);
    expect(scheduler.isDisposed).toBe(true);
  });

  it('supersede: the newest run wins, the older one is aborted and not current', async () => {
    // Given a run in flight and someone waiting for a run
    const task = new ManualTask();
    const scheduler = new CheckScheduler(task.run);
    const waited = jest.fn();
    void scheduler.runNow().then(waited);
    expect(task.calls).toBe(1);
    const old = task.tickets[0];
    expect(old.isCurrent()).toBe(true);
    // When it is superseded
    scheduler.supersede(0);
    jest.advanceTimersByTime(0);
    // Then a new run started without waiting, and the old one is dropped
    expect(task.calls).toBe(2);
    expect(old.signal.aborted).toBe(true);
    expect(old.isCurrent()).toBe(false);
    expect(task.tickets[1].isCurrent()).toBe(true);
    // When the old run settles first, its waiter keeps waiting
    task.finish();
    await settle();
    expect(waited).not.toHaveBeenCalled();
    // And settles with the newest run
    task.finish();
    await settle();
    expect(waited).toHaveBeenCalledTimes(1);
    expect(scheduler.isRunning).toBe(false);
  });

  it('a superseded run settling late starts no extra run', async () => {
    // Given a superseded run and its successor in flight
    const task = new ManualTask();
    const scheduler = new CheckScheduler(task.run);
    void scheduler.runNow();
    scheduler.supersede(0);
    jest.advanceTimersByTime(0);
    expect(task.calls).toBe(2);
    // When the successor settles, then the superseded one
    task.finishLast();
    await settle();
    task.finish();
    await settle();
    jest.advanceTimersByTime(1000);
    // Then nothing else ran
    expect(task.calls).toBe(2);
    expect(scheduler.isRunning).toBe(false);
  });

  it('abort drops the run in flight and releases its waiters', async () => {
    const task = new ManualTask();
    const scheduler = new CheckScheduler(task.run);
    const waited = jest.fn();
    void scheduler.runNow().then(waited);
    scheduler.abort();
    await settle();
    expect(waited).toHaveBeenCalledTimes(1);
    expect(task.tickets[0].isCurrent()).toBe(false);
    expect(scheduler.isRunning).toBe(false);
  });
});
