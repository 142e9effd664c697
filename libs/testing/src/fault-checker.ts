import { enumName, RunningState } from '@chaconne/contracts';
import type { LedgerEntry } from './fault-ledger';

/**
 * A Chronos-style checker: what each job's schedule says should have run in a window
 * (planned), against what the manager stored (its run records in MySQL) and what the
 * workers' handlers did (their ledgers). Pure: it takes plain data, so it is tested with
 * synthetic inputs, and reads nothing itself.
 */

/** A job and every occurrence its trigger should fire in the window (epoch ms). */
export interface PlannedJob {
  jobId: number;
  name: string;
  occurrences: readonly number[];
  /** Counts toward the recovery time: occurrences expected to complete on their first attempt. */
  steady: boolean;
}

/** One run as the manager stored it. */
export interface RunRecord {
  runId: number;
  jobId: number;
  plannedAt: number;
  attempt: number;
  runningState: RunningState;
  reason: string | null;
  finishedAt: number | null;
  /**
   * A record standing for several occurrences (the manager records a stretch of missed
   * occurrences as one SKIPPED run): the first and last it covers, and how many.
   */
  covers?: { firstMs: number; lastMs: number; count: number; atLeast: boolean };
}

export interface CheckWindow {
  /** Occurrences planned in [from, to] are checked. */
  from: number;
  to: number;
  /** When the fault was injected: recovery is measured from here. */
  faultAt: number;
}

export type ViolationKind =
  /** No record at all for a planned occurrence. */
  | 'missing'
  /** The occurrence's latest attempt has no outcome (still RUNNING). */
  | 'open'
  /** More than one final record for one occurrence. */
  | 'multiple-final'
  /** A final FAILED or SKIPPED record without a reason. */
  | 'no-reason'
  /** A handler started more than once for one (occurrence, attempt). */
  | 'ran-twice'
  /** A handler started for an (occurrence, attempt) the manager has no record of. */
  | 'started-without-record'
  /** A COMPLETED record whose handler start no worker recorded. */
  | 'completed-without-start'
  /** A record of a planned job at a time its schedule does not fire. */
  | 'unplanned'
  /** A record covering several occurrences whose count differs from the plan. */
  | 'coverage-mismatch';

export interface Violation {
  kind: ViolationKind;
  job: string;
  plannedAt: string;
  detail: string;
}

export interface CheckReport {
  /** Planned occurrences checked. */
  occurrences: number;
  /** How the occurrences ended (by their final record), e.g. { COMPLETED: 40, FAILED: 1 }. */
  finalStates: Record<string, number>;
  /** Handler starts recorded by the workers for the checked occurrences. */
  handlerStarts: number;
  violations: Violation[];
  /**
   * From the fault to the planned time from which every occurrence of every steady job in
   * the window completed on its first attempt; null if that never happened.
   */
  recoveryMs: number | null;
  /**
   * From the fault until every occurrence planned before it had its final record (the
   * latest `finishedAt` among them); 0 when none was still open at the fault.
   */
  settledMs: number | null;
}

const FINAL_STATES: readonly RunningState[] = [
  RunningState.COMPLETED,
  RunningState.FAILED,
  RunningState.SKIPPED,
  RunningState.FINISHED,
];

const occurrenceKey = (jobId: number, plannedAt: number): string => `${jobId}@${plannedAt}`;
const attemptKey = (jobId: number, plannedAt: number, attempt: number): string =>
  `${jobId}@${plannedAt}#${attempt}`;
const iso = (ms: number): string => new Date(ms).toISOString();
const stateName = (state: RunningState): string => enumName(RunningState, state) ?? String(state);

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The final records of one occurrence's records: every ended one that was not followed by a retry. */
function finalRecords(records: readonly RunRecord[]): RunRecord[] {
  const attempts = new Set(records.map((r) => r.attempt));
  return records.filter(
    (r) =>
      FINAL_STATES.includes(r.runningState) &&
      !(r.runningState === RunningState.FAILED && !r.covers && attempts.has(r.attempt + 1)),
  );
}

/** Checks every planned occurrence in the window against the run records and the handler starts. */
export function checkRuns(
  planned: readonly PlannedJob[],
  records: readonly RunRecord[],
  ledger: readonly LedgerEntry[],
  window: CheckWindow,
): CheckReport {
  const jobs = new Map(planned.map((job) => [job.jobId, job]));
  const inWindow = (at: number): boolean => at >= window.from && at <= window.to;
  const violations: Violation[] = [];
  const flag = (kind: ViolationKind, jobId: number, plannedAt: number, detail: string): void => {
    violations.push({ kind, job: jobs.get(jobId)?.name ?? String(jobId), plannedAt: iso(plannedAt), detail });
  };

  const plannedKeys = new Set<string>();
  for (const job of planned)
    for (const at of job.occurrences) if (inWindow(at)) plannedKeys.add(occurrenceKey(job.jobId, at));

  // Each occurrence's records: its own runs, and any record covering it.
  const byOccurrence = new Map<string, RunRecord[]>();
  const recordAttempts = new Set<string>();
  for (const record of records) {
    const job = jobs.get(record.jobId);
    if (!job) continue;
    recordAttempts.add(attemptKey(record.jobId, record.plannedAt, record.attempt));
    if (record.covers) {
      const { firstMs, lastMs, count, atLeast } = record.covers;
      const covered = job.occurrences.filter((at) => at >= firstMs && at <= lastMs);
      for (const at of covered) push(byOccurrence, occurrenceKey(job.jobId, at), record);
      // Checkable only when the plan spans the whole stretch.
      const spanned = firstMs >= Math.min(...job.occurrences) && lastMs <= Math.max(...job.occurrences);
      if (spanned && (atLeast ? covered.length < count : covered.length !== count))
        flag(
          'coverage-mismatch',
          record.jobId,
          record.plannedAt,
          `run ${record.runId} covers ${atLeast ? 'at least ' : ''}${count} occurrences from ${iso(firstMs)} to ${iso(lastMs)}; the schedule has ${covered.length}`,
        );
      continue;
    }
    if (!inWindow(record.plannedAt)) continue;
    const key = occurrenceKey(record.jobId, record.plannedAt);
    if (!plannedKeys.has(key)) {
      flag('unplanned', record.jobId, record.plannedAt, `run ${record.runId} (attempt ${record.attempt})`);
      continue;
    }
    push(byOccurrence, key, record);
  }

  const finalStates: Record<string, number> = {};
  /** The latest steady occurrence at or after the fault that did not complete on its first attempt. */
  let disturbedUntil: number | null = null;
  let settledAt: number | null = null;
  for (const job of planned) {
    for (const at of job.occurrences) {
      if (!inWindow(at)) continue;
      const own = byOccurrence.get(occurrenceKey(job.jobId, at)) ?? [];
      if (own.length === 0) {
        flag('missing', job.jobId, at, 'no run record');
        if (job.steady && at >= window.faultAt) disturbedUntil = Math.max(disturbedUntil ?? at, at);
        continue;
      }
      const latest = Math.max(...own.map((r) => r.attempt));
      const open = own.filter((r) => r.runningState === RunningState.RUNNING && r.attempt === latest);
      const finals = finalRecords(own);
      for (const run of open)
        flag('open', job.jobId, at, `run ${run.runId} (attempt ${run.attempt}) is RUNNING`);
      if (finals.length > 1)
        flag(
          'multiple-final',
          job.jobId,
          at,
          finals.map((r) => `run ${r.runId} attempt ${r.attempt} ${stateName(r.runningState)}`).join('; '),
        );
      for (const run of finals) {
        const name = stateName(run.runningState);
        finalStates[name] = (finalStates[name] ?? 0) + 1;
        if (
          (run.runningState === RunningState.FAILED || run.runningState === RunningState.SKIPPED) &&
          !run.reason?.trim()
        )
          flag(
            'no-reason',
            job.jobId,
            at,
            `run ${run.runId} (attempt ${run.attempt}) ${name} without a reason`,
          );
      }
      if (at < window.faultAt) {
        for (const run of finals)
          if (run.finishedAt !== null) settledAt = Math.max(settledAt ?? run.finishedAt, run.finishedAt);
      }
      const normal =
        open.length === 0 &&
        finals.length === 1 &&
        finals[0]?.runningState === RunningState.COMPLETED &&
        finals[0].attempt === 0;
      if (job.steady && at >= window.faultAt && !normal) disturbedUntil = Math.max(disturbedUntil ?? at, at);
    }
  }

  // The workers' side: each (occurrence, attempt) starts one handler, of a run the manager knows.
  const starts = new Map<string, LedgerEntry[]>();
  for (const entry of ledger) {
    if (entry.event !== 'start' || !jobs.has(entry.jobId) || !inWindow(entry.plannedAt)) continue;
    push(starts, attemptKey(entry.jobId, entry.plannedAt, entry.attempt), entry);
  }
  let handlerStarts = 0;
  for (const [key, list] of starts) {
    handlerStarts += list.length;
    const [first] = list;
    if (!first) continue;
    if (list.length > 1)
      flag(
        'ran-twice',
        first.jobId,
        first.plannedAt,
        `attempt ${first.attempt} started ${list.length} times: ${list
          .map((s) => `run ${s.runId} on ${s.instanceId} (pid ${s.pid}) at ${iso(s.at)}`)
          .join('; ')}`,
      );
    if (!recordAttempts.has(key))
      flag(
        'started-without-record',
        first.jobId,
        first.plannedAt,
        `attempt ${first.attempt}, run ${first.runId}`,
      );
  }
  for (const [key, own] of byOccurrence) {
    if (!plannedKeys.has(key)) continue;
    for (const run of own)
      if (
        run.runningState === RunningState.COMPLETED &&
        !starts.has(attemptKey(run.jobId, run.plannedAt, run.attempt))
      )
        flag(
          'completed-without-start',
          run.jobId,
          run.plannedAt,
          `run ${run.runId} (attempt ${run.attempt})`,
        );
  }

  // Recovered at the first steady occurrence after the last one that did not complete normally.
  const steadyTimes = planned.filter((j) => j.steady).flatMap((j) => j.occurrences.filter(inWindow));
  const after = disturbedUntil === null ? [] : steadyTimes.filter((at) => at > disturbedUntil);
  const recoveredAt = disturbedUntil === null ? window.faultAt : after.length > 0 ? Math.min(...after) : null;
  return {
    occurrences: plannedKeys.size,
    finalStates,
    handlerStarts,
    violations,
    recoveryMs: recoveredAt === null ? null : Math.max(0, recoveredAt - window.faultAt),
    settledMs: settledAt === null ? 0 : Math.max(0, settledAt - window.faultAt),
  };
}

/** The whole seconds in [fromMs, toMs] divisible by `everySeconds`: when `*\/n * * * * ?` fires (n dividing 60). */
export function everyNSeconds(fromMs: number, toMs: number, everySeconds: number): number[] {
  const step = everySeconds * 1000;
  const times: number[] = [];
  for (let at = Math.ceil(fromMs / step) * step; at <= toMs; at += step) times.push(at);
  return times;
}

/** A one-line account of a report, for the test log. */
export function describeReport(name: string, report: CheckReport): string {
  const states = Object.entries(report.finalStates)
    .map(([state, n]) => `${state} ${n}`)
    .join(', ');
  const seconds = (ms: number | null): string => (ms === null ? 'never' : `${(ms / 1000).toFixed(1)} s`);
  return (
    `${name}: ${report.occurrences} occurrences (${states}), ${report.handlerStarts} handler starts, ` +
    `${report.violations.length} violations; settled ${seconds(report.settledMs)}, recovered ${seconds(report.recoveryMs)} after the fault`
  );
}
