import { BenchCluster } from '../cluster';
import { cronTrigger, noopJobBody } from '../jobs';
import type { BenchOptions } from '../options';
import { ProcessSampler, runSampler } from '../process-sampler';
import { sleep, waitFor } from '@chaconne/testing';
import { prefixFootprint, usedMemory } from '../redis-store';
import { RunRecorder, type FigureSpec, type Scenario } from '../scenario';
import { persistJobs } from '../setup-jobs';

/** Daily, twelve hours from now (UTC): every job is scheduled, none is due while the bench runs. */
function dormantCron(): string {
  return `0 0 ${(new Date().getUTCHours() + 12) % 24} * * ?`;
}

const FIGURES: readonly FigureSpec[] = [
  {
    key: 'managerRssMb',
    label: 'manager RSS, steady (peak over the window)',
    unit: 'MB',
    target: { op: '<=', value: 150 },
    anchor: 'xcron: 59-131 MB RES',
  },
  { key: 'managerPeakRssMb', label: 'manager peak RSS while jobs were created', unit: 'MB' },
  {
    key: 'restartedRssMb',
    label: 'manager started afresh on those jobs, after a full reconcile pass (peak over the window)',
    unit: 'MB',
  },
  { key: 'reconcileS', label: 'restarted manager: start -> full reconcile pass done', unit: 's' },
  { key: 'managerSteadyCpuPct', label: 'manager CPU, steady (nothing due)', unit: '% of a core' },
  { key: 'mariadbSteadyCpuPct', label: 'MariaDB CPU, steady (shared server)', unit: '% of a core' },
  { key: 'othersSteadyCpuPct', label: 'CPU of other processes on the machine, steady', unit: '% of a core' },
  {
    key: 'redisBytesPerJob',
    label: "Redis per job: MEMORY USAGE of the run's keys",
    unit: 'B',
    target: { op: '<=', value: 1024 },
    anchor: 'xcron: ~100 tasks per MB of raft log (~10 KB/task)',
  },
  { key: 'redisUsedMemoryPerJob', label: 'Redis per job: used_memory delta (shared server)', unit: 'B' },
  { key: 'redisKeysPerJob', label: 'Redis keys per job', unit: '' },
  { key: 'mysqlBytesPerJob', label: 'MySQL data + index per job (InnoDB estimate)', unit: 'B' },
  { key: 'persistRate', label: 'set-up: persistJob rate (100 in flight)', unit: 'jobs/s' },
  { key: 'scheduledS', label: 'last persist -> every schedule in Redis', unit: 's' },
];

/**
 * The footprint of the jobs without the ingest's: the manager is restarted with Redis's
 * marker of an intact schedule deleted (as after a Redis loss), so that it pages through
 * every job once at start; its RSS is then sampled over the steady window.
 */
async function measureRestart(cluster: BenchCluster, settleSeconds: number, out: RunRecorder): Promise<void> {
  const marker = `${cluster.stack.prefix}:chac:schedules-intact`;
  await cluster.redis.del(marker);
  const startedAt = Date.now();
  await cluster.restartManager(0, 600_000);
  const sampler = new ProcessSampler({ manager: cluster.managerPids }).start();
  await waitFor(
    'the restarted manager to finish its full reconcile pass',
    async () => ((await cluster.redis.exists(marker)) === 1 ? true : undefined),
    600_000,
    250,
  );
  out.set('reconcileS', (Date.now() - startedAt) / 1000);
  await sleep(settleSeconds * 1000);
  out.set('restartedRssMb', sampler.stop().manager?.peakRssMb ?? null);
}

/**
 * Footprint: `jobs` cron jobs defined and scheduled (none due during the run); once every
 * schedule is in Redis and a steady window has passed, the manager's RSS and what the
 * run's Redis keys take per job; then the RSS of a manager restarted on those jobs.
 */
export const footprintScenario: Scenario = {
  name: 'footprint',
  title: 'Footprint: many defined cron jobs',
  figures: FIGURES,
  async run(options: BenchOptions, { log }) {
    const { jobs, persistConcurrency, settleSeconds } = options.footprint;
    const out = new RunRecorder(FIGURES);
    const cluster = await BenchCluster.start(options, { managers: 1, workers: 0 });
    try {
      const { redis, stack } = cluster;
      const usedBefore = await usedMemory(redis);
      const keysBefore = await prefixFootprint(redis, stack.prefix);
      const sizeBefore = await cluster.db.sizeBytes();

      const cron = dormantCron();
      const loading = new ProcessSampler({ manager: cluster.managerPids }).start();
      const persistRate = await persistJobs(
        cluster.api(),
        jobs,
        persistConcurrency,
        (i) => noopJobBody(`footprint-${i}`, cronTrigger(cron)),
        (done) => {
          log(`${done} jobs persisted`);
        },
      );
      out.set('persistRate', persistRate);
      const persistedAt = Date.now();
      // One delayed fire (the next tick) per job, in the fire queue's `delayed` sorted set.
      await waitFor(
        `${jobs} ticks queued in Redis`,
        async () => ((await redis.zcard(`${stack.prefix}:fire:delayed`)) >= jobs ? true : undefined),
        600_000,
        500,
      );
      out.set('scheduledS', (Date.now() - persistedAt) / 1000);
      out.set('managerPeakRssMb', loading.stop().manager?.peakRssMb ?? null);

      const steady = runSampler({ manager: cluster.managerPids }).start();
      await sleep(settleSeconds * 1000);
      const usage = steady.stop();
      out.set('managerRssMb', usage.manager?.peakRssMb ?? null);
      out.set('managerSteadyCpuPct', usage.manager?.cpuPercent ?? null);
      out.set('mariadbSteadyCpuPct', usage.mariadb?.cpuPercent ?? null);
      out.set('othersSteadyCpuPct', usage.others?.cpuPercent ?? null);

      const keysAfter = await prefixFootprint(redis, stack.prefix);
      const usedAfter = await usedMemory(redis);
      const sizeAfter = await cluster.db.sizeBytes();
      await measureRestart(cluster, settleSeconds, out);
      out.set('redisBytesPerJob', (keysAfter.bytes - keysBefore.bytes) / jobs);
      out.set('redisKeysPerJob', (keysAfter.keys - keysBefore.keys) / jobs);
      out.set('redisUsedMemoryPerJob', (usedAfter - usedBefore) / jobs);
      out.set('mysqlBytesPerJob', (sizeAfter - sizeBefore) / jobs);
      out.note(`steady window: ${settleSeconds} s after every schedule was in Redis`);
      log(
        `manager RSS ${Math.round(usage.manager?.peakRssMb ?? 0)} MB, Redis ${Math.round(
          (keysAfter.bytes - keysBefore.bytes) / jobs,
        )} B/job in ${keysAfter.keys} keys`,
      );
      return out.result();
    } finally {
      await cluster.close();
    }
  },
};
