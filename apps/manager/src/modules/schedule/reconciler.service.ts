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
  /** Active jobs whose fires were checked. */
  jobs: number;
  /** Jobs whose check failed (tried again at the next interval). */
  failed: number;
}

/** Jobs read per page: memory stays flat whatever the job count. */
const PAGE = 1_000;
/**
 * Jobs of a page applied at once. A thousand in flight (a whole page) kept each one's
 * Redis and MySQL work alive across young-generation GCs, so a pass over 100,000 jobs
 * promoted enough garbage to grow the heap to its limit (BENCHMARKS.md, footprint).
 */
const IN_FLIGHT = 50;
const ACTIVE_IN = `(${ACTIVE_STATES.map(() => '?').join(',')})`;

/**
 * Makes Redis hold what MySQL describes. Every `reconcileIntervalMs` one manager checks a
 * marker that a Redis flush or restart takes away with the fires (and that any failed
 * fire or schedule write deletes); when it is gone, a full pass pages through every
 * active job and queues what is missing. So after a FLUSHALL every active schedule comes
 * back within one interval without a restart, and an idle manager with 100,000 jobs does
 * one Redis read per interval. (Redis must not evict keys, which BullMQ requires too.)
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
    this.duty = lock.periodic(
      'reconcile',
      config.reconcileIntervalMs,
      () => this.reconcileIfNeeded(),
      this.logger,
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.duty.runNow();
    this.duty.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.duty.stop();
  }

  /** A full pass when Redis may have lost something; else nothing. */
  async reconcileIfNeeded(): Promise<ReconcileReport | null> {
    if ((await this.fireQueue.intactSince()) !== null) return null;
    return this.reconcile(false);
  }

  /**
   * The full pass: every active job's next fire queued (no-ops for those that are).
   * One-shot fires are checked one by one only when Redis may have lost some (`intact`
   * false; read from the marker when not given).
   */
  async reconcile(intact?: boolean): Promise<ReconcileReport> {
    intact ??= (await this.fireQueue.intactSince()) !== null;
    const report: ReconcileReport = { jobs: 0, failed: 0 };
    for (let after = 0; ;) {
      const rows = await this.dataSource.query<ScheduledJobRow[]>(
        `${SCHEDULED_JOB_SELECT} WHERE r.job_state IN ${ACTIVE_IN} AND t.job_id > ? ORDER BY t.job_id LIMIT ?`,
        [...ACTIVE_STATES, after, PAGE],
      );
      if (rows.length === 0) break;
      for (let from = 0; from < rows.length; from += IN_FLIGHT) {
        await Promise.all(
          rows.slice(from, from + IN_FLIGHT).map(async (row) => {
            try {
              // A full pass means Redis may have lost ticks: chains resume where they stopped.
              await this.scheduleSync.apply(row, intact, true);
            } catch (error) {
              report.failed++;
              this.logger.warn(`job ${row.job_id}: ${(error as Error).message}`);
            }
          }),
        );
      }
      report.jobs += rows.length;
      after = rows[rows.length - 1]?.job_id ?? after;
    }
    if (report.failed === 0) await this.fireQueue.markIntact(true);
    if (!intact) this.logger.log(`reconciled ${report.jobs} active jobs (${report.failed} failed)`);
    return report;
  }
}
