import { randomBytes } from 'node:crypto';
import { type Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { forEachBounded } from '../admin-api';
import { countOccurrences, type Occurrence, secondsBetween } from '../occurrences';
import type { BenchOptions, ScenarioName } from '../options';
import { runSampler } from '../process-sampler';
import { sleep } from '@chaconne/testing';
import { deletePrefix } from '../redis-store';
import {
  RunRecorder,
  type FigureSpec,
  type RunResult,
  type Scenario,
  type ScenarioContext,
} from '../scenario';
import { wholeSecondAfter } from '../setup-jobs';
import { latencySummary } from '../stats';
import { edgeMs } from '../every-second-load';

/**
 * The manager's fire-queue settings (apps/manager/src/modules/schedule/fire-queue.service.ts):
 * the same job options and the default CHACONNE_FIRE_CONCURRENCY, so BullMQ gets the same
 * knobs the manager gives it.
 */
const FIRE_CONCURRENCY = 64;
const JOB_OPTIONS = {
  removeOnComplete: true,
  removeOnFail: { count: 1000 },
  attempts: 5,
  backoff: { type: 'exponential', delay: 500 },
} as const;

const FIGURES: readonly FigureSpec[] = [
  {
    key: 'burstRatio',
    label: 'burst throughput, Chaconne / BullMQ',
    unit: '×',
    target: { op: '>=', value: 0.5 },
  },
  { key: 'bullBurstAllStartedS', label: 'BullMQ burst: due -> all processors started', unit: 's' },
  { key: 'bullBurstAllProcessedS', label: 'BullMQ burst: due -> all completed', unit: 's' },
  { key: 'bullBurstThroughput', label: 'BullMQ burst throughput', unit: 'jobs/s' },
  { key: 'bullBurstLatenessP99Ms', label: 'BullMQ burst lateness p99', unit: 'ms' },
  { key: 'bullBurstMissing', label: 'BullMQ burst missing', unit: '' },
  { key: 'bullBurstDuplicated', label: 'BullMQ burst duplicated', unit: '' },
  { key: 'bullBurstCpuPct', label: 'BullMQ burst: bench process CPU (queue + worker)', unit: '% of a core' },
  { key: 'bullBurstRedisCpuPct', label: 'BullMQ burst: Redis CPU (shared server)', unit: '% of a core' },
  {
    key: 'bullBurstOthersCpuPct',
    label: 'BullMQ burst: CPU of other processes on the machine',
    unit: '% of a core',
  },
  { key: 'sustainedRatio', label: 'sustained fires/s, Chaconne / BullMQ', unit: '×' },
  { key: 'bullSustainedFiresPerSecond', label: 'BullMQ sustained fires per second', unit: '/s' },
  { key: 'bullSustainedLatenessP50Ms', label: 'BullMQ sustained lateness p50', unit: 'ms' },
  { key: 'bullSustainedLatenessP99Ms', label: 'BullMQ sustained lateness p99', unit: 'ms' },
  { key: 'bullSustainedLatenessMaxMs', label: 'BullMQ sustained lateness max', unit: 'ms' },
  { key: 'bullSustainedMissing', label: 'BullMQ sustained missing', unit: '' },
  { key: 'bullSustainedDuplicated', label: 'BullMQ sustained duplicated', unit: '' },
  { key: 'bullSustainedCpuPct', label: 'BullMQ sustained: bench process CPU', unit: '% of a core' },
  {
    key: 'bullSustainedRedisCpuPct',
    label: 'BullMQ sustained: Redis CPU (shared server)',
    unit: '% of a core',
  },
  {
    key: 'bullSustainedOthersCpuPct',
    label: 'BullMQ sustained: CPU of other processes on the machine',
    unit: '% of a core',
  },
];

/** A BullMQ queue and a no-op worker in this process, under a prefix of their own. */
class Substrate {
  readonly prefix = `bullbench_${randomBytes(4).toString('hex')}`;
  private readonly queueConnection: Redis;
  private readonly workerConnection: Redis;
  readonly queue: Queue;
  private worker: Worker | undefined;

  constructor(
    private readonly options: BenchOptions,
    private readonly name: string,
  ) {
    this.queueConnection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
    this.workerConnection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
    this.queue = new Queue(name, { connection: this.queueConnection, prefix: this.prefix });
  }

  /** Starts the no-op worker; `onStart` sees every job as its processor starts. */
  work(onStart: (job: Job, startedMs: number) => void): Worker {
    this.worker = new Worker(
      this.name,
      (job) => {
        onStart(job, Date.now());
        return Promise.resolve();
      },
      { connection: this.workerConnection, prefix: this.prefix, concurrency: FIRE_CONCURRENCY },
    );
    return this.worker;
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
    const cleaner = new Redis(this.options.redisUrl);
    try {
      await deletePrefix(cleaner, this.prefix);
    } finally {
      await cleaner.quit();
    }
    await Promise.all([this.queueConnection.quit(), this.workerConnection.quit()]);
  }
}

/** Burst through plain BullMQ: `jobs` delayed jobs due at the same whole second. */
export async function bullmqBurst(
  options: BenchOptions,
  jobs: number,
  out: RunRecorder,
  log: (m: string) => void,
): Promise<void> {
  const substrate = new Substrate(options, 'burst');
  try {
    const starts = new Map<string, number>();
    // Mutated by the worker's callbacks (an object, so the loop below sees the updates).
    const progress: { invocations: number; completed: number; doneAt: number | null } = {
      invocations: 0,
      completed: 0,
      doneAt: null,
    };
    substrate
      .work((job, startedMs) => {
        progress.invocations++;
        if (job.id !== undefined && !starts.has(job.id)) starts.set(job.id, startedMs);
      })
      .on('completed', () => {
        if (++progress.completed === jobs) progress.doneAt = Date.now();
      });
    // addBulk takes well under a second per 10,000 jobs here; 5 s of margin on top.
    const dueMs = wholeSecondAfter(5_000 + jobs * 0.5);
    for (let from = 0; from < jobs; from += 1000) {
      const batch = Array.from({ length: Math.min(1000, jobs - from) }, (_, k) => ({
        name: 'fire',
        data: { i: from + k },
        opts: { ...JOB_OPTIONS, jobId: `burst-${from + k}`, delay: Math.max(0, dueMs - Date.now()) },
      }));
      await substrate.queue.addBulk(batch);
    }
    if (Date.now() > dueMs - 500) throw new Error('adding the BullMQ jobs ended after the due second');
    const sampler = runSampler({});
    await sleep(dueMs - Date.now());
    sampler.start();
    const deadline = dueMs + 120_000 + jobs * 5;
    while (progress.doneAt === null && Date.now() < deadline) await sleep(10);
    const usage = sampler.stop();
    const { doneAt } = progress;

    const counts = countOccurrences(
      Array.from({ length: jobs }, (_, i) => `burst-${i}`),
      [dueMs],
      [...starts].map(([key, startedMs]): Occurrence => ({ key, plannedMs: dueMs, startedMs })),
    );
    const lateness = latencySummary(counts.latenessMs);
    out.set('bullBurstAllStartedS', lateness.max === null ? null : lateness.max / 1000);
    out.set('bullBurstAllProcessedS', doneAt === null ? null : (doneAt - dueMs) / 1000);
    out.set('bullBurstThroughput', doneAt === null ? null : jobs / Math.max(0.001, (doneAt - dueMs) / 1000));
    out.set('bullBurstLatenessP99Ms', lateness.p99);
    out.set('bullBurstMissing', counts.missing);
    out.set('bullBurstDuplicated', progress.invocations - starts.size);
    out.set('bullBurstCpuPct', usage.bench?.cpuPercent ?? null);
    out.set('bullBurstRedisCpuPct', usage.redis?.cpuPercent ?? null);
    out.set('bullBurstOthersCpuPct', usage.others?.cpuPercent ?? null);
    log(
      `BullMQ burst: all started +${lateness.max ?? '?'} ms, all completed +${doneAt === null ? '?' : doneAt - dueMs} ms`,
    );
  } finally {
    await substrate.close();
  }
}

/** Sustained through plain BullMQ: `jobs` job schedulers every second for `seconds`. */
async function bullmqSustained(
  options: BenchOptions,
  jobs: number,
  seconds: number,
  out: RunRecorder,
  log: (m: string) => void,
): Promise<void> {
  const substrate = new Substrate(options, 'sustained');
  try {
    const occurrences: Occurrence[] = [];
    substrate.work((job, startedMs) => {
      const plannedMs = (job.opts as { prevMillis?: number }).prevMillis;
      if (job.repeatJobKey !== undefined && plannedMs !== undefined)
        occurrences.push({ key: job.repeatJobKey, plannedMs, startedMs });
    });
    await forEachBounded(jobs, 100, async (i) => {
      await substrate.queue.upsertJobScheduler(
        `sustained-${i}`,
        { pattern: '* * * * * *' },
        { name: 'fire', opts: JOB_OPTIONS },
      );
    });
    const startMs = Date.now();
    const sampler = runSampler({}).start();
    await sleep(seconds * 1000);
    const endMs = Date.now();
    const usage = sampler.stop();
    await forEachBounded(jobs, 100, async (i) => {
      await substrate.queue.removeJobScheduler(`sustained-${i}`);
    });
    const slots = secondsBetween(startMs + edgeMs(seconds), endMs - edgeMs(seconds));
    const counts = countOccurrences(
      Array.from({ length: jobs }, (_, i) => `sustained-${i}`),
      slots,
      occurrences,
    );
    const lateness = latencySummary(counts.latenessMs);
    out.set('bullSustainedFiresPerSecond', slots.length === 0 ? null : counts.started / slots.length);
    out.set('bullSustainedLatenessP50Ms', lateness.p50);
    out.set('bullSustainedLatenessP99Ms', lateness.p99);
    out.set('bullSustainedLatenessMaxMs', lateness.max);
    out.set('bullSustainedMissing', counts.missing);
    out.set('bullSustainedDuplicated', counts.duplicated);
    out.set('bullSustainedCpuPct', usage.bench?.cpuPercent ?? null);
    out.set('bullSustainedRedisCpuPct', usage.redis?.cpuPercent ?? null);
    out.set('bullSustainedOthersCpuPct', usage.others?.cpuPercent ?? null);
    log(
      `BullMQ sustained: ${counts.started}/${counts.expected} over ${slots.length} s, lateness p50 ${lateness.p50 ?? '?'} ms p99 ${lateness.p99 ?? '?'} ms`,
    );
  } finally {
    await substrate.close();
  }
}

/** What plain BullMQ did with delayed jobs due every second. */
export interface DelayedEverySecond {
  latenessP50Ms: number | null;
  latenessP99Ms: number | null;
  latenessMaxMs: number | null;
  missing: number;
  duplicated: number;
}

/**
 * `jobs` plain BullMQ delayed jobs due at every whole second of a `seconds` window (all added
 * before the first is due, each with its own id), a no-op worker with the manager's
 * concurrency; lateness is the processor start minus the due time.
 */
export async function bullmqDelayedEverySecond(
  options: BenchOptions,
  jobs: number,
  seconds: number,
  log: (m: string) => void,
): Promise<DelayedEverySecond> {
  const substrate = new Substrate(options, 'light');
  try {
    const occurrences: Occurrence[] = [];
    substrate.work((job, startedMs) => {
      const { key, plannedMs } = job.data as { key: string; plannedMs: number };
      occurrences.push({ key, plannedMs, startedMs });
    });
    const startMs = wholeSecondAfter(2_000);
    const slots = secondsBetween(startMs + edgeMs(seconds), startMs + seconds * 1000 - edgeMs(seconds));
    const keys = Array.from({ length: jobs }, (_, i) => `light-${i}`);
    for (const plannedMs of slots) {
      await substrate.queue.addBulk(
        keys.map((key) => ({
          name: 'fire',
          data: { key, plannedMs },
          opts: { ...JOB_OPTIONS, jobId: `${key}@${plannedMs}`, delay: Math.max(0, plannedMs - Date.now()) },
        })),
      );
    }
    const last = slots[slots.length - 1] ?? startMs;
    await sleep(Math.max(0, last + 2_000 - Date.now()));
    const counts = countOccurrences(keys, slots, occurrences);
    const lateness = latencySummary(counts.latenessMs);
    log(
      `BullMQ delayed: ${counts.started}/${counts.expected} over ${slots.length} s, lateness p50 ${lateness.p50 ?? '?'} ms p99 ${lateness.p99 ?? '?'} ms`,
    );
    return {
      latenessP50Ms: lateness.p50,
      latenessP99Ms: lateness.p99,
      latenessMaxMs: lateness.max,
      missing: counts.missing,
      duplicated: counts.duplicated,
    };
  } finally {
    await substrate.close();
  }
}

/** Chaconne's figure of the same run index of `scenario` in this invocation, if it ran. */
function ours(context: ScenarioContext, scenario: ScenarioName, key: string): number | null {
  return context.earlier.get(scenario)?.[context.runIndex]?.figures[key] ?? null;
}

function ratio(numerator: number | null, denominator: number | null): number | null {
  return numerator === null || denominator === null || denominator === 0 ? null : numerator / denominator;
}

/**
 * Substrate: the burst and sustained loads pushed through plain BullMQ (delayed jobs, job
 * schedulers, a no-op Worker in this process) on the same Redis; Chaconne's throughput
 * as a ratio of it, paired run by run with the burst and sustained runs of this invocation.
 */
export const substrateScenario: Scenario = {
  name: 'substrate',
  title: 'Substrate: the same loads through plain BullMQ',
  figures: FIGURES,
  async run(options: BenchOptions, context): Promise<RunResult> {
    const out = new RunRecorder(FIGURES);
    const { loads, burstJobs, sustainedJobs, seconds } = options.substrate;
    if (loads.includes('burst')) {
      await bullmqBurst(options, burstJobs, out, context.log);
      out.set(
        'burstRatio',
        ratio(ours(context, 'burst', 'throughput'), out.figures.bullBurstThroughput ?? null),
      );
      if (!context.earlier.has('burst'))
        out.note('burstRatio needs the burst scenario in the same invocation');
    }
    if (loads.includes('sustained')) {
      await bullmqSustained(options, sustainedJobs, seconds, out, context.log);
      out.set(
        'sustainedRatio',
        ratio(ours(context, 'sustained', 'firesPerSecond'), out.figures.bullSustainedFiresPerSecond ?? null),
      );
      if (!context.earlier.has('sustained'))
        out.note('sustainedRatio needs the sustained scenario in the same invocation');
    }
    return out.result();
  },
};
