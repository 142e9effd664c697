import {
  type CheckReport,
  checkRuns,
  everyNSeconds,
  type LedgerEntry,
  type PlannedJob,
  RUN_ROW_COLUMNS,
  toRunRecord,
  type RunRow,
  sleep,
  waitFor,
} from '@chaconne/testing';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunningState } from '@chaconne/contracts';
import { forEachBounded } from '../admin-api';
import { BenchCluster } from '../cluster';
import { cronTrigger, noopJobBody, noopJobKey } from '../jobs';
import type { BenchOptions, SoakFault } from '../options';
import { OwnRedis } from '../own-redis';
import { RunRecorder, type FigureSpec, type Scenario } from '../scenario';
import { persistJobs } from '../setup-jobs';
import { latencySummary } from '../stats';

/** Left out at the start before counting: the schedules' first ticks. */
const WARMUP_MS = 15_000;
/** Occurrences this close to the end may be cut by the unscheduling: not counted. */
const TAIL_MS = 3_000;
/** Retries of every soak job: a run lost with its worker or manager is tried again elsewhere. */
const RETRIES = 2;
/** Occurrences before a fault whose settling counts toward it. */
const BEFORE_FAULT_MS = 10_000;

export const SOAK_FIGURES: readonly FigureSpec[] = [
  { key: 'runsPerSecond', label: 'planned runs per second', unit: '/s' },
  { key: 'faults', label: 'faults injected', unit: '' },
  { key: 'occurrences', label: 'occurrences checked', unit: '' },
  { key: 'completed', label: 'ended COMPLETED', unit: '' },
  { key: 'failed', label: 'ended FAILED (with a reason)', unit: '' },
  { key: 'skipped', label: 'ended SKIPPED (with a reason)', unit: '' },
  { key: 'missing', label: 'missing (no record)', unit: '', target: { op: '=', value: 0 } },
  { key: 'open', label: 'still RUNNING at the end', unit: '', target: { op: '=', value: 0 } },
  {
    key: 'duplicated',
    label: 'duplicated (more than one final record)',
    unit: '',
    target: { op: '=', value: 0 },
  },
  {
    key: 'ranTwice',
    label: 'handler run twice for one (occurrence, attempt)',
    unit: '',
    target: { op: '=', value: 0 },
  },
  { key: 'otherViolations', label: 'other checker violations', unit: '', target: { op: '=', value: 0 } },
  { key: 'latenessP50Ms', label: 'lateness p50 (first attempts)', unit: 'ms' },
  { key: 'latenessP99Ms', label: 'lateness p99', unit: 'ms' },
  { key: 'latenessMaxMs', label: 'lateness max', unit: 'ms' },
  { key: 'recoveryMaxMs', label: 'recovery, worst fault', unit: 'ms' },
  { key: 'settledMaxMs', label: 'settled, worst fault', unit: 'ms' },
];

interface InjectedFault {
  kind: SoakFault;
  target: string;
  at: number;
  /** When the process or Redis was back (the fault's end). */
  restoredAt: number;
}

const seconds = (ms: number | null): string => (ms === null ? 'never' : `${(ms / 1000).toFixed(1)} s`);

/**
 * Soak: `jobs` every-second NoopJob jobs (300 runs per second by default) across 2 managers
 * and 2 workers for `seconds`, on a Redis of the run's own, with a fault every
 * `faultEverySeconds`: a worker SIGKILLed and started again, a manager SIGKILLed and started
 * again on its port, a manager frozen with SIGSTOP then SIGCONT, Redis stopped and started
 * again empty. At the end the fault suite's checker compares every planned occurrence with
 * the run records and the workers' own record of handler starts.
 */
export const soakScenario: Scenario = {
  name: 'soak',
  title: 'Soak: every-second jobs through a fault every minute',
  figures: SOAK_FIGURES,
  async run(options: BenchOptions, { log }) {
    const soak = options.soak;
    const out = new RunRecorder(SOAK_FIGURES);
    const redis = await OwnRedis.start(options.verbose);
    let cluster: BenchCluster | undefined;
    try {
      cluster = await BenchCluster.start(
        { ...options, redisUrl: redis.url },
        { managers: 2, workers: 2, syncRecords: true },
      );
      const running = cluster;
      const api = running.api();
      await persistJobs(api, soak.jobs, soak.persistConcurrency, (i) => ({
        ...noopJobBody(`soak-${i}`, cronTrigger('* * * * * ?')),
        retries: RETRIES,
      }));
      const startMs = Date.now();
      const endMs = startMs + soak.seconds * 1000;
      log(
        `${soak.jobs} jobs every second for ${soak.seconds} s, a fault every ${soak.faultEverySeconds} s: ${soak.faults.join(', ')}`,
      );

      const injected: InjectedFault[] = [];
      for (let k = 1; ; k++) {
        const at = startMs + k * soak.faultEverySeconds * 1000;
        // Each fault gets its full interval to show its recovery before the end.
        if (at + soak.faultEverySeconds * 1000 > endMs) break;
        await sleep(at - Date.now());
        const kind = soak.faults[(k - 1) % soak.faults.length] ?? 'worker-kill';
        const fault = await inject(running, redis, kind, k, soak);
        injected.push(fault);
        log(
          `fault ${k}: ${fault.kind} ${fault.target}, restored after ${seconds(fault.restoredAt - fault.at)}`,
        );
      }
      await sleep(endMs - Date.now());
      await forEachBounded(soak.jobs, soak.persistConcurrency, async (i) => {
        await api.call('/job/admin/unscheduleJob', noopJobKey(`soak-${i}`));
      });
      const from = startMs + WARMUP_MS;
      const to = endMs - TAIL_MS;
      // Runs lost in the last fault end after the loss window and their retries.
      await waitFor(
        'every run of the counted window to end',
        async () =>
          (await running.db.count(
            'SELECT COUNT(*) AS n FROM chac_job_run WHERE running_state = ? AND planned_at <= ?',
            [RunningState.RUNNING, new Date(to)],
          )) === 0
            ? true
            : undefined,
        180_000,
        1_000,
      ).catch((error: unknown) => {
        out.note((error as Error).message);
      });
      await running.stopWorkers();

      const jobs = await running.db.query<{ job_id: number; job_name: string }>(
        `SELECT job_id, job_name FROM chac_job_detail WHERE job_name LIKE 'soak-%'`,
      );
      const planned: PlannedJob[] = jobs.map((job) => ({
        jobId: job.job_id,
        name: job.job_name,
        occurrences: everyNSeconds(from, to, 1),
        steady: true,
      }));
      // Misfire records of a stretch stand at its first occurrence, which may precede the window.
      const rows = await running.db.query<RunRow>(
        `SELECT ${RUN_ROW_COLUMNS} FROM chac_job_run WHERE planned_at BETWEEN ? AND ?`,
        [new Date(startMs), new Date(to)],
      );
      const records = rows.map(toRunRecord);
      const ledger: LedgerEntry[] = running.executions().map((e) => ({
        event: 'start',
        runId: e.runId,
        jobId: e.jobId,
        jobName: '',
        attempt: e.attempt,
        plannedAt: e.plannedAtMs,
        pid: 0,
        instanceId: `worker-${e.worker}`,
        at: e.startedAtMs,
      }));

      const whole = checkRuns(planned, records, ledger, { from, to, faultAt: from });
      const count = (kind: string): number => whole.violations.filter((v) => v.kind === kind).length;
      const lateness = latencySummary(
        rows
          .filter(
            (r) =>
              r.attempt === 0 &&
              r.running_state === RunningState.COMPLETED &&
              r.started_at !== null &&
              r.planned_at.getTime() >= from,
          )
          .map((r) => (r.started_at?.getTime() ?? 0) - r.planned_at.getTime()),
      );
      const perFault = injected.map((fault, i) => {
        const next = injected[i + 1]?.at ?? to;
        const report = checkRuns(planned, records, ledger, {
          from: fault.at - BEFORE_FAULT_MS,
          to: Math.min(next, to),
          faultAt: fault.at,
        });
        return { fault, report };
      });
      for (const { fault, report } of perFault) {
        const line = faultLine(fault, startMs, report);
        out.note(line);
        log(line);
      }
      const worst = (pick: (r: CheckReport) => number | null): number | null => {
        const values = perFault.map(({ report }) => pick(report));
        return values.includes(null) ? null : Math.max(0, ...(values as number[]));
      };
      const tallied = ['missing', 'open', 'multiple-final', 'ran-twice'];
      out.set('runsPerSecond', soak.jobs);
      out.set('faults', injected.length);
      out.set('occurrences', whole.occurrences);
      out.set('completed', whole.finalStates.COMPLETED ?? 0);
      out.set('failed', whole.finalStates.FAILED ?? 0);
      out.set('skipped', whole.finalStates.SKIPPED ?? 0);
      out.set('missing', count('missing'));
      out.set('open', count('open'));
      out.set('duplicated', count('multiple-final'));
      out.set('ranTwice', count('ran-twice'));
      out.set('otherViolations', whole.violations.filter((v) => !tallied.includes(v.kind)).length);
      out.set('latenessP50Ms', lateness.p50);
      out.set('latenessP99Ms', lateness.p99);
      out.set('latenessMaxMs', lateness.max);
      out.set(
        'recoveryMaxMs',
        worst((r) => r.recoveryMs),
      );
      out.set(
        'settledMaxMs',
        worst((r) => r.settledMs),
      );
      if (whole.violations.length > 0) {
        const file = join(
          options.resultsDir,
          `soak-violations-${new Date(startMs).toISOString().replace(/[:.]/g, '-')}.json`,
        );
        mkdirSync(options.resultsDir, { recursive: true });
        writeFileSync(file, JSON.stringify({ faults: injected, violations: whole.violations }, null, 1));
        out.note(`every violation: ${file}`);
      }
      for (const violation of whole.violations.slice(0, 10))
        out.note(`${violation.kind}: ${violation.job} at ${violation.plannedAt}: ${violation.detail}`);
      if (whole.violations.length > 10) out.note(`... and ${whole.violations.length - 10} more violations`);
      log(
        `${whole.occurrences} occurrences, ${whole.violations.length} violations, lateness p50 ${lateness.p50 ?? '?'} ms p99 ${lateness.p99 ?? '?'} ms`,
      );
      return out.result();
    } finally {
      await cluster?.close();
      await redis.stop();
    }
  },
};

async function inject(
  cluster: BenchCluster,
  redis: OwnRedis,
  kind: SoakFault,
  k: number,
  soak: BenchOptions['soak'],
): Promise<InjectedFault> {
  // Alternate the manager and worker hit; worker i reports to manager i.
  const index = Math.floor((k - 1) / soak.faults.length) % 2;
  const at = Date.now();
  switch (kind) {
    case 'worker-kill':
      cluster.signal('worker', index, 'SIGKILL');
      await sleep(soak.downSeconds * 1000);
      await cluster.restart('worker', index);
      return { kind, target: `worker ${index}`, at, restoredAt: Date.now() };
    case 'manager-kill':
      cluster.signal('manager', index, 'SIGKILL');
      await sleep(soak.downSeconds * 1000);
      await cluster.restart('manager', index);
      return { kind, target: `manager ${index}`, at, restoredAt: Date.now() };
    case 'manager-freeze':
      cluster.signal('manager', index, 'SIGSTOP');
      await sleep(soak.freezeSeconds * 1000);
      cluster.signal('manager', index, 'SIGCONT');
      return { kind, target: `manager ${index}`, at, restoredAt: Date.now() };
    case 'redis-restart':
      await redis.stop();
      await sleep(soak.downSeconds * 1000);
      await redis.restart();
      return { kind, target: 'redis', at, restoredAt: Date.now() };
  }
}

function faultLine(fault: InjectedFault, startMs: number, report: CheckReport): string {
  const states = Object.entries(report.finalStates)
    .map(([state, n]) => `${n} ${state}`)
    .join(', ');
  return (
    `fault at +${Math.round((fault.at - startMs) / 1000)} s, ${fault.kind} ${fault.target} ` +
    `(down ${seconds(fault.restoredAt - fault.at)}): recovered ${seconds(report.recoveryMs)}, ` +
    `settled ${seconds(report.settledMs)}; ${report.occurrences} occurrences (${states}), ${report.violations.length} violations`
  );
}
