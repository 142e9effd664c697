import { Inject, Injectable } from '@nestjs/common';
import { RunningState } from '@chaconne/contracts';
import { DateTime } from 'luxon';
import { MANAGER_CONFIG, type ManagerConfig } from '../../config/manager-config';
import { SqlBatcher } from '../sql/sql.module';

const COLUMN: Partial<Record<RunningState, string>> = {
  [RunningState.COMPLETED]: 'completed',
  [RunningState.FAILED]: 'failed',
  [RunningState.SKIPPED]: 'skipped',
  [RunningState.FINISHED]: 'finished',
};

/** Keeps chac_job_stat_daily current: one upsert when a run gets its outcome. */
@Injectable()
export class StatRollup {
  constructor(
    private readonly sql: SqlBatcher,
    @Inject(MANAGER_CONFIG) private readonly config: ManagerConfig,
  ) {}

  /** The statistics day of an instant: its date in the manager's time zone. */
  dayOf(instant: Date): string {
    return DateTime.fromJSDate(instant, { zone: this.config.timeZone }).toISODate() ?? '1970-01-01';
  }

  async record(
    jobId: number,
    plannedAt: Date,
    state: RunningState,
    attempt: number,
    executedAt: Date,
  ): Promise<void> {
    const column = COLUMN[state];
    if (!column) return;
    const retry = attempt > 0 ? 1 : 0;
    await this.sql.query(
      `INSERT INTO chac_job_stat_daily (job_id, stat_date, ${column}, retries, last_execution_time)
       VALUES (?, ?, 1, ?, ?)
       ON DUPLICATE KEY UPDATE ${column} = ${column} + 1, retries = retries + VALUES(retries),
         last_execution_time = GREATEST(COALESCE(last_execution_time, VALUES(last_execution_time)), VALUES(last_execution_time))`,
      [jobId, this.dayOf(plannedAt), retry, executedAt],
    );
  }
}
