import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { type Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { MANAGER_CONFIG, type ManagerConfig } from '../../config/manager-config';
import { redisOptions } from '../redis/redis.module';
import { repeatStrategy, toRepeatPattern } from '../trigger/repeat-strategy';
import type { TriggerPlan } from '../trigger/trigger-plan';

/** What a fire carries. No secrets: payloads sit in Redis in clear. */
export interface FireJobData {
  jobId: number;
  /** Trigger revision the scheduler was created from (recurring fires). */
  revision?: number;
  /** Planned occurrence for one-shot fires (epoch ms). */
  plannedAt?: number;
  /** A run that exists and waits to be sent: a retry after its backoff, or a queued run. */
  runId?: number;
}

export interface Fire {
  jobId: number;
  plannedAt: number;
  /** true for a recurring schedule's tick (misfire handling applies). */
  recurring: boolean;
  /**
   * When the queue handed the tick over (epoch ms). BullMQ schedules a recurring job's
   * next tick after this moment, so the occurrences between the tick and it get none.
   */
  activatedAt?: number;
  /** Set when the fire launches an existing run (retry, queued run) instead of an occurrence. */
  runId?: number;
}

export type FireProcessor = (fire: Fire) => Promise<void>;

export interface RecurringSchedule {
  jobId: number;
  revision: number | null;
}

const QUEUE_NAME = 'fire';
const FIRE_LOCK_MS = 10_000;
const SCHEDULER_PREFIX = 'job-';
const JOB_OPTIONS = {
  removeOnComplete: true,
  removeOnFail: { count: 1000 },
  // A fire that failed on a MySQL or Redis blip is tried again; the run's unique key keeps it single.
  attempts: 5,
  backoff: { type: 'exponential', delay: 500 },
} as const;

/**
 * The one seam to BullMQ: recurring schedules (one job scheduler per job), one-shot
 * delayed fires, and the worker that consumes fires. Nothing else imports bullmq.
 */
@Injectable()
export class FireQueue implements OnApplicationShutdown {
  private readonly logger = new Logger(FireQueue.name);
  private readonly connection: Redis;
  private readonly queue: Queue<FireJobData>;
  private worker: Worker<FireJobData> | null = null;
  private workerConnection: Redis | null = null;

  constructor(@Inject(MANAGER_CONFIG) private readonly config: ManagerConfig) {
    this.connection = new Redis(config.redisUrl, redisOptions(config.redisUrl));
    this.queue = new Queue<FireJobData>(QUEUE_NAME, {
      connection: this.connection,
      prefix: config.prefix,
      settings: { repeatStrategy: repeatStrategy(config.timeZone) },
    });
    this.queue.on('error', (error) => {
      this.logger.warn(`queue: ${error.message}`);
    });
  }

  async upsertRecurring(
    jobId: number,
    plan: Extract<TriggerPlan, { kind: 'cron' | 'fixedRate' }>,
    revision: number,
  ): Promise<void> {
    const startMs = plan.kind === 'cron' ? plan.startMs : plan.anchorMs;
    await this.queue.upsertJobScheduler(
      `${SCHEDULER_PREFIX}${jobId}`,
      {
        pattern: toRepeatPattern(plan),
        ...(plan.kind === 'cron' ? { tz: plan.timeZone } : {}),
        ...(startMs ? { startDate: startMs } : {}),
      },
      { name: QUEUE_NAME, data: { jobId, revision }, opts: JOB_OPTIONS },
    );
  }

  async removeRecurring(jobId: number): Promise<void> {
    await this.queue.removeJobScheduler(`${SCHEDULER_PREFIX}${jobId}`);
  }

  async listRecurring(): Promise<RecurringSchedule[]> {
    const schedulers = await this.queue.getJobSchedulers(0, -1);
    const result: RecurringSchedule[] = [];
    for (const scheduler of schedulers) {
      if (!scheduler.key.startsWith(SCHEDULER_PREFIX)) continue;
      result.push({
        jobId: Number(scheduler.key.slice(SCHEDULER_PREFIX.length)),
        revision: scheduler.template?.data?.revision ?? null,
      });
    }
    return result;
  }

  /** A single fire at `atMs`; idempotent per (job, occurrence) through the BullMQ job id. */
  async enqueueOnce(jobId: number, atMs: number, kind: 'once' | 'delay' = 'once'): Promise<void> {
    await this.queue.add(
      QUEUE_NAME,
      { jobId, plannedAt: atMs },
      { ...JOB_OPTIONS, jobId: `${kind}-${jobId}-${atMs}`, delay: Math.max(0, atMs - Date.now()) },
    );
  }

  /** Launches an existing run at `atMs` (a retry after its backoff, a queued run); idempotent per run. */
  async enqueueLaunch(jobId: number, runId: number, atMs: number): Promise<void> {
    await this.queue.add(
      QUEUE_NAME,
      { jobId, runId, plannedAt: atMs },
      { ...JOB_OPTIONS, jobId: `run-${runId}`, delay: Math.max(0, atMs - Date.now()) },
    );
  }

  /**
   * Whether Redis still holds every one-shot fire added since the last full reconcile: a
   * marker that a flush or a restart without persistence takes away with them.
   */
  async oneShotsIntact(): Promise<boolean> {
    return (await this.connection.exists(this.intactKey)) === 1;
  }

  async markOneShotsIntact(intact: boolean): Promise<void> {
    if (intact) await this.connection.set(this.intactKey, String(Date.now()));
    else await this.connection.del(this.intactKey);
  }

  private get intactKey(): string {
    return `${this.config.prefix}:chac:one-shots-intact`;
  }

  /** Starts consuming fires on this manager; BullMQ hands each fire to exactly one manager. */
  start(processor: FireProcessor): void {
    if (this.worker) return;
    this.workerConnection = new Redis(this.config.redisUrl, redisOptions(this.config.redisUrl));
    this.worker = new Worker<FireJobData>(
      QUEUE_NAME,
      async (job) =>
        processor({
          jobId: job.data.jobId,
          plannedAt: plannedAtOf(job),
          recurring: job.repeatJobKey !== undefined,
          ...(job.processedOn === undefined ? {} : { activatedAt: job.processedOn }),
          ...(job.data.runId === undefined ? {} : { runId: job.data.runId }),
        }),
      {
        connection: this.workerConnection,
        prefix: this.config.prefix,
        concurrency: this.config.fireConcurrency,
        // A fire held by a manager that died goes back to the queue within ~15 s (BullMQ's
        // defaults, 30 s each, meant up to 90 s). Fires take milliseconds, and a fire run
        // twice by a falsely stalled lock is a no-op thanks to the run's unique key.
        lockDuration: FIRE_LOCK_MS,
        stalledInterval: FIRE_LOCK_MS / 2,
        settings: { repeatStrategy: repeatStrategy(this.config.timeZone) },
      },
    );
    this.worker.on('error', (error) => {
      this.logger.warn(`worker: ${error.message}`);
    });
    this.worker.on('failed', (job, error) => {
      this.logger.warn(
        `fire ${job?.id ?? '?'} failed (attempt ${job?.attemptsMade ?? '?'}): ${error.message}`,
      );
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
    for (const connection of [this.workerConnection, this.connection]) {
      if (connection)
        await connection.quit().catch(() => {
          connection.disconnect();
        });
    }
  }
}

/** The occurrence a fire belongs to: the scheduler's slot, else the one-shot's planned time. */
function plannedAtOf(job: Job<FireJobData>): number {
  const prevMillis = (job.opts as { prevMillis?: number }).prevMillis;
  if (job.repeatJobKey && typeof prevMillis === 'number') return prevMillis;
  if (typeof job.data.plannedAt === 'number') return job.data.plannedAt;
  return job.timestamp + (job.opts.delay ?? 0);
}
