import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MANAGER_CONFIG, type ManagerConfig } from '../../config/manager-config';
import { type PeriodicDuty, RedisLock } from '../redis/redis.module';
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
  private readonly duty: PeriodicDuty;

  constructor(
    private readonly dataSource: DataSource,
    private readonly fireQueue: FireQueue,
    private readonly scheduleSync: ScheduleSyncService,
    lock: RedisLock,
    @Inject(MANAGER_CONFIG) config: ManagerConfig,
  ) {
    this.duty = lock.periodic('reconcile', config.reconcileIntervalMs, () => this.reconcile(), this.logger);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.duty.runNow();
    this.duty.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.duty.stop();
  }

  async reconcile(): Promise<ReconcileReport> {
    const rows = await this.dataSource.query<ScheduledJobRow[]>(
      `${SCHEDULED_JOB_SELECT} WHERE r.job_state IN (${ACTIVE_STATES.map(() => '?').join(',')})`,
      [...ACTIVE_STATES],
    );
    const scheduled = new Map((await this.fireQueue.listRecurring()).map((s) => [s.jobId, s.revision]));
    // One-shot fires are checked one by one only after Redis may have lost some.
    const oneShotsIntact = await this.fireQueue.oneShotsIntact();
    let upserted = 0;
    let failed = 0;
    for (const row of rows) {
      const revision = scheduled.get(row.job_id) ?? null;
      scheduled.delete(row.job_id);
      try {
        if (await this.scheduleSync.apply(row, revision, oneShotsIntact)) upserted++;
      } catch (error) {
        failed++;
        this.logger.warn(`job ${row.job_id}: ${(error as Error).message}`);
      }
    }
    if (!oneShotsIntact && failed === 0) await this.fireQueue.markOneShotsIntact(true);
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
