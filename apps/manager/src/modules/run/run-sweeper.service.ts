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
import { type PeriodicDuty, RedisLock } from '../redis/redis.module';
import { MISSED_BEATS, WorkerRegistryService } from '../worker-registry/worker-registry.service';
import { RunStore } from './run-store.service';

/** A run never dispatched for this long lost its fire (manager stopped and Redis lost the job). */
const UNDISPATCHED_LIMIT_MS = 120_000;
const BATCH = 500;

interface OpenRun {
  run_id: number | string;
  instance_id: string | null;
  dispatched_at: Date | null;
  created_at: Date;
}

/**
 * No run stays RUNNING without an outcome: a run whose worker stopped sending heartbeats
 * ends FAILED "worker lost", and one whose dispatch never happened ends FAILED too.
 * One manager sweeps at a time, every heartbeat interval.
 */
@Injectable()
export class RunSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RunSweeper.name);
  private readonly duty: PeriodicDuty;

  constructor(
    private readonly dataSource: DataSource,
    private readonly runs: RunStore,
    private readonly registry: WorkerRegistryService,
    lock: RedisLock,
    @Inject(MANAGER_CONFIG) private readonly config: ManagerConfig,
  ) {
    this.duty = lock.periodic('sweep', config.heartbeatIntervalMs, () => this.sweep(), this.logger);
  }

  onApplicationBootstrap(): void {
    this.duty.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.duty.stop();
  }

  /** Ends the open runs that can no longer get an outcome; answers how many. */
  async sweep(now = Date.now()): Promise<number> {
    const lostAfterMs = MISSED_BEATS * this.config.heartbeatIntervalMs;
    const open = await this.dataSource.query<OpenRun[]>(
      `SELECT run_id, instance_id, dispatched_at, created_at FROM chac_job_run
        WHERE running_state = ? AND created_at < ? ORDER BY created_at LIMIT ?`,
      [RunningState.RUNNING, new Date(now - lostAfterMs), BATCH],
    );
    const instances = [...new Set(open.flatMap((run) => (run.instance_id ? [run.instance_id] : [])))];
    const lost = await this.registry.lostInstances(instances, now);
    let ended = 0;
    for (const run of open) {
      const reason = this.reasonToEnd(run, lost, now, lostAfterMs);
      if (!reason) continue;
      const { finished } = await this.runs.finish(Number(run.run_id), {
        runningState: RunningState.FAILED,
        reason,
        finishedAt: new Date(now),
      });
      if (!finished) continue;
      ended++;
      this.logger.warn(`run ${String(run.run_id)}: ${reason}`);
    }
    return ended;
  }

  private reasonToEnd(run: OpenRun, lost: Set<string>, now: number, lostAfterMs: number): string | null {
    if (run.instance_id && run.dispatched_at) {
      const silent = lost.has(run.instance_id) && now - run.dispatched_at.getTime() > lostAfterMs;
      return silent ? `worker lost: instance ${run.instance_id} missed ${MISSED_BEATS} heartbeats` : null;
    }
    return now - run.created_at.getTime() > UNDISPATCHED_LIMIT_MS
      ? 'not dispatched: the manager handling this fire stopped before sending it'
      : null;
  }
}
