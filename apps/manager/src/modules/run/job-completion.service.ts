import { Injectable, Logger } from '@nestjs/common';
import { RunningState } from '@chaconne/contracts';
import { JobLifecycleService } from '../job-definition/job-lifecycle.service';
import {
  ACTIVE_STATES,
  planOf,
  SCHEDULED_JOB_SELECT,
  type ScheduledJobRow,
} from '../schedule/schedule-sync.service';
import { SqlBatcher } from '../sql/sql.module';
import { scheduleEnd } from './schedule-end';

interface CompletionRow extends ScheduledJobRow {
  repeat_count: number;
  run_count: number;
  last_planned_at: Date | null;
  once_recorded: number | string;
  in_flight: number | string;
}

const COMPLETION_SELECT = SCHEDULED_JOB_SELECT.replace(
  'SELECT ',
  `SELECT t.repeat_count, r.run_count, r.last_planned_at,
          EXISTS(SELECT 1 FROM chac_job_run o
                  WHERE o.job_id = t.job_id AND o.planned_at = t.start_date AND o.attempt = 0) AS once_recorded,
          EXISTS(SELECT 1 FROM chac_job_run f WHERE f.job_id = t.job_id AND f.running_state = ?) AS in_flight, `,
);

/**
 * A job whose schedule has nothing left to fire ends FINISHED once its last occurrence is
 * final: a one-shot job after its only occurrence, a job whose repeat count is used up after
 * its last allowed one, a cron job after its last year. Not while any run of it is in flight
 * (an attempt, a retry waiting for its backoff, a queued run): the last of them finishes it.
 * Why stays in the job's runtime detail (`stateReason`).
 */
@Injectable()
export class JobCompletion {
  private readonly logger = new Logger(JobCompletion.name);

  constructor(
    private readonly sql: SqlBatcher,
    private readonly lifecycle: JobLifecycleService,
  ) {}

  /** Finishes the job if its schedule has ended and nothing of it is in flight; answers whether it did. */
  async finishIfDone(jobId: number): Promise<boolean> {
    const rows = await this.sql.query<CompletionRow[]>(`${COMPLETION_SELECT} WHERE t.job_id = ?`, [
      RunningState.RUNNING,
      jobId,
    ]);
    const row = rows[0];
    if (!row || !ACTIVE_STATES.includes(row.job_state) || Number(row.in_flight) === 1) return false;
    const reason = scheduleEnd({
      plan: planOf(row),
      repeatCount: row.repeat_count,
      runCount: row.run_count,
      lastPlannedMs: row.last_planned_at?.getTime() ?? null,
      onceRecorded: Number(row.once_recorded) === 1,
    });
    if (reason === null) return false;
    try {
      await this.lifecycle.terminate(jobId, reason);
      return true;
    } catch (error) {
      // Another manager or an operator moved it first: nothing left to do here.
      this.logger.debug(`job ${jobId} not finished (${reason}): ${(error as Error).message}`);
      return false;
    }
  }
}
