import { RunningState } from '@chaconne/contracts';
import {
  checkRuns,
  everyNSeconds,
  type LedgerEntry,
  type PlannedJob,
  type RunRecord,
} from '@chaconne/testing';

const T0 = Date.UTC(2026, 11, 7, 12, 0, 0);
const window = { from: T0, to: T0 + 4_000, faultAt: T0 + 1_500 };
const job: PlannedJob = {
  jobId: 1,
  name: 'tick',
  occurrences: everyNSeconds(T0, T0 + 4_000, 1),
  steady: true,
};

let nextRunId = 100;
function run(plannedAt: number, overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    runId: nextRunId++,
    jobId: 1,
    plannedAt,
    attempt: 0,
    runningState: RunningState.COMPLETED,
    reason: null,
    finishedAt: plannedAt + 100,
    ...overrides,
  };
}

function start(record: RunRecord, overrides: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    event: 'start',
    runId: record.runId,
    jobId: record.jobId,
    jobName: 'tick',
    attempt: record.attempt,
    plannedAt: record.plannedAt,
    pid: 4242,
    instanceId: 'w1',
    at: record.plannedAt + 5,
    ...overrides,
  };
}

/** Every occurrence completed once, each with its handler start. */
function healthy(): { records: RunRecord[]; ledger: LedgerEntry[] } {
  const records = job.occurrences.map((at) => run(at));
  return { records, ledger: records.map((r) => start(r)) };
}

const kinds = (report: ReturnType<typeof checkRuns>): string[] => report.violations.map((v) => v.kind);

describe('checkRuns', () => {
  it('passes a window where every occurrence completed once, and says so in figures', () => {
    const { records, ledger } = healthy();
    const report = checkRuns([job], records, ledger, window);
    expect(report).toMatchObject({
      occurrences: 5,
      finalStates: { COMPLETED: 5 },
      handlerStarts: 5,
      violations: [],
      recoveryMs: 0,
      settledMs: 0,
    });
  });

  it('flags an occurrence without any record, and one whose only run is still RUNNING', () => {
    const { records, ledger } = healthy();
    records.splice(1, 1); // T0 + 1 s: no record
    const open = records[2];
    if (!open) throw new Error('fixture');
    open.runningState = RunningState.RUNNING;
    open.finishedAt = null;
    const report = checkRuns(
      [job],
      records,
      ledger.filter((s) => s.plannedAt !== T0 + 1_000),
      window,
    );
    expect(report.violations).toEqual([
      {
        kind: 'missing',
        job: 'tick',
        plannedAt: new Date(T0 + 1_000).toISOString(),
        detail: 'no run record',
      },
      expect.objectContaining({ kind: 'open', plannedAt: new Date(T0 + 3_000).toISOString() }),
    ]);
  });

  it('accepts a failed attempt followed by its completed retry as one final record', () => {
    const { records, ledger } = healthy();
    const first = records[3];
    if (!first) throw new Error('fixture');
    first.runningState = RunningState.FAILED;
    first.reason = 'worker lost: instance w1 missed 3 heartbeats';
    const retry = run(first.plannedAt, { attempt: 1 });
    const report = checkRuns(
      [job],
      [...records, retry],
      [...ledger, start(retry, { instanceId: 'w2' })],
      window,
    );
    expect(report.violations).toEqual([]);
    expect(report.finalStates).toEqual({ COMPLETED: 5 });
    // T0 + 3 s did not complete on its first attempt: recovered at the next occurrence.
    expect(report.recoveryMs).toBe(T0 + 4_000 - window.faultAt);
  });

  it('flags two final records of one occurrence, and a final FAILED or SKIPPED without a reason', () => {
    const { records, ledger } = healthy();
    const extra = run(T0 + 2_000, { attempt: 1 }); // a retry of a run that COMPLETED
    const failed = records[0];
    const skipped = records[4];
    if (!failed || !skipped) throw new Error('fixture');
    failed.runningState = RunningState.FAILED;
    skipped.runningState = RunningState.SKIPPED;
    skipped.reason = '  ';
    const report = checkRuns([job], [...records, extra], [...ledger, start(extra)], window);
    expect(kinds(report).sort()).toEqual(['multiple-final', 'no-reason', 'no-reason']);
    expect(report.violations.find((v) => v.kind === 'multiple-final')?.plannedAt).toBe(
      new Date(T0 + 2_000).toISOString(),
    );
  });

  it('flags a handler started twice for one occurrence and attempt, even under one run id', () => {
    const { records, ledger } = healthy();
    const twice = records[2];
    if (!twice) throw new Error('fixture');
    const report = checkRuns(
      [job],
      records,
      [...ledger, start(twice, { instanceId: 'w2', pid: 4343, at: twice.plannedAt + 15_000 })],
      window,
    );
    expect(kinds(report)).toEqual(['ran-twice']);
    expect(report.violations[0]?.detail).toMatch(/attempt 0 started 2 times: .* on w1 .* on w2 \(pid 4343\)/);
    expect(report.handlerStarts).toBe(6);
  });

  it('flags a handler start the manager has no record of, and a completion no worker started', () => {
    const { records, ledger } = healthy();
    const ghost = run(T0 + 1_000, { attempt: 1 });
    const report = checkRuns([job], records, [...ledger.slice(1), start(ghost)], window);
    expect(kinds(report).sort()).toEqual(['completed-without-start', 'started-without-record']);
  });

  it('flags a record at a time the schedule does not fire, and ignores jobs and times outside the plan', () => {
    const { records, ledger } = healthy();
    const offBeat = run(T0 + 1_500);
    const otherJob = run(T0 + 1_500, { jobId: 2 });
    const before = run(T0 - 1_000);
    const report = checkRuns([job], [...records, offBeat, otherJob, before], ledger, window);
    expect(report.violations.map((v) => [v.kind, v.detail])).toEqual([
      ['unplanned', `run ${offBeat.runId} (attempt 0)`],
    ]);
  });

  it('lets one SKIPPED record cover a stretch of missed occurrences when its count matches the plan', () => {
    const { records, ledger } = healthy();
    const kept = records.filter((r) => r.plannedAt < T0 + 2_000);
    const stretch = run(T0 + 2_000, {
      runningState: RunningState.SKIPPED,
      reason: 'misfire: 3 occurrences from ... missed their start deadline',
      covers: { firstMs: T0 + 2_000, lastMs: T0 + 4_000, count: 3, atLeast: false },
    });
    const report = checkRuns(
      [job],
      [...kept, stretch],
      ledger.filter((s) => s.plannedAt < T0 + 2_000),
      window,
    );
    expect(report.violations).toEqual([]);
    expect(report.finalStates).toEqual({ COMPLETED: 2, SKIPPED: 3 });
    expect(report.recoveryMs).toBeNull(); // never back to normal within the window

    stretch.covers = { firstMs: T0 + 2_000, lastMs: T0 + 4_000, count: 2, atLeast: false };
    expect(kinds(checkRuns([job], [...kept, stretch], [], window))).toContain('coverage-mismatch');
  });

  it('measures how long the occurrences in flight at the fault took to settle', () => {
    const { records, ledger } = healthy();
    const inFlight = records[1];
    if (!inFlight) throw new Error('fixture');
    inFlight.finishedAt = window.faultAt + 7_250;
    expect(checkRuns([job], records, ledger, window).settledMs).toBe(7_250);
  });
});

describe('everyNSeconds', () => {
  it('lists the whole multiples of the period within the bounds, both ends included', () => {
    expect(everyNSeconds(T0 - 1, T0 + 4_000, 2)).toEqual([T0, T0 + 2_000, T0 + 4_000]);
    expect(everyNSeconds(T0 + 1, T0 + 999, 1)).toEqual([]);
  });
});
