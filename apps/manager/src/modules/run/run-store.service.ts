import { Injectable } from '@nestjs/common';
import {
  ErrorCode,
  type JobLog,
  type JobStackTrace,
  type JobKey,
  type JobTrace,
  type LogLevel,
  type LogLine,
  type Page,
  type ResolvedRunPolicy,
  RunningState,
  TriggerType,
} from '@chaconne/contracts';
import { DataSource } from 'typeorm';
import { NotFound } from '../../common/app-error';
import { storedRunPolicy } from '../job-definition/dto/run-policy.dto';
import { isoOrNull } from '../job-definition/job-detail.mapper';
import { StatRollup } from '../statistics/stat-rollup.service';
import { JobRuntimeRepository } from '../job-runtime/job-runtime.repository';
import { SqlBatcher } from '../sql/sql.module';
import { startOf } from './dispatch-timing';

/** A run created but never dispatched for this long is dispatched again by a redelivered fire. */
const UNDISPATCHED_GRACE_MS = 10_000;
const MAX_LOG_MESSAGE = 60_000;
/**
 * The manager cancels a run this long after its timeout: the worker's own timer
 * normally ends it first (its report says so); the manager's deadline catches a worker
 * that hangs or cannot report.
 */
export const DEADLINE_GRACE_MS = 1_000;
export const MAX_TEXT = 1_000_000;

export interface TraceQuery {
  jobId: number;
  page: number;
  size: number;
  from: Date | null;
  to: Date | null;
  runningState: number | null;
}

export interface ClaimedRun {
  runId: number;
  /** false when the occurrence already has a run that is dispatched or finished. */
  needsDispatch: boolean;
  /** true when this call created the run (not a redelivered fire). */
  fresh: boolean;
}

export interface Occurrence {
  /** false: the trigger's repeat count was already reached, so this occurrence may not run. */
  allowed: boolean;
  /** true: this occurrence is the last one the repeat count allows. */
  last: boolean;
}

export interface Outcome {
  runningState: RunningState;
  reason?: string | null;
  startedAt?: Date | null;
  finishedAt: Date;
  result?: string | null;
  errorMessage?: string | null;
  errorStack?: string | null;
}

/** A run that just got its outcome (or was found to have one already). */
export interface SettledRun {
  runId: number;
  jobId: number;
  instanceId: string | null;
  plannedAt: Date;
  attempt: number;
  firstRunId: number | null;
  triggerType: number;
}

/** What an outcome decides on: the run, whether it is still open, and its job. */
export interface SettlingRun {
  run: SettledRun;
  /** false: the run already has an outcome. */
  open: boolean;
  job: {
    jobKey: JobKey;
    email: string;
    retries: number;
    timeoutMs: number;
    policy: ResolvedRunPolicy;
    jobState: number;
    consecutiveFailures: number;
    consecutiveTimeouts: number;
    freezeCount: number;
    /**
     * Its schedule may have nothing left to fire (one-shot trigger, repeat count used up, no
     * next fire time stored): a final outcome asks whether the job is done.
     */
    scheduleMayHaveEnded: boolean;
  };
}

export interface PendingLaunch {
  runId: number;
  jobId: number;
  plannedAt: Date;
  attempt: number;
  previousInstanceId: string | null;
}

interface SettlingRow {
  job_id: number;
  instance_id: string | null;
  planned_at: Date;
  attempt: number;
  first_run_id: number | string | null;
  running_state: number;
  trigger_type: number;
  cluster_name: string;
  group_name: string;
  job_name: string;
  job_class_name: string;
  email: string;
  retries: number;
  timeout: number | string;
  run_policy: string | null;
  job_state: number;
  consecutive_failures: number;
  consecutive_timeouts: number;
  freeze_count: number;
  schedule_may_have_ended: number | string;
}

export interface RunRow {
  run_id: number | string;
  job_id: number;
  planned_at: Date;
  attempt: number;
  running_state: number;
  reason: string | null;
  instance_id: string | null;
  address: string | null;
  dispatched_at: Date | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  result: string | null;
  error_message: string | null;
  error_stack: string | null;
  first_run_id: number | string | null;
  late_report: string | null;
}

/** A text cut to `max` characters (with an ellipsis), for bounded columns. */
export const clip = (text: string | null | undefined, max: number): string | null =>
  text === null || text === undefined ? null : text.length > max ? `${text.slice(0, max)}…` : text;

/** Runs and their log lines in MySQL: hot paths in plain SQL, one statement each. */
@Injectable()
export class RunStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sql: SqlBatcher,
    private readonly rollup: StatRollup,
    private readonly runtime: JobRuntimeRepository,
  ) {}

  /**
   * Creates the run of an occurrence. The unique key (job, planned time, attempt) makes a
   * duplicated tick a no-op; a redelivered fire whose run was never dispatched (the
   * manager died in between) gets the same run back to dispatch.
   */
  async claim(jobId: number, plannedAt: Date, attempt: number, now = new Date()): Promise<ClaimedRun> {
    const inserted = await this.sql.query<{ insertId: number; affectedRows: number }>(
      'INSERT IGNORE INTO chac_job_run (job_id, planned_at, attempt, running_state, created_at) VALUES (?, ?, ?, ?, ?)',
      [jobId, plannedAt, attempt, RunningState.RUNNING, now],
    );
    if (inserted.affectedRows === 1) return { runId: inserted.insertId, needsDispatch: true, fresh: true };
    const rows = await this.sql.query<
      Pick<RunRow, 'run_id' | 'running_state' | 'dispatched_at' | 'created_at'>[]
    >(
      'SELECT run_id, running_state, dispatched_at, created_at FROM chac_job_run WHERE job_id = ? AND planned_at = ? AND attempt = ?',
      [jobId, plannedAt, attempt],
    );
    const row = rows[0];
    if (!row) throw new Error(`run of job ${jobId} at ${plannedAt.toISOString()} vanished`);
    const stalled =
      row.running_state === RunningState.RUNNING &&
      row.dispatched_at === null &&
      now.getTime() - row.created_at.getTime() > UNDISPATCHED_GRACE_MS;
    return { runId: Number(row.run_id), needsDispatch: stalled, fresh: false };
  }

  /**
   * Creates the run of a manual trigger. Its planned time is the moment of the request;
   * triggers of the same job within one millisecond each get their own run, a
   * millisecond apart, instead of collapsing into one like duplicated ticks do.
   */
  async claimManual(jobId: number, at: Date): Promise<ClaimedRun & { plannedAt: Date }> {
    for (let offset = 0; offset < 1_000; offset++) {
      const plannedAt = new Date(at.getTime() + offset);
      const inserted = await this.sql.query<{ insertId: number; affectedRows: number }>(
        'INSERT IGNORE INTO chac_job_run (job_id, planned_at, attempt, running_state, created_at) VALUES (?, ?, 0, ?, ?)',
        [jobId, plannedAt, RunningState.RUNNING, new Date()],
      );
      if (inserted.affectedRows === 1) {
        return { runId: inserted.insertId, needsDispatch: true, fresh: true, plannedAt };
      }
    }
    throw new Error(`job ${jobId}: no free millisecond for a manual run after ${at.toISOString()}`);
  }

  /**
   * Records an occurrence that ends without running: SKIPPED (e.g. the job is paused) or
   * FINISHED (a termination strategy ended the job).
   */
  async recordEnded(
    jobId: number,
    plannedAt: Date,
    state: typeof RunningState.SKIPPED | typeof RunningState.FINISHED,
    reason: string,
  ): Promise<void> {
    const now = new Date();
    const inserted = await this.sql.query<{ affectedRows: number }>(
      `INSERT IGNORE INTO chac_job_run (job_id, planned_at, attempt, running_state, reason, created_at, finished_at)
       VALUES (?, ?, 0, ?, ?, ?, ?)`,
      [jobId, plannedAt, state, reason, now, now],
    );
    if (inserted.affectedRows === 1) await this.rollup.record(jobId, plannedAt, state, 0, now);
  }

  /**
   * Counts a new scheduled occurrence against the trigger's repeat count, atomically, so
   * managers firing in parallel cannot exceed it.
   */
  countOccurrence(jobId: number): Promise<Occurrence> {
    return this.runtime.countOccurrence(jobId);
  }

  /**
   * Records where a run went and, with a timeout, when the manager cancels it (timeout +
   * grace). A first attempt of an occurrence also stamps the job's execution times, in the
   * same statement. A fast worker's report may settle the run before this is written: the
   * instance and address are recorded then too (the deadline only while the run is open).
   * A run sent ahead (`startAt`, epoch ms) has its timeout counted from its start.
   */
  async markDispatched(
    runId: number,
    instanceId: string,
    address: string,
    timeoutMs: number,
    execution?: { nextExecution: Date | null },
    startAt?: number,
  ): Promise<void> {
    const now = new Date();
    const deadline =
      timeoutMs > 0 ? new Date(startOf(now.getTime(), startAt) + timeoutMs + DEADLINE_GRACE_MS) : null;
    if (!execution) {
      await this.sql.query(
        `UPDATE chac_job_run
            SET dispatched_at = ?, instance_id = ?, address = ?,
                deadline_at = IF(running_state = ?, ?, deadline_at)
          WHERE run_id = ? AND (running_state = ? OR instance_id IS NULL)`,
        [now, instanceId, address, RunningState.RUNNING, deadline, runId, RunningState.RUNNING],
      );
      return;
    }
    await this.runtime.markFirstDispatch(
      runId,
      { at: now, instanceId, address, deadline },
      execution.nextExecution,
    );
  }

  /** The job's execution times, for an occurrence whose run was not sent to a worker. */
  recordExecution(jobId: number, nextExecution: Date | null): Promise<void> {
    return this.runtime.recordExecution(jobId, nextExecution);
  }

  /**
   * A run with everything its outcome decides on, in one query: the run, its job's
   * definition, trigger type and runtime counters.
   */
  async loadSettling(runId: number): Promise<SettlingRun> {
    const rows = await this.sql.query<SettlingRow[]>(
      `SELECT r.job_id, r.instance_id, r.planned_at, r.attempt, r.first_run_id, r.running_state, t.trigger_type,
              d.cluster_name, d.group_name, d.job_name, d.job_class_name, d.email, d.retries, d.timeout,
              d.run_policy, x.job_state, x.consecutive_failures, x.consecutive_timeouts, x.freeze_count,
              (t.trigger_type = ? AND t.start_date IS NOT NULL
                OR t.repeat_count > 0 AND x.run_count >= t.repeat_count
                OR t.trigger_type = ? AND x.next_execution_time IS NULL) AS schedule_may_have_ended
         FROM chac_job_run r
         JOIN chac_job_trigger_detail t ON t.job_id = r.job_id
         JOIN chac_job_detail d ON d.job_id = r.job_id
         JOIN chac_job_runtime_detail x ON x.job_id = r.job_id
        WHERE r.run_id = ?`,
      [TriggerType.SIMPLE, TriggerType.CRON, runId],
    );
    const row = rows[0];
    if (!row) throw new NotFound(ErrorCode.RUN_NOT_FOUND, `no run ${runId}`);
    return {
      run: {
        runId,
        jobId: row.job_id,
        instanceId: row.instance_id,
        plannedAt: row.planned_at,
        attempt: row.attempt,
        firstRunId: row.first_run_id === null ? null : Number(row.first_run_id),
        triggerType: row.trigger_type,
      },
      open: row.running_state === RunningState.RUNNING,
      job: {
        jobKey: {
          clusterName: row.cluster_name,
          groupName: row.group_name,
          jobName: row.job_name,
          jobClassName: row.job_class_name,
        },
        email: row.email,
        retries: row.retries,
        timeoutMs: Number(row.timeout),
        policy: storedRunPolicy(row.run_policy),
        jobState: row.job_state,
        consecutiveFailures: row.consecutive_failures,
        consecutiveTimeouts: row.consecutive_timeouts,
        freezeCount: row.freeze_count,
        scheduleMayHaveEnded: Number(row.schedule_may_have_ended) === 1,
      },
    };
  }

  /** Keeps a report that came after the run had its outcome (the first such report wins). */
  async keepLateReport(runId: number, fromInstance: string, outcome: Outcome): Promise<void> {
    const late = JSON.stringify({
      instanceId: fromInstance,
      runningState: outcome.runningState,
      reason: outcome.reason ?? null,
      finishedAt: outcome.finishedAt.toISOString(),
      receivedAt: new Date().toISOString(),
    });
    await this.sql.query('UPDATE chac_job_run SET late_report = ? WHERE run_id = ? AND late_report IS NULL', [
      late,
      runId,
    ]);
  }

  /**
   * Creates the next attempt of a failed run, due at `notBefore`; answers its id (the
   * existing one if another manager created it first).
   */
  async createRetry(failed: SettledRun, notBefore: Date): Promise<number> {
    const attempt = failed.attempt + 1;
    const inserted = await this.sql.query<{ insertId: number; affectedRows: number }>(
      `INSERT IGNORE INTO chac_job_run (job_id, planned_at, attempt, first_run_id, running_state, not_before, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      [
        failed.jobId,
        failed.plannedAt,
        attempt,
        failed.firstRunId ?? failed.runId,
        RunningState.RUNNING,
        notBefore,
        new Date(),
      ],
    );
    if (inserted.affectedRows === 1) return inserted.insertId;
    const rows = await this.sql.query<{ run_id: number | string }[]>(
      'SELECT run_id FROM chac_job_run WHERE job_id = ? AND planned_at = ? AND attempt = ?',
      [failed.jobId, failed.plannedAt, attempt],
    );
    return Number(rows[0]?.run_id);
  }

  /** A run still waiting to be sent (a retry or a queued run), with the instance of its previous attempt. */
  async pendingLaunch(runId: number): Promise<PendingLaunch | null> {
    const rows = await this.sql.query<
      {
        run_id: number | string;
        job_id: number;
        planned_at: Date;
        attempt: number;
        previous_instance: string | null;
      }[]
    >(
      `SELECT r.run_id, r.job_id, r.planned_at, r.attempt,
              (SELECT p.instance_id FROM chac_job_run p
                WHERE p.job_id = r.job_id AND p.planned_at = r.planned_at AND p.attempt = r.attempt - 1) AS previous_instance
         FROM chac_job_run r
        WHERE r.run_id = ? AND r.running_state = ? AND r.dispatched_at IS NULL`,
      [runId, RunningState.RUNNING],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      runId: Number(row.run_id),
      jobId: row.job_id,
      plannedAt: row.planned_at,
      attempt: row.attempt,
      previousInstanceId: row.previous_instance,
    };
  }

  /** Stores a batch of log lines of a run in one multi-row insert (the job id read in the same statement). */
  async appendLogs(runId: number, lines: LogLine[], dropped: number): Promise<number> {
    const values: unknown[][] = lines.map((line) => [
      line.level,
      clip(line.message, MAX_LOG_MESSAGE),
      Number.isNaN(Date.parse(line.time)) ? new Date() : new Date(line.time),
    ]);
    if (dropped > 0) {
      values.push([3, `${dropped} log line(s) dropped by the worker's bounded log buffer`, new Date()]);
    }
    if (values.length === 0) {
      await this.jobIdOf(runId);
      return 0;
    }
    const rows = values
      .map(() => '(?, (SELECT job_id FROM chac_job_run WHERE run_id = ?), ?, ?, ?)')
      .join(', ');
    try {
      await this.sql.query(
        `INSERT INTO chac_job_log (run_id, job_id, level, message, logged_at) VALUES ${rows}`,
        values.flatMap((v) => [runId, runId, ...v]),
      );
    } catch (error) {
      // No such run: its job id came back NULL (and the run foreign key refuses it).
      const code = (error as { code?: string }).code;
      if (code === 'ER_BAD_NULL_ERROR' || code === 'ER_NO_REFERENCED_ROW_2') {
        throw new NotFound(ErrorCode.RUN_NOT_FOUND, `no run ${runId}`);
      }
      throw error;
    }
    return values.length;
  }

  private async jobIdOf(runId: number): Promise<number> {
    const rows = await this.sql.query<Pick<RunRow, 'job_id'>[]>(
      'SELECT job_id FROM chac_job_run WHERE run_id = ?',
      [runId],
    );
    const run = rows[0];
    if (!run) throw new NotFound(ErrorCode.RUN_NOT_FOUND, `no run ${runId}`);
    return run.job_id;
  }

  async selectTrace(query: TraceQuery): Promise<Page<JobTrace>> {
    const { jobId, page, size, from, to, runningState } = query;
    const where = ['job_id = ?'];
    const params: unknown[] = [jobId];
    if (from) {
      where.push('planned_at >= ?');
      params.push(from);
    }
    if (to) {
      where.push('planned_at <= ?');
      params.push(to);
    }
    if (runningState !== null) {
      where.push('running_state = ?');
      params.push(runningState);
    }
    const clause = where.join(' AND ');
    const [countRows, rows] = await Promise.all([
      this.dataSource.query<{ total: number | string }[]>(
        `SELECT COUNT(*) AS total FROM chac_job_run WHERE ${clause}`,
        params,
      ),
      this.dataSource.query<RunRow[]>(
        `SELECT * FROM chac_job_run WHERE ${clause} ORDER BY planned_at DESC, attempt DESC LIMIT ? OFFSET ?`,
        [...params, size, (page - 1) * size],
      ),
    ]);
    const total = Number(countRows[0]?.total ?? 0);
    return {
      page,
      size,
      rows: total,
      nextPage: page * size < total ? page + 1 : null,
      content: rows.map(toTrace),
    };
  }

  /** The stack trace of a failed run, one row per line (Chaconne's JobStackTrace). */
  async selectStackTrace(jobId: number, runId: number): Promise<JobStackTrace[]> {
    const rows = await this.dataSource.query<Pick<RunRow, 'error_message' | 'error_stack'>[]>(
      'SELECT error_message, error_stack FROM chac_job_run WHERE run_id = ? AND job_id = ?',
      [runId, jobId],
    );
    const run = rows[0];
    if (!run) throw new NotFound(ErrorCode.RUN_NOT_FOUND, `job ${jobId} has no run ${runId}`);
    const text = run.error_stack ?? run.error_message ?? '';
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((stackTrace) => ({ traceId: runId, jobId, stackTrace }));
  }

  async selectLogs(jobId: number, runId: number): Promise<JobLog[]> {
    const runs = await this.dataSource.query<unknown[]>(
      'SELECT 1 FROM chac_job_run WHERE run_id = ? AND job_id = ?',
      [runId, jobId],
    );
    if (runs.length === 0) throw new NotFound(ErrorCode.RUN_NOT_FOUND, `job ${jobId} has no run ${runId}`);
    const rows = await this.dataSource.query<{ level: number; message: string; logged_at: Date }[]>(
      'SELECT level, message, logged_at FROM chac_job_log WHERE run_id = ? ORDER BY log_id',
      [runId],
    );
    return rows.map((row) => ({
      traceId: runId,
      jobId,
      level: row.level as LogLevel,
      log: row.message,
      createDate: row.logged_at.toISOString(),
    }));
  }
}

export function toTrace(row: RunRow): JobTrace {
  const state = row.running_state as RunningState;
  return {
    traceId: Number(row.run_id),
    jobId: row.job_id,
    attempt: row.attempt,
    runningState: state,
    reason: row.reason,
    address: row.address,
    instanceId: row.instance_id,
    plannedTime: row.planned_at.toISOString(),
    executionTime: isoOrNull(row.started_at ?? row.dispatched_at),
    completionTime: isoOrNull(row.finished_at),
    completed: state === RunningState.COMPLETED ? 1 : 0,
    failed: state === RunningState.FAILED ? 1 : 0,
    skipped: state === RunningState.SKIPPED ? 1 : 0,
    finished: state === RunningState.FINISHED ? 1 : 0,
    retries: row.attempt,
    result: row.result,
    firstTraceId: row.first_run_id === null ? null : Number(row.first_run_id),
    lateReport: row.late_report,
  };
}
