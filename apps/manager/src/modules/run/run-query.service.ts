import { Injectable } from '@nestjs/common';
import {
  ErrorCode,
  type JobKey,
  type JobLog,
  type JobTraceDetail,
  type JobTraceWithKey,
  type LogLevel,
  type Page,
  RunningState,
} from '@chaconne/contracts';
import { DataSource } from 'typeorm';
import { NotFound } from '../../common/app-error';
import { isoOrNull } from '../job-definition/job-detail.mapper';
import { type RunRow, toTrace } from './run-store.service';

/** selectRuns counts matching runs up to this many: `rows` says 100,000 beyond. */
export const RUN_COUNT_LIMIT = 100_000;

export interface RunPageQuery {
  clusterName?: string;
  groupName?: string;
  runningState: number | null;
  from: Date | null;
  to: Date | null;
  page: number;
  size: number;
}

interface KeyColumns {
  cluster_name: string;
  group_name: string;
  job_name: string;
  job_class_name: string;
}

type DetailRow = RunRow &
  KeyColumns & { deadline_at: Date | null; retries: number; timeout: number | string };

/** A stored log line of a run, with its id (the position a tail resumes from). */
export interface StoredLogLine {
  logId: number;
  log: JobLog;
}

const keyOf = (row: KeyColumns): JobKey => ({
  clusterName: row.cluster_name,
  groupName: row.group_name,
  jobName: row.job_name,
  jobClassName: row.job_class_name,
});

/**
 * Runs across jobs, for operators: one run in full, the latest runs of every job, and a
 * run's log lines after a position (the log tail). Each query reads by an index: the
 * primary key, ix_run_planned / ix_run_state_planned (newest first), ix_log_run.
 */
@Injectable()
export class RunQueryService {
  constructor(private readonly dataSource: DataSource) {}

  async traceDetail(runId: number): Promise<JobTraceDetail> {
    const rows = await this.dataSource.query<DetailRow[]>(
      `SELECT r.*, d.cluster_name, d.group_name, d.job_name, d.job_class_name, d.retries, d.timeout
         FROM chac_job_run r JOIN chac_job_detail d ON d.job_id = r.job_id
        WHERE r.run_id = ?`,
      [runId],
    );
    const row = rows[0];
    if (!row) throw new NotFound(ErrorCode.RUN_NOT_FOUND, `no run ${runId}`);
    const trace = toTrace(row);
    const executed = row.started_at ?? row.dispatched_at;
    return {
      ...trace,
      jobKey: keyOf(row),
      jobRetries: row.retries,
      timeout: Number(row.timeout),
      createdTime: row.created_at.toISOString(),
      dispatchedTime: isoOrNull(row.dispatched_at),
      deadlineTime: isoOrNull(row.deadline_at),
      latenessMs: executed ? executed.getTime() - row.planned_at.getTime() : null,
      errorMessage: row.error_message,
    };
  }

  /**
   * Runs of every job, newest (planned) first. The page's run ids are read from an index
   * alone (planned_at DESC, run_id DESC), then only those rows are read in full; the count
   * stops at {@link RUN_COUNT_LIMIT}, so neither reads millions of rows.
   */
  async selectRuns(query: RunPageQuery): Promise<Page<JobTraceWithKey>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const filter = (sql: string, value: unknown): void => {
      where.push(sql);
      params.push(value);
    };
    if (query.runningState !== null) filter('r.running_state = ?', query.runningState);
    if (query.from) filter('r.planned_at >= ?', query.from);
    if (query.to) filter('r.planned_at < ?', query.to);
    if (query.clusterName) filter('d.cluster_name = ?', query.clusterName);
    if (query.groupName) filter('d.group_name = ?', query.groupName);
    const join = query.clusterName || query.groupName ? 'JOIN chac_job_detail d ON d.job_id = r.job_id' : '';
    const from = `FROM chac_job_run r ${join} ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}`;
    const [counted, ids] = await Promise.all([
      this.dataSource.query<{ total: number | string }[]>(
        `SELECT COUNT(*) AS total FROM (SELECT 1 ${from} LIMIT ${RUN_COUNT_LIMIT}) matching`,
        params,
      ),
      this.dataSource.query<{ run_id: number | string }[]>(
        `SELECT r.run_id ${from} ORDER BY r.planned_at DESC, r.run_id DESC LIMIT ? OFFSET ?`,
        [...params, query.size + 1, (query.page - 1) * query.size],
      ),
    ]);
    const pageIds = ids.slice(0, query.size).map((r) => Number(r.run_id));
    const rows =
      pageIds.length === 0
        ? []
        : await this.dataSource.query<(RunRow & KeyColumns)[]>(
            `SELECT r.*, d.cluster_name, d.group_name, d.job_name, d.job_class_name
               FROM chac_job_run r JOIN chac_job_detail d ON d.job_id = r.job_id
              WHERE r.run_id IN (${pageIds.map(() => '?').join(',')})`,
            pageIds,
          );
    const byId = new Map(rows.map((row) => [Number(row.run_id), row]));
    const content = pageIds.flatMap((id) => {
      const row = byId.get(id);
      return row ? [{ ...toTrace(row), jobKey: keyOf(row) }] : [];
    });
    const skipped = (query.page - 1) * query.size;
    const total = Math.max(Number(counted[0]?.total ?? 0), skipped + pageIds.length);
    return {
      page: query.page,
      size: query.size,
      rows: Math.min(total, RUN_COUNT_LIMIT),
      nextPage: ids.length > query.size ? query.page + 1 : null,
      content,
    };
  }

  /** A run's outcome (RUNNING while it has none) and reason; 404 for an unknown run. */
  async outcomeOf(runId: number): Promise<{ runningState: RunningState; reason: string | null }> {
    const rows = await this.dataSource.query<{ running_state: number; reason: string | null }[]>(
      'SELECT running_state, reason FROM chac_job_run WHERE run_id = ?',
      [runId],
    );
    const row = rows[0];
    if (!row) throw new NotFound(ErrorCode.RUN_NOT_FOUND, `no run ${runId}`);
    return { runningState: row.running_state as RunningState, reason: row.reason };
  }

  /** Up to `limit` log lines of a run after the line `afterLogId`, in order (ix_log_run). */
  async logsAfter(runId: number, afterLogId: number, limit: number): Promise<StoredLogLine[]> {
    const rows = await this.dataSource.query<
      { log_id: number | string; job_id: number; level: number; message: string; logged_at: Date }[]
    >(
      `SELECT log_id, job_id, level, message, logged_at FROM chac_job_log
        WHERE run_id = ? AND log_id > ? ORDER BY log_id LIMIT ?`,
      [runId, afterLogId, limit],
    );
    return rows.map((row) => ({
      logId: Number(row.log_id),
      log: {
        traceId: runId,
        jobId: row.job_id,
        level: row.level as LogLevel,
        log: row.message,
        createDate: row.logged_at.toISOString(),
      },
    }));
  }
}
