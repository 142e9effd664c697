import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { MANAGER_CONFIG, type ManagerConfig } from '../../config/manager-config';
import { redisOptions } from '../redis/redis.module';

/** What a fire carries. No secrets: payloads sit in Redis in clear. Kept short (see below). */
export interface FireJobData {
  jobId: number;
  /** The occurrence (epoch ms); absent on a run launch. */
  plannedAt?: number;
  /** Set on a recurring schedule's tick. */
  recurring?: true;
  /** A run that exists and waits to be sent: a retry after its backoff, or a queued run. */
  runId?: number;
  /** Epoch ms since when every instance refused the run at its concurrency limit (a capacity wait). */
  waitingSince?: number;
}

export interface Fire {
  jobId: number;
  plannedAt: number;
  /** true for a recurring schedule's tick (misfire handling applies, and it queues the next tick). */
  recurring: boolean;
  /** Set when the fire launches an existing run (retry, queued run) instead of an occurrence. */
  runId?: number;
  /** A launch of a run waiting for capacity: since when it waits. */
  waitingSince?: number;
}

export type FireProcessor = (fire: Fire) => Promise<void>;

/** Kinds of fire: a recurring tick, a one-shot, a fixed-delay occurrence. */
export type FireKind = 'tick' | 'once' | 'delay';
const ID_LETTER: Readonly<Record<FireKind, string>> = { tick: 't', once: 'o', delay: 'd' };

/**
 * A fire's BullMQ job id: one per (job, occurrence), so a fire queued twice (two managers,
 * a reconcile pass) is one fire. Base 36 keeps it short: BullMQ stores a job's options
 * (which hold the id) as one hash field, and Redis keeps a hash whose values are all
 * under 64 bytes in its compact encoding, about a third of the size (BENCHMARKS.md).
 */
export function fireJobId(kind: FireKind, jobId: number, atMs: number): string {
  return `${fireJobIdPrefix(kind, jobId)}${atMs.toString(36)}`;
}

/** What every fire id of this kind and job starts with (the occurrence follows, in base 36). */
export function fireJobIdPrefix(kind: FireKind, jobId: number): string {
  return `${ID_LETTER[kind]}${jobId.toString(36)}.`;
}

const QUEUE_NAME = 'fire';
const FIRE_LOCK_MS = 10_000;
/**
 * A fire that fails (a MySQL or Redis blip) is tried again within the same delivery, after
 * 0.5, 1, 2 and 4 s; the run's unique key keeps it single. Done here rather than with
 * BullMQ's `attempts`, so that fires carry no job options and stay small in Redis.
 */
const FIRE_ATTEMPTS = 5;
const FIRE_RETRY_BASE_MS = 500;

/**
 * The one seam to BullMQ: delayed fires (each recurring job has exactly its next tick
 * queued, and each tick queues the one after it), and the worker that consumes them.
 * Nothing else imports bullmq.
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
    this.queue = new Queue<FireJobData>(QUEUE_NAME, { connection: this.connection, prefix: config.prefix });
    this.queue.on('error', (error) => {
      this.logger.warn(`queue: ${error.message}`);
    });
  }

  /**
   * Queues a fire of occurrence `atMs` (a recurring tick, a one-shot, a fixed-delay
   * occurrence); idempotent per (job, occurrence) while it waits.
   */
  async enqueue(kind: FireKind, jobId: number, atMs: number): Promise<void> {
    const data: FireJobData =
      kind === 'tick' ? { jobId, plannedAt: atMs, recurring: true } : { jobId, plannedAt: atMs };
    await this.queue.add(QUEUE_NAME, data, {
      jobId: fireJobId(kind, jobId, atMs),
      delay: this.delayOf(atMs),
    });
  }

  /**
   * Fires are due the dispatch lead before their time: the run is claimed and sent ahead,
   * and its worker starts it on time (README, "On time").
   */
  private delayOf(atMs: number): number {
    return Math.max(0, atMs - this.config.dispatchLeadMs - Date.now());
  }

  /**
   * Like {@link enqueue}, for an occurrence whose fire may have failed for good (kept among
   * the failed fires, its id would make a new one a no-op): that one is removed first.
   */
  async enqueueAgain(kind: FireKind, jobId: number, atMs: number): Promise<void> {
    const failed = await this.queue.getJob(fireJobId(kind, jobId, atMs));
    if (failed && (await failed.isFailed())) await failed.remove();
    await this.enqueue(kind, jobId, atMs);
  }

  /** Takes a waiting fire out of the queue (not one being handled: that one finds its job inactive). */
  async drop(kind: FireKind, jobId: number, atMs: number): Promise<void> {
    await this.queue.remove(fireJobId(kind, jobId, atMs));
  }

  /** Launches an existing run at `atMs` (a retry after its backoff, a queued run); idempotent per run. */
  async enqueueLaunch(jobId: number, runId: number, atMs: number): Promise<void> {
    await this.queue.add(
      QUEUE_NAME,
      { jobId, runId, plannedAt: atMs },
      { jobId: `r${runId.toString(36)}`, delay: this.delayOf(atMs) },
    );
  }

  /**
   * Launches again, at `atMs`, a run every instance refused at its concurrency limit; it
   * waits since `waitingSince`. One fire per (run, time): the launch being handled still
   * holds the run's own id.
   */
  async enqueueCapacityLaunch(
    jobId: number,
    runId: number,
    atMs: number,
    waitingSince: number,
  ): Promise<void> {
    await this.queue.add(
      QUEUE_NAME,
      { jobId, runId, plannedAt: atMs, waitingSince },
      { jobId: `w${runId.toString(36)}.${atMs.toString(36)}`, delay: Math.max(0, atMs - Date.now()) },
    );
  }

  /**
   * When the last full reconcile pass ended, if Redis kept everything since: a marker that a
   * flush or a restart without persistence takes away with the fires, and that any failed
   * fire or schedule write deletes. null: Redis may have lost fires.
   */
  async intactSince(): Promise<number | null> {
    const value = await this.connection.get(this.intactKey);
    return value === null ? null : Number(value);
  }

  async markIntact(intact: boolean): Promise<void> {
    if (intact) await this.connection.set(this.intactKey, String(Date.now()));
    else await this.connection.del(this.intactKey);
  }

  private get intactKey(): string {
    return `${this.config.prefix}:chac:schedules-intact`;
  }

  /** Starts consuming fires on this manager; BullMQ hands each fire to exactly one manager. */
  start(processor: FireProcessor): void {
    if (this.worker) return;
    this.workerConnection = new Redis(this.config.redisUrl, redisOptions(this.config.redisUrl));
    this.worker = new Worker<FireJobData>(
      QUEUE_NAME,
      async (job) => {
        const fire: Fire = {
          jobId: job.data.jobId,
          plannedAt: job.data.plannedAt ?? job.timestamp + (job.opts.delay ?? 0),
          recurring: job.data.recurring === true,
          ...(job.data.runId === undefined ? {} : { runId: job.data.runId }),
          ...(job.data.waitingSince === undefined ? {} : { waitingSince: job.data.waitingSince }),
        };
        for (let attempt = 1; ; attempt++) {
          try {
            await processor(fire);
            return;
          } catch (error) {
            if (attempt >= FIRE_ATTEMPTS) {
              // A recurring tick that never ran queued no next tick: the next reconcile check
              // (not the next full pass) must repair it.
              await this.markIntact(false).catch(() => undefined);
              throw error;
            }
            this.logger.warn(
              `fire ${job.id ?? '?'} failed (attempt ${attempt}), trying again: ${(error as Error).message}`,
            );
            await sleep(FIRE_RETRY_BASE_MS * 2 ** (attempt - 1));
          }
        }
      },
      {
        connection: this.workerConnection,
        prefix: this.config.prefix,
        concurrency: this.config.fireConcurrency,
        // A fire held by a manager that died goes back to the queue within ~15 s (BullMQ's
        // defaults, 30 s each, meant up to 90 s). Fires take milliseconds, and a fire run
        // twice by a falsely stalled lock is a no-op thanks to the run's unique key.
        lockDuration: FIRE_LOCK_MS,
        stalledInterval: FIRE_LOCK_MS / 2,
        removeOnComplete: { count: 0 },
        removeOnFail: { count: 1000 },
      },
    );
    this.worker.on('error', (error) => {
      this.logger.warn(`worker: ${error.message}`);
    });
    this.worker.on('failed', (job, error) => {
      this.logger.error(`fire ${job?.id ?? '?'} failed ${FIRE_ATTEMPTS} times: ${error.message}`);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    // A queue closed while it still connects forgets its listeners, then reports the closed
    // connection as an 'error' nobody handles: let it finish connecting first (a manager that
    // refuses to start closes within milliseconds).
    await this.queue.waitUntilReady().catch(() => undefined);
    await this.queue.close();
    for (const connection of [this.workerConnection, this.connection]) {
      if (connection)
        await connection.quit().catch(() => {
          connection.disconnect();
        });
    }
  }
}

const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });
