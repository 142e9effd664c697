import { RunningState } from '@chaconne/contracts';
import { BenchCluster } from '../cluster';
import type { RunRow } from '../database';
import { noopJobBody, oneShotAt } from '../jobs';
import { countOccurrences, countRepeats, firstAttempts } from '../occurrences';
import type { BenchOptions } from '../options';
import { runSampler } from '../process-sampler';
import { sleep } from '@chaconne/testing';
import { RunRecorder, type FigureSpec, type Scenario } from '../scenario';
import { persistJobs, wholeSecondAfter } from '../setup-jobs';
import { latencySummary } from '../stats';

const YEAR_MS = 365 * 24 * 3600 * 1000;
/** How often the count of stored outcomes is polled: the resolution of "all outcomes stored". */
const POLL_MS = 50;

export const BURST_FIGURES: readonly FigureSpec[] = [
  {
    key: 'allStartedS',
    label: 'due second -> all handlers started',
    unit: 's',
    target: { op: '<=', value: 3 },
    anchor: 'xcron: 10,000 parallel tasks executed within 12 s',
  },
  {
    key: 'allStoredS',
    label: 'due second -> all outcomes stored',
    unit: 's',
    target: { op: '<=', value: 5 },
  },
  { key: 'throughput', label: 'burst throughput (jobs / time to all stored)', unit: 'jobs/s' },
  { key: 'latenessP50Ms', label: 'lateness p50 (handler start - due)', unit: 'ms' },
  { key: 'latenessP99Ms', label: 'lateness p99', unit: 'ms' },
  { key: 'latenessMaxMs', label: 'lateness max', unit: 'ms' },
  { key: 'missing', label: 'missing runs (no handler start)', unit: '', target: { op: '=', value: 0 } },
  { key: 'duplicated', label: 'duplicated runs (MySQL)', unit: '', target: { op: '=', value: 0 } },
  {
    key: 'duplicatedExecutions',
    label: 'duplicated handler executions (workers)',
    unit: '',
    target: { op: '=', value: 0 },
  },
  { key: 'failed', label: 'runs FAILED (e.g. no worker available)', unit: '', target: { op: '=', value: 0 } },
  { key: 'statementsPerJob', label: 'MySQL statements per job, due -> all stored (shared server)', unit: '' },
  { key: 'managerCpuPct', label: 'manager CPU, due -> all stored', unit: '% of a core' },
  { key: 'workersCpuPct', label: 'workers CPU (both)', unit: '% of a core' },
  { key: 'mariadbCpuPct', label: 'MariaDB CPU (shared server)', unit: '% of a core' },
  { key: 'redisCpuPct', label: 'Redis CPU (shared server)', unit: '% of a core' },
  { key: 'othersCpuPct', label: 'CPU of other processes on the machine (not the run)', unit: '% of a core' },
  {
    key: 'managerPeakRssMb',
    label: 'manager peak RSS',
    unit: 'MB',
    anchor: 'xcron: 131 MB RES (10,000 parallel tasks)',
  },
  { key: 'persistRate', label: 'set-up: persistJob rate (100 in flight)', unit: 'jobs/s' },
];

/**
 * Burst: `jobs` one-shot NoopJob jobs due at the same whole second D, one manager and
 * `workers` worker processes. D is chosen after timing a small calibration batch, so all
 * jobs are persisted before it (the calibration jobs are due a year ahead and never fire).
 */
export const burstScenario: Scenario = {
  name: 'burst',
  title: 'Burst: one-shot jobs due at the same second',
  figures: BURST_FIGURES,
  async run(options: BenchOptions, { log }) {
    const { jobs, workers, persistConcurrency } = options.burst;
    const out = new RunRecorder(BURST_FIGURES);
    const cluster = await BenchCluster.start(options, { managers: 1, workers });
    try {
      const api = cluster.api();
      const calibration = Math.min(200, Math.max(20, Math.floor(jobs / 10)));
      const calibrationRate = await persistJobs(api, calibration, persistConcurrency, (i) =>
        noopJobBody(`calibrate-${i}`, oneShotAt(Date.now() + YEAR_MS)),
      );
      // Two thirds of the calibrated (cold) rate plus 5 s: persisting must end before the due second.
      const dueMs = wholeSecondAfter((jobs / calibrationRate) * 1500 + 5_000);
      log(
        `persisting ${jobs} jobs due at ${new Date(dueMs).toISOString()} (calibrated ${Math.round(calibrationRate)} jobs/s)`,
      );
      const persistRate = await persistJobs(api, jobs, persistConcurrency, (i) =>
        noopJobBody(`burst-${i}`, oneShotAt(dueMs)),
      );
      out.set('persistRate', persistRate);
      if (Date.now() > dueMs - 500)
        throw new Error(
          `persisting ended ${Date.now() - dueMs} ms after the due second; the burst was not measured`,
        );

      const sampler = runSampler({ manager: cluster.managerPids, workers: cluster.workerPids });
      await sleep(dueMs - Date.now());
      const statementsBefore = await cluster.db.statementsSoFar();
      sampler.start();
      const deadline = dueMs + 120_000 + jobs * 5;
      let storedAt: number | null = null;
      let polls = 0;
      while (Date.now() < deadline) {
        polls++;
        const stored = await cluster.db.count(
          'SELECT COUNT(*) AS n FROM chac_job_run WHERE running_state <> ? AND attempt = 0',
          [RunningState.RUNNING],
        );
        if (stored >= jobs) {
          storedAt = Date.now();
          break;
        }
        await sleep(POLL_MS);
      }
      const usage = sampler.stop();
      // Less this loop's own polls (and the two status queries).
      const statements = (await cluster.db.statementsSoFar()) - statementsBefore - polls - 2;
      out.set('statementsPerJob', statements / jobs);
      if (storedAt === null)
        out.note(
          `not every outcome was stored within ${Math.round((deadline - dueMs) / 1000)} s of the due second`,
        );
      out.set('allStoredS', storedAt === null ? null : (storedAt - dueMs) / 1000);
      out.set('throughput', storedAt === null ? null : jobs / Math.max(0.001, (storedAt - dueMs) / 1000));
      out.set('managerCpuPct', usage.manager?.cpuPercent ?? null);
      out.set('workersCpuPct', usage.workers?.cpuPercent ?? null);
      out.set('mariadbCpuPct', usage.mariadb?.cpuPercent ?? null);
      out.set('redisCpuPct', usage.redis?.cpuPercent ?? null);
      out.set('managerPeakRssMb', usage.manager?.peakRssMb ?? null);
      out.set('othersCpuPct', usage.others?.cpuPercent ?? null);

      await cluster.stopWorkers();
      const jobIds = (
        await cluster.db.query<{ job_id: number }>(
          `SELECT job_id FROM chac_job_detail WHERE job_name LIKE 'burst-%'`,
        )
      ).map((r) => r.job_id);
      const rows = await cluster.db.query<RunRow>(
        'SELECT job_id, planned_at, attempt, running_state, started_at FROM chac_job_run',
      );
      const counts = countOccurrences(jobIds, [dueMs], firstAttempts(rows));
      const lateness = latencySummary(counts.latenessMs);
      out.set('allStartedS', lateness.max === null ? null : lateness.max / 1000);
      out.set('latenessP50Ms', lateness.p50);
      out.set('latenessP99Ms', lateness.p99);
      out.set('latenessMaxMs', lateness.max);
      out.set('missing', counts.missing);
      out.set('duplicated', counts.duplicated);
      out.set(
        'duplicatedExecutions',
        countRepeats(cluster.executions(), (e) => `${e.jobId}@${e.plannedAtMs}@${e.attempt}`),
      );
      out.set('failed', rows.filter((r) => r.running_state === RunningState.FAILED).length);
      if (jobIds.length !== jobs) out.note(`${jobIds.length} burst jobs stored, ${jobs} persisted`);
      log(
        `all started +${lateness.max ?? '?'} ms, all stored +${storedAt === null ? '?' : storedAt - dueMs} ms, ` +
          `missing ${counts.missing}, duplicated ${counts.duplicated}`,
      );
      return out.result();
    } finally {
      await cluster.close();
    }
  },
};
