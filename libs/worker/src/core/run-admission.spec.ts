import type { RegisteredJob } from './job-registry';
import { RunAdmission, type PendingRun, type RunStart } from './run-admission';

function job(jobClassName: string, concurrency: number): RegisteredJob {
  const noop = (): undefined => undefined;
  return {
    jobClassName,
    jobName: undefined,
    source: jobClassName,
    definition: undefined,
    concurrency,
    listeners: [],
    onFailureEveryAttempt: false,
    prepare: noop,
    shouldRun: noop,
    run: noop,
    onSuccess: noop,
    onFailure: noop,
  };
}

describe('RunAdmission', () => {
  /** The admission's clock, moved by hand; timers are Jest's fake ones. */
  let clock = 0;
  const starts = new Map<number, RunStart>();
  const pending = (runId: number, of: RegisteredJob): PendingRun => ({
    runId,
    job: of,
    begin: (start) => {
      starts.set(runId, start);
    },
  });

  beforeEach(() => {
    jest.useFakeTimers();
    clock = 0;
    starts.clear();
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('starts a run sent ahead at its start time, not before, even when its timer fires early', () => {
    const admission = new RunAdmission(undefined, () => clock);
    const exclusive = job('Exclusive', 1);
    admission.enter(pending(1, exclusive), 100);
    expect(admission.heldRuns).toBe(1);
    // The timer fires at 100 ms by its own count, while the clock says 97 (the event loop's
    // cached time was 3 ms behind when the timer was set): it waits for the 3 ms left.
    clock = 97;
    jest.advanceTimersByTime(100);
    expect(starts.has(1)).toBe(false);
    clock = 100;
    jest.advanceTimersByTime(3);
    expect(starts.get(1)).toEqual({ waitedMs: undefined });
    expect(admission.heldRuns).toBe(0);
  });

  it('queues due runs over the limit in arrival order, says how long each waited, and refuses past the bound', () => {
    const admission = new RunAdmission(2, () => clock);
    const exclusive = job('Exclusive', 1);
    expect(admission.refusal(exclusive)).toBeUndefined();
    admission.enter(pending(1, exclusive), 0);
    admission.enter(pending(2, exclusive), 0);
    clock = 5;
    admission.enter(pending(3, exclusive), 0);
    expect(admission.waitingRuns).toBe(2);
    expect(admission.refusal(exclusive)).toEqual({ limit: 1, waiting: 2 });
    // Another job has its own slots.
    expect(admission.refusal(job('Other', 1))).toBeUndefined();

    clock = 40;
    admission.release(exclusive);
    expect([...starts.keys()]).toEqual([1, 2]);
    expect(starts.get(2)).toEqual({ waitedMs: 40 });
    clock = 50;
    admission.release(exclusive);
    expect(starts.get(3)).toEqual({ waitedMs: 45 });
    expect(admission.waitingRuns).toBe(0);
  });

  it('queues a held run that falls due at the limit even with the queue full: it was accepted', () => {
    const admission = new RunAdmission(0, () => clock);
    const exclusive = job('Exclusive', 1);
    admission.enter(pending(1, exclusive), 0);
    admission.enter(pending(2, exclusive), 10);
    clock = 10;
    jest.advanceTimersByTime(10);
    expect(starts.has(2)).toBe(false);
    expect(admission.waitingRuns).toBe(1);
    admission.release(exclusive);
    expect(starts.get(2)).toEqual({ waitedMs: 0 });
  });

  it('withdraws held and waiting runs, by id, by start time, or all, without starting them', () => {
    const admission = new RunAdmission(undefined, () => clock);
    const exclusive = job('Exclusive', 1);
    admission.enter(pending(1, exclusive), 0);
    admission.enter(pending(2, exclusive), 0);
    admission.enter(pending(3, exclusive), 0);
    admission.enter(pending(4, exclusive), 1_000);
    admission.enter(pending(5, exclusive), 50_000);
    expect(admission.withdraw(2)?.runId).toBe(2);
    expect(admission.withdraw(2)).toBeUndefined();
    expect(admission.withdraw(1)).toBeUndefined(); // started: not admission's any more
    expect(admission.withdrawHeldDueBeyond(30_000).map((r) => r.runId)).toEqual([5]);
    expect(admission.withdrawAll().map((r) => r.runId)).toEqual([4, 3]);
    expect([admission.heldRuns, admission.waitingRuns]).toEqual([0, 0]);
    clock = 60_000;
    jest.advanceTimersByTime(60_000);
    admission.release(exclusive);
    expect([...starts.keys()]).toEqual([1]);
  });
});
