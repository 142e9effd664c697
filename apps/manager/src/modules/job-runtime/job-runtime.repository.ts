import { Injectable } from '@nestjs/common';
import { JobState } from '@chaconne/contracts';
import { DataSource } from 'typeorm';

/** What a state change does besides setting the state and its reason. */
export interface StateChangeEffects {
  /** Back to SCHEDULING: the schedule starts afresh (no misfires) and a cool-down is over. */
  restartSchedule?: boolean;
  /** FROZEN: the end of the cool-down. */
  frozenUntil?: Date;
}

/**
 * Every statement on chac_job_runtime_detail (a job's runtime row: state, counters, overlap
 * slot, fire times). Services call its named methods and write no SQL on the table; each
 * method keeps the connection its statement used before (TypeORM's pool or the SqlBatcher).
 */
@Injectable()
export class JobRuntimeRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The lifecycle's transitions: moves the job to `to` only while it is in one of `from` (a
   * conditional UPDATE, so two managers cannot both move the same job). True when it moved.
   */
  async changeState(
    jobId: number,
    from: readonly JobState[],
    to: JobState,
    reason: string | null,
    effects: StateChangeEffects = {},
  ): Promise<boolean> {
    const restart = effects.restartSchedule ? ', last_planned_at = NULL, frozen_until = NULL' : '';
    const frozen = effects.frozenUntil ? ', frozen_until = ?' : '';
    const result = await this.dataSource.query<{ affectedRows: number }>(
      `UPDATE chac_job_runtime_detail SET job_state = ?, state_reason = LEFT(?, 1000)${restart}${frozen}
        WHERE job_id = ? AND job_state IN (${from.map(() => '?').join(',')})`,
      [to, reason, ...(effects.frozenUntil ? [effects.frozenUntil] : []), jobId, ...from],
    );
    return result.affectedRows > 0;
  }

  /** The job's state; undefined when it has no runtime row (deleted). */
  async stateOf(jobId: number): Promise<JobState | undefined> {
    const rows = await this.dataSource.query<{ job_state: number }[]>(
      'SELECT job_state FROM chac_job_runtime_detail WHERE job_id = ?',
      [jobId],
    );
    return rows[0]?.job_state as JobState | undefined;
  }

  /** Frozen jobs whose cool-down is over at `now`, at most `limit`. */
  async frozenJobsDue(now: Date, limit: number): Promise<number[]> {
    const rows = await this.dataSource.query<{ job_id: number }[]>(
      `SELECT job_id FROM chac_job_runtime_detail
        WHERE job_state = ? AND frozen_until IS NOT NULL AND frozen_until <= ? LIMIT ?`,
      [JobState.FROZEN, now, limit],
    );
    return rows.map((row) => row.job_id);
  }
}
