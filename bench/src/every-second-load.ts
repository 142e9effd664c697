import { RunningState } from '@chaconne/contracts';
import { sleep, waitFor } from '@chaconne/testing';
import { forEachBounded } from './admin-api';
import { BenchCluster, type ClusterShape } from './cluster';
import type { RunRow } from './database';
import { cronTrigger, noopJobBody, noopJobKey } from './jobs';
import { countOccurrences, countRepeats, firstAttempts, secondsBetween } from './occurrences';
import type { BenchOptions } from './options';
import { type ProcessUsage, runSampler } from './process-sampler';
import type { FigureSpec } from './scenario';
import { persistJobs } from './setup-jobs';
import { latencySummary } from './stats';

/** What every every-second load checks: each occurrence started once, and only once. */
export const OCCURRENCE_INTEGRITY_FIGURES: readonly FigureSpec[] = [
  {
    key: 'missing',
    label: 'missing occurrences (no handler start)',
    unit: '',
    target: { op: '=', value: 0 },
  },
  { key: 'duplicated', label: 'duplicated occurrences (MySQL)', unit: '', target: { op: '=', value: 0 } },
  {
    key: 'duplicatedExecutions',
    label: 'duplicated handler executions (workers)',
    unit: '',
    target: { op: '=', value: 0 },
  },
];

/**
 * What is left out at each end of a timed load of `seconds` before counting (start-up and
 * wind-down): 5 s, or a quarter of a short load (the bench's smoke test).
 */
export function edgeMs(seconds: number): number {
  return Math.min(5_000, seconds * 250);
}

/** One every-second load: its jobs and how long it lasts. */
export interface EverySecondLoad {
  /** Job names are `<name>-<i>`: a cluster can run several loads one after another. */
  name: string;
  jobs: number;
  seconds: number;
  persistConcurrency: number;
}

/** What one every-second load measured; the CPU figures are % of one core over the load. */
export interface EverySecondFigures {
  windowSeconds: number;
  expectedPerSecond: number;
  firesPerSecond: number | null;
  latenessP50Ms: number | null;
  latenessP99Ms: number | null;
  latenessMaxMs: number | null;
  missing: number;
  duplicated: number;
  duplicatedExecutions: number;
  skipped: number;
  failed: number;
  statementsPerFire: number | null;
  managersCpuPct: number;
  /** The CPU of the manager that used the most (how evenly managers share the load). */
  busiestManagerCpuPct: number;
  managerPeakRssMb: number;
  workersCpuPct: number | null;
  mariadbCpuPct: number | null;
  redisCpuPct: number | null;
  benchCpuPct: number | null;
  othersCpuPct: number | null;
  /** Problems worth a note in the report (e.g. runs that did not end in time). */
  notes: string[];
}

/**
 * `jobs` NoopJob jobs firing every second (`* * * * * ?`, overlap ALLOW) on `cluster` for
 * `seconds`, then unscheduled; every job and every second of the window [start + edge,
 * end - edge] must have exactly one handler start. The processes (each manager, the
 * workers, MariaDB, Redis) are sampled over the load. With `stopWorkers` (the cluster's
 * last load) the workers are stopped before counting, so that their records are complete;
 * otherwise duplicated executions are counted from the records written so far.
 */
export async function runEverySecondLoad(
  cluster: BenchCluster,
  load: EverySecondLoad,
  log: (message: string) => void,
  stopWorkers = true,
): Promise<EverySecondFigures> {
  const { name, jobs, seconds, persistConcurrency } = load;
  const notes: string[] = [];
  const api = cluster.api();
  await persistJobs(api, jobs, persistConcurrency, (i) =>
    noopJobBody(`${name}-${i}`, cronTrigger('* * * * * ?')),
  );
  const startMs = Date.now();
  const managerGroups = Object.fromEntries(cluster.managerPids.map((pid, i) => [`manager${i}`, [pid]]));
  const statementsBefore = await cluster.db.statementsSoFar();
  const sampler = runSampler({ ...managerGroups, workers: cluster.workerPids }).start();
  log(
    `${jobs} jobs every second for ${seconds} s, ${cluster.managers.length} manager(s), ${cluster.workers.length} worker(s)`,
  );
  await sleep(seconds * 1000);
  const endMs = Date.now();
  const usage = sampler.stop();
  const statements = (await cluster.db.statementsSoFar()) - statementsBefore - 2;
  await forEachBounded(jobs, persistConcurrency, async (i) => {
    await api.call('/job/admin/unscheduleJob', noopJobKey(`${name}-${i}`));
  });

  const slots = secondsBetween(startMs + edgeMs(seconds), endMs - edgeMs(seconds));
  const [first = 0, last = 0] = [slots[0], slots[slots.length - 1]];
  const windowEnd = new Date(last);
  await waitFor(
    'the runs of the counted window to end',
    async () =>
      (await cluster.db.count(
        'SELECT COUNT(*) AS n FROM chac_job_run WHERE running_state = ? AND planned_at <= ?',
        [RunningState.RUNNING, windowEnd],
      )) === 0
        ? true
        : undefined,
    60_000,
    250,
  ).catch((error: unknown) => {
    notes.push((error as Error).message);
  });
  if (stopWorkers) await cluster.stopWorkers();

  const jobIds = (
    await cluster.db.query<{ job_id: number }>(`SELECT job_id FROM chac_job_detail WHERE job_name LIKE ?`, [
      `${name}-%`,
    ])
  ).map((r) => r.job_id);
  const rows = await cluster.db.query<RunRow>(
    'SELECT job_id, planned_at, attempt, running_state, started_at FROM chac_job_run WHERE planned_at BETWEEN ? AND ?',
    [new Date(first), windowEnd],
  );
  const counts = countOccurrences(jobIds, slots, firstAttempts(rows));
  const lateness = latencySummary(counts.latenessMs);
  const inWindow = cluster.executions().filter((e) => e.plannedAtMs >= first && e.plannedAtMs <= last);
  const managerUsage = Object.keys(managerGroups)
    .map((group) => usage[group])
    .filter((u): u is ProcessUsage => !!u);
  // Over the whole sampled load (the window is its middle): the occurrences that fired in it.
  const fired = await cluster.db.count(
    'SELECT COUNT(*) AS n FROM chac_job_run WHERE attempt = 0 AND planned_at BETWEEN ? AND ?',
    [new Date(startMs), new Date(endMs)],
  );
  log(
    `${counts.started}/${counts.expected} occurrences started over ${slots.length} s, ` +
      `lateness p50 ${lateness.p50 ?? '?'} ms p99 ${lateness.p99 ?? '?'} ms, missing ${counts.missing}, duplicated ${counts.duplicated}`,
  );
  return {
    windowSeconds: slots.length,
    expectedPerSecond: jobIds.length,
    firesPerSecond: slots.length === 0 ? null : counts.started / slots.length,
    latenessP50Ms: lateness.p50,
    latenessP99Ms: lateness.p99,
    latenessMaxMs: lateness.max,
    missing: counts.missing,
    duplicated: counts.duplicated,
    duplicatedExecutions: countRepeats(inWindow, (e) => `${e.jobId}@${e.plannedAtMs}@${e.attempt}`),
    skipped: rows.filter((r) => r.running_state === RunningState.SKIPPED).length,
    failed: rows.filter((r) => r.running_state === RunningState.FAILED).length,
    statementsPerFire: fired === 0 ? null : statements / fired,
    managersCpuPct: managerUsage.reduce((sum, u) => sum + u.cpuPercent, 0),
    busiestManagerCpuPct: Math.max(...managerUsage.map((u) => u.cpuPercent)),
    managerPeakRssMb: Math.max(...managerUsage.map((u) => u.peakRssMb)),
    workersCpuPct: usage.workers?.cpuPercent ?? null,
    mariadbCpuPct: usage.mariadb?.cpuPercent ?? null,
    redisCpuPct: usage.redis?.cpuPercent ?? null,
    benchCpuPct: usage.bench?.cpuPercent ?? null,
    othersCpuPct: usage.others?.cpuPercent ?? null,
    notes,
  };
}

/** One every-second load on a fresh cluster of `shape`, closed afterwards. */
export async function runEverySecondLoadOn(
  options: BenchOptions,
  shape: ClusterShape,
  load: EverySecondLoad,
  log: (message: string) => void,
): Promise<EverySecondFigures> {
  const cluster = await BenchCluster.start(options, shape);
  try {
    return await runEverySecondLoad(cluster, load, log);
  } finally {
    await cluster.close();
  }
}
