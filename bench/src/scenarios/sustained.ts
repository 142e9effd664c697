import { RunningState } from '@chaconne/contracts';
import { forEachBounded } from '../admin-api';
import { BenchCluster } from '../cluster';
import type { RunRow } from '../database';
import { cronTrigger, noopJobBody, noopJobKey } from '../jobs';
import { countOccurrences, countRepeats, secondsBetween } from '../occurrences';
import type { BenchOptions } from '../options';
import { type ProcessUsage, runSampler } from '../process-sampler';
import { sleep, waitFor } from '@chaconne/testing';
import { RunRecorder, type FigureSpec, type Scenario } from '../scenario';
import { persistJobs } from '../setup-jobs';
import { latencySummary } from '../stats';

/** Seconds left out at each end of the run before counting (start-up and wind-down). */
export const EDGE_MS = 5_000;

export const SUSTAINED_FIGURES: readonly FigureSpec[] = [
  { key: 'firesPerSecond', label: 'fires per second (handler starts)', unit: '/s' },
  { key: 'expectedPerSecond', label: 'expected per second (jobs)', unit: '/s' },
  {
    key: 'latenessP50Ms',
    label: 'lateness p50 (handler start - planned)',
    unit: 'ms',
    target: { op: '<=', value: 50 },
  },
  { key: 'latenessP99Ms', label: 'lateness p99', unit: 'ms', target: { op: '<=', value: 250 } },
  { key: 'latenessMaxMs', label: 'lateness max', unit: 'ms' },
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
  { key: 'skipped', label: 'occurrences recorded SKIPPED (e.g. misfire)', unit: '' },
  { key: 'failed', label: 'occurrences recorded FAILED', unit: '' },
  { key: 'statementsPerFire', label: 'MySQL statements per fire (shared server)', unit: '' },
  {
    key: 'managersCpuPct',
    label: 'managers CPU (sum)',
    unit: '% of a core',
    anchor: 'xcron: ~10 % CPU (ingest)',
  },
  {
    key: 'managerPeakRssMb',
    label: 'manager peak RSS (largest)',
    unit: 'MB',
    anchor: 'xcron: 105 MB RES at queue peak',
  },
  { key: 'workersCpuPct', label: 'workers CPU (sum)', unit: '% of a core' },
  { key: 'mariadbCpuPct', label: 'MariaDB CPU (shared server)', unit: '% of a core' },
  { key: 'redisCpuPct', label: 'Redis CPU (shared server)', unit: '% of a core' },
  { key: 'othersCpuPct', label: 'CPU of other processes on the machine (not the run)', unit: '% of a core' },
  { key: 'windowSeconds', label: 'counted window', unit: 's' },
];

/**
 * Sustained: `jobs` NoopJob jobs firing every second (`* * * * * ?`, overlap ALLOW) across
 * `managers` managers and `workers` workers for `seconds`; every job and every second of the
 * window [start + 5 s, end - 5 s] must have exactly one handler start.
 */
export const sustainedScenario: Scenario = {
  name: 'sustained',
  title: 'Sustained: every-second cron jobs across managers',
  figures: SUSTAINED_FIGURES,
  async run(options: BenchOptions, { log }) {
    const { jobs, seconds, managers, workers, persistConcurrency } = options.sustained;
    const out = new RunRecorder(SUSTAINED_FIGURES);
    const cluster = await BenchCluster.start(options, { managers, workers });
    try {
      const api = cluster.api();
      await persistJobs(api, jobs, persistConcurrency, (i) =>
        noopJobBody(`sustained-${i}`, cronTrigger('* * * * * ?')),
      );
      const startMs = Date.now();
      const managerGroups = Object.fromEntries(cluster.managerPids.map((pid, i) => [`manager${i}`, [pid]]));
      const statementsBefore = await cluster.db.statementsSoFar();
      const sampler = runSampler({ ...managerGroups, workers: cluster.workerPids }).start();
      log(`${jobs} jobs every second for ${seconds} s`);
      await sleep(seconds * 1000);
      const endMs = Date.now();
      const usage = sampler.stop();
      const statements = (await cluster.db.statementsSoFar()) - statementsBefore - 2;
      await forEachBounded(jobs, persistConcurrency, async (i) => {
        await api.call('/job/admin/unscheduleJob', noopJobKey(`sustained-${i}`));
      });

      const slots = secondsBetween(startMs + EDGE_MS, endMs - EDGE_MS);
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
        out.note((error as Error).message);
      });
      await cluster.stopWorkers();

      const jobIds = (
        await cluster.db.query<{ job_id: number }>(
          `SELECT job_id FROM chac_job_detail WHERE job_name LIKE 'sustained-%'`,
        )
      ).map((r) => r.job_id);
      const rows = await cluster.db.query<RunRow>(
        'SELECT job_id, planned_at, attempt, running_state, started_at FROM chac_job_run WHERE planned_at BETWEEN ? AND ?',
        [new Date(first), windowEnd],
      );
      const counts = countOccurrences(
        jobIds,
        slots,
        rows
          .filter((r) => r.attempt === 0)
          .map((r) => ({
            key: r.job_id,
            plannedMs: r.planned_at.getTime(),
            startedMs: r.started_at?.getTime() ?? null,
          })),
      );
      const lateness = latencySummary(counts.latenessMs);
      const inWindow = cluster.executions().filter((e) => e.plannedAtMs >= first && e.plannedAtMs <= last);
      const managerUsage = Object.keys(managerGroups)
        .map((name) => usage[name])
        .filter((u): u is ProcessUsage => !!u);

      out.set('windowSeconds', slots.length);
      out.set('expectedPerSecond', jobIds.length);
      out.set('firesPerSecond', slots.length === 0 ? null : counts.started / slots.length);
      out.set('latenessP50Ms', lateness.p50);
      out.set('latenessP99Ms', lateness.p99);
      out.set('latenessMaxMs', lateness.max);
      out.set('missing', counts.missing);
      out.set('duplicated', counts.duplicated);
      out.set(
        'duplicatedExecutions',
        countRepeats(inWindow, (e) => `${e.jobId}@${e.plannedAtMs}@${e.attempt}`),
      );
      out.set('skipped', rows.filter((r) => r.running_state === RunningState.SKIPPED).length);
      out.set('failed', rows.filter((r) => r.running_state === RunningState.FAILED).length);
      out.set(
        'managersCpuPct',
        managerUsage.reduce((sum, u) => sum + u.cpuPercent, 0),
      );
      out.set('managerPeakRssMb', Math.max(...managerUsage.map((u) => u.peakRssMb)));
      out.set('workersCpuPct', usage.workers?.cpuPercent ?? null);
      out.set('mariadbCpuPct', usage.mariadb?.cpuPercent ?? null);
      out.set('redisCpuPct', usage.redis?.cpuPercent ?? null);
      out.set('othersCpuPct', usage.others?.cpuPercent ?? null);
      // Over the whole sampled run (the window is its middle): the occurrences that fired in it.
      const fired = await cluster.db.count(
        'SELECT COUNT(*) AS n FROM chac_job_run WHERE attempt = 0 AND planned_at BETWEEN ? AND ?',
        [new Date(startMs), new Date(endMs)],
      );
      out.set('statementsPerFire', fired === 0 ? null : statements / fired);
      log(
        `${counts.started}/${counts.expected} occurrences started over ${slots.length} s, ` +
          `lateness p50 ${lateness.p50 ?? '?'} ms p99 ${lateness.p99 ?? '?'} ms, missing ${counts.missing}, duplicated ${counts.duplicated}`,
      );
      return out.result();
    } finally {
      await cluster.close();
    }
  },
};
