import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MANAGER_CONFIG, type ManagerConfig } from '../../config/manager-config';
import { RedisLock } from '../redis/redis.module';
import { FireQueue } from './fire-queue.service';
import {
  ACTIVE_STATES,
  SCHEDULED_JOB_SELECT,
  type ScheduledJobRow,
  ScheduleSyncService,
} from './schedule-sync.service';

export interface ReconcileReport {
  jobs: number;
  upserted: number;
  removed: number;
}

/**
 * Makes Redis match MySQL: at start and then every `reconcileIntervalMs`. Redis holds
 * nothing that cannot be rebuilt, so after a FLUSHALL or a Redis restart every active
 * schedule comes back within one interval, without restarting the manager.
 */
@Injectable()
export class ReconcilerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReconcilerService.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly fireQueue: FireQueue,
    private readonly scheduleSync: ScheduleSyncService,
    private readonly lock: RedisLock,
    @Inject(MANAGER_CONFIG) private readonly config: ManagerConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.tick();
    this.timer = setInterval(() => void this.tick(), this.config.reconcileIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = this.reconcileIfLeader()
      .catch((error: unknown) => {
        this.logger.warn(`reconcile failed: ${(error as Error).message}`);
      })
      .finally(() => {
        this.running = null;
      });
    await this.running;
  }

  /** Only one manager reconciles per interval; the lock expires if its holder dies. */
  private reconcileIfLeader(): Promise<ReconcileReport | null> {
    return this.lock.runExclusive('reconcile', Math.max(this.config.reconcileIntervalMs, 5000), () =>
      this.reconcile(),
    );
  }

  async reconcile(): Promise<ReconcileReport> {
    const rows = await this.dataSource.query<ScheduledJobRow[]>(
      `${SCHEDULED_JOB_SELECT} WHERE r.job_state IN (${ACTIVE_STATES.map(() => '?').join(',')})`,
      [...ACTIVE_STATES],
    );
    const scheduled = new Map((await this.fireQueue.listRecurring()).map((s) => [s.jobId, s.revision]));
    let upserted = 0;
    for (const row of rows) {
      const revision = scheduled.get(row.job_id) ?? null;
      scheduled.delete(row.job_id);
      try {
        if (await this.scheduleSync.apply(row, revision)) upserted++;
      } catch (error) {
        this.logger.warn(`job ${row.job_id}: ${(error as Error).message}`);
      }
    }
    for (const jobId of scheduled.keys()) await this.fireQueue.removeRecurring(jobId);
    const report = { jobs: rows.length, upserted, removed: scheduled.size };
    if (report.removed > 0 || report.upserted > 0) {
      this.logger.log(
        `reconciled ${report.jobs} jobs: ${report.upserted} schedules written, ${report.removed} removed`,
      );
    }
    return report;
  }
}
