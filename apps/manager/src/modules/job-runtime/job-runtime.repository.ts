import { Injectable } from '@nestjs/common';
import { JobState, RunningState } from '@chaconne/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { type RawSql, SqlBatcher, type Statement } from '../sql/sql.module';

/** What a state change does besides setting the state and its reason. */
export interface StateChangeEffects {
  /** Back to SCHEDULING: the schedule starts afresh (no misfires) and a cool-down is over. */
  restartSchedule?: boolean;
  /** FROZEN: the end of the cool-down. */
  frozenUntil?: Date;
}

/** The overlap slot of a job as a claim sees it: its holder and the holder's state. */
export interface SlotRow {
  active_run_id: number | string | null;
  holder_state: number | null;
  holder_finished_at: Date | null;
  job_state: number;
}

/** What settling a run writes: its outcome, and the counters and overlap slot of its job. */
export interface RunSettlement {
  runId: number;
  runningState: RunningState;
  reason: string | null;
  startedAt: Date | null;
  finishedAt: Date;
  result: string | null;
  errorMessage: string | null;
  errorStack: string | null;
  /** The run keeps the overlap slot, to hand it over right after (its retry, the waiting run). */
  keepSlot: boolean;
  /** A failure that will not be retried: one more consecutive failure. */
  finalFailure: boolean;
  completed: boolean;
  timedOut: boolean;
  /** The job freezes (the lifecycle's freeze follows): one more freeze, timeouts start again. */
  freeze: boolean;
}

/**
 * Every statement on chac_job_runtime_detail (a job's runtime row: state, counters, overlap
 * slot, fire times). Services call its named methods and write no SQL on the table; each
 * method keeps the connection its statement used before (TypeORM's pool or the SqlBatcher).
 */
@Injectable()
export class JobRuntimeRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sql: SqlBatcher,
  ) {}

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

  /** How many jobs are in each state (states without jobs absent), of one cluster when given. */
  async countByState(clusterName?: string): Promise<Map<number, number>> {
    const rows = await this.dataSource.query<{ job_state: number; n: string | number }[]>(
      clusterName === undefined
        ? 'SELECT r.job_state, COUNT(*) AS n FROM chac_job_runtime_detail r GROUP BY r.job_state'
        : `SELECT r.job_state, COUNT(*) AS n
             FROM chac_job_detail d JOIN chac_job_runtime_detail r ON r.job_id = d.job_id
            WHERE d.cluster_name = ? GROUP BY r.job_state`,
      clusterName === undefined ? [] : [clusterName],
    );
    return new Map(rows.map((row) => [row.job_state, Number(row.n)]));
  }

  // --- A job's creation and trigger edits (inside the job definition's transactions).

  /**
   * The INSERT of a new job's runtime row (scheduling, with its first execution time), as a
   * statement of the job's creation transaction; `jobId` may be a session variable.
   */
  firstRuntimeInsert(jobId: number | RawSql, next: Date | null): Statement {
    const id = typeof jobId === 'number' ? '?' : jobId.sql;
    return {
      sql: `INSERT INTO chac_job_runtime_detail
              (job_id, job_state, last_running_state, last_execution_time, last_completion_time, next_execution_time)
            VALUES (${id}, ?, NULL, NULL, NULL, ?)`,
      params: [...(typeof jobId === 'number' ? [jobId] : []), JobState.SCHEDULING, next],
    };
  }

  /** Inserts a new job's runtime row within `em`'s transaction. */
  async insertFirstRuntime(em: EntityManager, jobId: number, next: Date | null): Promise<void> {
    const { sql, params } = this.firstRuntimeInsert(jobId, next);
    await em.query(sql, [...(params ?? [])]);
  }

  /** The job's state and reason, its row locked until `em`'s transaction ends (a trigger edit). */
  async lockForTriggerEdit(
    em: EntityManager,
    jobId: number,
  ): Promise<{ jobState: number; stateReason: string | null } | undefined> {
    const rows = await em.query<{ job_state: number; state_reason: string | null }[]>(
      'SELECT job_state, state_reason FROM chac_job_runtime_detail WHERE job_id = ? FOR UPDATE',
      [jobId],
    );
    const row = rows[0];
    return row && { jobState: row.job_state, stateReason: row.state_reason };
  }

  /**
   * A trigger edit starts the schedule afresh (no misfires of the old one). With `revive`
   * (the lifecycle's revive transition, for a job the manager had ended whose new trigger
   * fires again) the job is scheduled again from `revive.next`.
   */
  async restartSchedule(
    em: EntityManager,
    jobId: number,
    revive: { from: readonly JobState[]; to: JobState; next: Date } | null,
  ): Promise<void> {
    if (revive === null) {
      await em.query('UPDATE chac_job_runtime_detail SET last_planned_at = NULL WHERE job_id = ?', [jobId]);
      return;
    }
    await em.query(
      `UPDATE chac_job_runtime_detail
          SET job_state = ?, state_reason = NULL, next_execution_time = ?, last_planned_at = NULL
        WHERE job_id = ? AND job_state IN (${revive.from.map(() => '?').join(',')})`,
      [revive.to, revive.next, jobId, ...revive.from],
    );
  }

  // --- The overlap slot (active_run_id) and the QUEUE_ONE waiting run (queued_run_id).

  /** Takes the free slot for `runId`, only while the job is in one of `states` when given. */
  async takeFreeSlot(jobId: number, runId: number, states: readonly JobState[] | null): Promise<boolean> {
    const stateClause = states ? ` AND job_state IN (${states.map(() => '?').join(',')})` : '';
    const taken = await this.sql.query<{ affectedRows: number }>(
      `UPDATE chac_job_runtime_detail SET active_run_id = ? WHERE job_id = ? AND active_run_id IS NULL${stateClause}`,
      [runId, jobId, ...(states ?? [])],
    );
    return taken.affectedRows === 1;
  }

  /** The slot's holder, its run state and the job's state; undefined for a job without a runtime row. */
  async slotOf(jobId: number): Promise<SlotRow | undefined> {
    const rows = await this.sql.query<SlotRow[]>(
      `SELECT r.active_run_id, r.job_state, x.running_state AS holder_state, x.finished_at AS holder_finished_at
         FROM chac_job_runtime_detail r
         LEFT JOIN chac_job_run x ON x.run_id = r.active_run_id WHERE r.job_id = ?`,
      [jobId],
    );
    return rows[0];
  }

  /** Passes the slot from run `holder` to run `runId` (a takeover, or a failed run to its retry). */
  async passSlot(jobId: number, holder: number, runId: number): Promise<boolean> {
    const passed = await this.sql.query<{ affectedRows: number }>(
      'UPDATE chac_job_runtime_detail SET active_run_id = ? WHERE job_id = ? AND active_run_id = ?',
      [runId, jobId, holder],
    );
    return passed.affectedRows === 1;
  }

  /** QUEUE_ONE: makes `runId` the waiting run, unless another run that is still open waits. */
  async queueRun(jobId: number, runId: number): Promise<boolean> {
    const queued = await this.sql.query<{ affectedRows: number }>(
      `UPDATE chac_job_runtime_detail r SET r.queued_run_id = ?
        WHERE r.job_id = ? AND (r.queued_run_id IS NULL OR r.queued_run_id = ? OR NOT EXISTS
              (SELECT 1 FROM chac_job_run x WHERE x.run_id = r.queued_run_id AND x.running_state = ?))`,
      [runId, jobId, runId, RunningState.RUNNING],
    );
    return queued.affectedRows > 0;
  }

  /** The waiting run `runId` takes the free slot. */
  async takeSlotForQueued(jobId: number, runId: number): Promise<boolean> {
    const moved = await this.sql.query<{ affectedRows: number }>(
      `UPDATE chac_job_runtime_detail SET active_run_id = queued_run_id, queued_run_id = NULL
        WHERE job_id = ? AND active_run_id IS NULL AND queued_run_id = ?`,
      [jobId, runId],
    );
    return moved.affectedRows === 1;
  }

  /**
   * The slot held by `runId` goes to the waiting run, or is released when none waits. (One
   * single-table UPDATE: MySQL applies its assignments left to right, so the queue is read
   * before it is cleared.)
   */
  async handSlotToQueued(jobId: number, runId: number): Promise<void> {
    await this.sql.query(
      `UPDATE chac_job_runtime_detail SET active_run_id = queued_run_id, queued_run_id = NULL
        WHERE job_id = ? AND active_run_id = ?`,
      [jobId, runId],
    );
  }

  /** The open run holding the slot; with `undispatched`, only one not sent yet. */
  async openSlotHolder(jobId: number, undispatched: boolean): Promise<number | null> {
    const rows = await this.sql.query<{ run_id: number | string }[]>(
      `SELECT x.run_id FROM chac_job_runtime_detail r JOIN chac_job_run x ON x.run_id = r.active_run_id
        WHERE r.job_id = ? AND x.running_state = ?${undispatched ? ' AND x.dispatched_at IS NULL' : ''}`,
      [jobId, RunningState.RUNNING],
    );
    return rows[0] ? Number(rows[0].run_id) : null;
  }

  // --- The misfire watermark (last_planned_at).

  async lastPlannedAt(jobId: number): Promise<number | null> {
    const rows = await this.sql.query<{ last_planned_at: Date | null }[]>(
      'SELECT last_planned_at FROM chac_job_runtime_detail WHERE job_id = ?',
      [jobId],
    );
    return rows[0]?.last_planned_at?.getTime() ?? null;
  }

  /** Moves the watermark to `to` if it is still `from` (compare-and-set); false when another manager moved it. */
  async moveLastPlannedAt(jobId: number, from: number | null, to: number): Promise<boolean> {
    const moved = await this.sql.query<{ affectedRows: number }>(
      'UPDATE chac_job_runtime_detail SET last_planned_at = ? WHERE job_id = ? AND last_planned_at <=> ?',
      [new Date(to), jobId, from === null ? null : new Date(from)],
    );
    return moved.affectedRows > 0;
  }

  // --- Fire times and counts (next_execution_time, last_execution_time, run_count).

  /** The job's next fire time as its schedule says (null: none left). */
  async setNextExecution(jobId: number, next: Date | null): Promise<void> {
    await this.dataSource.query(
      'UPDATE chac_job_runtime_detail SET next_execution_time = ? WHERE job_id = ?',
      [next, jobId],
    );
  }

  /** An occurrence fired now: the last and next execution times. */
  async recordExecution(jobId: number, nextExecution: Date | null): Promise<void> {
    await this.sql.query(
      'UPDATE chac_job_runtime_detail SET last_execution_time = ?, next_execution_time = ? WHERE job_id = ?',
      [new Date(), nextExecution, jobId],
    );
  }

  /**
   * Counts a new scheduled occurrence against the trigger's repeat count, atomically, so
   * managers firing in parallel cannot exceed it: `allowed` false when it was reached
   * already, `last` true when this occurrence is the last one it allows.
   */
  async countOccurrence(jobId: number): Promise<{ allowed: boolean; last: boolean }> {
    const counted = await this.sql.query<{ affectedRows: number }>(
      `UPDATE chac_job_runtime_detail r JOIN chac_job_trigger_detail t ON t.job_id = r.job_id
          SET r.run_count = r.run_count + 1
        WHERE r.job_id = ? AND (t.repeat_count < 0 OR r.run_count < t.repeat_count)`,
      [jobId],
    );
    if (counted.affectedRows === 0) return { allowed: false, last: false };
    const rows = await this.sql.query<{ run_count: number; repeat_count: number }[]>(
      `SELECT r.run_count, t.repeat_count FROM chac_job_runtime_detail r
         JOIN chac_job_trigger_detail t ON t.job_id = r.job_id WHERE r.job_id = ?`,
      [jobId],
    );
    const row = rows[0];
    return {
      allowed: true,
      last: row !== undefined && row.repeat_count >= 0 && row.run_count >= row.repeat_count,
    };
  }

  /**
   * A first attempt is dispatched: the run's dispatch facts and the job's execution times in
   * one statement (a fast worker's report may have settled the run already: the instance and
   * address are recorded then too, the deadline only while the run is open).
   */
  async markFirstDispatch(
    runId: number,
    dispatch: { at: Date; instanceId: string; address: string; deadline: Date | null },
    nextExecution: Date | null,
  ): Promise<void> {
    await this.sql.query(
      `UPDATE chac_job_run r JOIN chac_job_runtime_detail x ON x.job_id = r.job_id
          SET r.dispatched_at = ?, r.instance_id = ?, r.address = ?,
              r.deadline_at = IF(r.running_state = ?, ?, r.deadline_at),
              x.last_execution_time = ?, x.next_execution_time = ?
        WHERE r.run_id = ? AND (r.running_state = ? OR r.instance_id IS NULL)`,
      [
        dispatch.at,
        dispatch.instanceId,
        dispatch.address,
        RunningState.RUNNING,
        dispatch.deadline,
        dispatch.at,
        nextExecution,
        runId,
        RunningState.RUNNING,
      ],
    );
  }

  /** xcron: a one-shot task its manager already ended is marked deleted (FINISHED without a reason). */
  async clearFinishedReason(jobId: number): Promise<void> {
    await this.dataSource.query(
      'UPDATE chac_job_runtime_detail SET state_reason = NULL WHERE job_id = ? AND job_state = ?',
      [jobId, JobState.FINISHED],
    );
  }

  // --- Outcomes.

  /**
   * Gives an open run its outcome and updates its job's counters and overlap slot in the same
   * statement, which only succeeds while the run is open: false when another report or the
   * sweeper settled it first. Every assignment reads only its own column (MySQL does not
   * order a multi-table UPDATE's assignments).
   */
  async settleRun(s: RunSettlement): Promise<boolean> {
    const settled = await this.sql.query<{ affectedRows: number }>(
      `UPDATE chac_job_run r JOIN chac_job_runtime_detail x ON x.job_id = r.job_id SET
          r.running_state = ?, r.reason = ?, r.started_at = COALESCE(?, r.started_at), r.finished_at = ?,
          r.result = ?, r.error_message = ?, r.error_stack = ?,
          x.active_run_id = IF(x.active_run_id = ? AND NOT ?, NULL, x.active_run_id),
          x.last_running_state = ?, x.last_completion_time = ?,
          x.consecutive_failures = CASE WHEN ? THEN x.consecutive_failures + 1 WHEN ? THEN 0 ELSE x.consecutive_failures END,
          x.consecutive_timeouts = CASE WHEN ? THEN 0 WHEN ? THEN x.consecutive_timeouts + 1 WHEN ? THEN 0 ELSE x.consecutive_timeouts END,
          x.freeze_count = CASE WHEN ? THEN x.freeze_count + 1 WHEN ? THEN 0 ELSE x.freeze_count END
        WHERE r.run_id = ? AND r.running_state = ?`,
      [
        s.runningState,
        s.reason,
        s.startedAt,
        s.finishedAt,
        s.result,
        s.errorMessage,
        s.errorStack,
        s.runId,
        s.keepSlot,
        s.runningState,
        s.finishedAt,
        s.finalFailure,
        s.completed,
        s.freeze,
        s.timedOut,
        s.completed,
        s.freeze,
        s.completed,
        s.runId,
        RunningState.RUNNING,
      ],
    );
    return settled.affectedRows > 0;
  }
}
