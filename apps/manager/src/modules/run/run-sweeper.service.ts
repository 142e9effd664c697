import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { RunningState } from '@chaconne/contracts';
import { DataSource } from 'typeorm';
import { MANAGER_CONFIG, type ManagerConfig } from '../../config/manager-config';
import { JobLifecycleService } from '../job-definition/job-lifecycle.service';
import { JobRuntimeRepository } from '../job-runtime/job-runtime.repository';
import { type PeriodicDuty, RedisLock } from '../redis/redis.module';
import {
  lossWindowMs,
  MISSED_BEATS,
  WorkerRegistryService,
} from '../worker-registry/worker-registry.service';
import { RunOutcomes } from './run-outcomes.service';
import { DEADLINE_GRACE_MS } from './run-store.service';

/** A run not sent this long after it was due lost its fire (manager stopped and Redis lost the job). */
const UNDISPATCHED_LIMIT_MS = 120_000;
/** How often one manager sweeps: deadlines and cool-downs are kept to about this precision. */
export const SWEEP_INTERVAL_MS = 1_000;
const BATCH = 500;

interface OpenRun {
  run_id: number | string;
  instance_id: string | null;
  dispatched_at: Date | null;
  due_at: Date;
  queued: number;
}

interface OverdueRun {
  run_id: number | string;
  deadline_at: Date;
  /** When its timeout began: its dispatch, or its start for a run sent ahead of it. */
  start_at: Date;
}

/**
 * No run stays RUNNING without an outcome, and the clock-driven policies happen on time.
 * One manager at a time, every second:
 * - a run past its deadline is cancelled on its worker and ends FAILED (timeout);
 * - a run whose worker stopped sending heartbeats ends FAILED (worker lost);
 * - a run never sent long after it was due ends FAILED;
 * - a frozen job whose cool-down is over is scheduled again.
 * Failed runs then follow the job's retry policy like any other failure.
 */
@Injectable()
export class RunSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RunSweeper.name);
  private readonly duty: PeriodicDuty;

  constructor(
    private readonly dataSource: DataSource,
    private readonly outcomes: RunOutcomes,
    private readonly registry: WorkerRegistryService,
    private readonly lifecycle: JobLifecycleService,
    private readonly runtime: JobRuntimeRepository,
    lock: RedisLock,
    @Inject(MANAGER_CONFIG) private readonly config: ManagerConfig,
  ) {
    this.duty = lock.periodic('sweep', SWEEP_INTERVAL_MS, () => this.sweep(), this.logger);
  }

  onApplicationBootstrap(): void {
    this.duty.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.duty.stop();
  }

  /** One sweep; answers how many runs it ended and jobs it thawed. */
  async sweep(now = Date.now()): Promise<{ timedOut: number; ended: number; thawed: number }> {
    const timedOut = await this.expireDeadlines(now);
    const ended = await this.endUnreachable(now);
    const thawed = await this.thaw(now);
    return { timedOut, ended, thawed };
  }

  /** Runs past their deadline: the worker is told to abort, the run ends FAILED (timeout). */
  private async expireDeadlines(now: number): Promise<number> {
    const overdue = await this.dataSource.query<OverdueRun[]>(
      `SELECT run_id, deadline_at, GREATEST(dispatched_at, COALESCE(not_before, planned_at)) AS start_at
         FROM chac_job_run
        WHERE running_state = ? AND deadline_at < ? ORDER BY deadline_at LIMIT ?`,
      [RunningState.RUNNING, new Date(now), BATCH],
    );
    let count = 0;
    for (const run of overdue) {
      const timeoutMs = run.deadline_at.getTime() - run.start_at.getTime() - DEADLINE_GRACE_MS;
      if (await this.outcomes.cancel(Number(run.run_id), `timeout after ${timeoutMs} ms`, 'timeout')) count++;
    }
    return count;
  }

  private async endUnreachable(now: number): Promise<number> {
    const lostAfterMs = lossWindowMs(this.config);
    // A run waiting for its turn (QUEUE_ONE) behind a run in flight is not overdue.
    const open = await this.dataSource.query<OpenRun[]>(
      `SELECT x.run_id, x.instance_id, x.dispatched_at, COALESCE(x.not_before, x.created_at) AS due_at,
              (q.job_id IS NOT NULL) AS queued
         FROM chac_job_run x
         LEFT JOIN chac_job_runtime_detail q
           ON q.job_id = x.job_id AND q.queued_run_id = x.run_id AND q.active_run_id IS NOT NULL
        WHERE x.running_state = ? AND x.created_at < ? ORDER BY x.created_at LIMIT ?`,
      [RunningState.RUNNING, new Date(now - lostAfterMs), BATCH],
    );
    const instances = [...new Set(open.flatMap((run) => (run.instance_id ? [run.instance_id] : [])))];
    const lost = await this.registry.lostInstances(instances, now);
    let ended = 0;
    for (const run of open) {
      const end = this.reasonToEnd(run, lost, now, lostAfterMs);
      if (!end) continue;
      const { accepted } = await this.outcomes.record(
        Number(run.run_id),
        { runningState: RunningState.FAILED, reason: end.reason, finishedAt: new Date(now) },
        { failure: end.failure },
      );
      if (!accepted) continue;
      ended++;
      this.logger.warn(`run ${String(run.run_id)}: ${end.reason}`);
    }
    return ended;
  }

  private reasonToEnd(
    run: OpenRun,
    lost: Set<string>,
    now: number,
    lostAfterMs: number,
  ): { reason: string; failure: 'worker-lost' | 'dispatch' } | null {
    if (run.instance_id && run.dispatched_at) {
      const silent = lost.has(run.instance_id) && now - run.dispatched_at.getTime() > lostAfterMs;
      return silent
        ? {
            reason: `worker lost: instance ${run.instance_id} missed ${MISSED_BEATS} heartbeats`,
            failure: 'worker-lost',
          }
        : null;
    }
    if (run.queued === 1) return null;
    return now - run.due_at.getTime() > UNDISPATCHED_LIMIT_MS
      ? {
          reason: 'not dispatched: the manager handling this fire stopped before sending it',
          failure: 'dispatch',
        }
      : null;
  }

  /** Frozen jobs whose cool-down is over are scheduled again. */
  private async thaw(now: number): Promise<number> {
    const due = await this.runtime.frozenJobsDue(new Date(now), BATCH);
    for (const jobId of due) {
      await this.lifecycle.applyById(jobId, 'thaw', `job ${jobId} (cool-down over)`);
    }
    return due.length;
  }
}
