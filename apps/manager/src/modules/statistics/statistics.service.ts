import { Inject, Injectable } from '@nestjs/common';
import { enumName, type FieldError, JobState, type Page } from '@chaconne/contracts';
import { DataSource } from 'typeorm';
import { MANAGER_CONFIG, type ManagerConfig } from '../../config/manager-config';
import { isoOrNull } from '../job-definition/job-detail.mapper';
import { JobRuntimeRepository } from '../job-runtime/job-runtime.repository';
import type {
  JobStatPageQuery,
  JobStatQuery,
  JobStateCountQuery,
  StatDayInput,
  StatRange,
} from './dto/statistics-query.dto';
import { dayWindow, monthWindow, statDay } from './stat-window';
import type { JobStat, JobStatByJob, JobStatCounts, JobStatDetail, JobStateCount } from '@chaconne/contracts';

/** Chaconne's by-month view: the current month and the two before. */
const MONTHS = 3;

/** Filters shared by every statistics query. */
interface StatFilter {
  clusterName?: string | undefined;
  groupName?: string | undefined;
  jobId?: number | undefined;
}

/** SUMs come back as DECIMAL strings from mysql2, and as NULL over no rows. */
interface SumRow {
  completed: string | number | null;
  failed: string | number | null;
  skipped: string | number | null;
  finished: string | number | null;
  retries: string | number | null;
}

const SUMS = `SUM(s.completed) AS completed, SUM(s.failed) AS failed, SUM(s.skipped) AS skipped,
  SUM(s.finished) AS finished, SUM(s.retries) AS retries`;

const ZERO: JobStatCounts = {
  completedCount: 0,
  failedCount: 0,
  skippedCount: 0,
  finishedCount: 0,
  retryCount: 0,
};

function counts(row: SumRow | undefined): JobStatCounts {
  if (!row) return { ...ZERO };
  return {
    completedCount: Number(row.completed ?? 0),
    failedCount: Number(row.failed ?? 0),
    skippedCount: Number(row.skipped ?? 0),
    finishedCount: Number(row.finished ?? 0),
    retryCount: Number(row.retries ?? 0),
  };
}

/**
 * The FROM and WHERE of a query over the roll-up `s`. The job table is joined only for a
 * cluster/group filter: then MySQL walks the cluster's jobs by `uq_job_key` and reads each job's
 * days by the roll-up's primary key (job_id, stat_date); otherwise the date range is read by
 * `ix_stat_date`. Either way the cost follows jobs x days, never the number of runs.
 */
function rollupScope(
  filter: StatFilter,
  from?: string,
  to?: string,
): { from: string; where: string; params: unknown[] } {
  const { conditions, params } = groupConditions(filter);
  const joined = conditions.length > 0;
  if (filter.jobId !== undefined) {
    conditions.push('s.job_id = ?');
    params.push(filter.jobId);
  }
  if (from !== undefined) {
    conditions.push('s.stat_date >= ?');
    params.push(from);
  }
  if (to !== undefined) {
    conditions.push('s.stat_date <= ?');
    params.push(to);
  }
  return {
    from: joined
      ? 'chac_job_stat_daily s JOIN chac_job_detail d ON d.job_id = s.job_id'
      : 'chac_job_stat_daily s',
    where: whereOf(conditions),
    params,
  };
}

/** The cluster and group conditions, on the job table `d`. */
function groupConditions(filter: StatFilter): { conditions: string[]; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (filter.clusterName !== undefined) {
    conditions.push('d.cluster_name = ?');
    params.push(filter.clusterName);
  }
  if (filter.groupName !== undefined) {
    conditions.push('d.group_name = ?');
    params.push(filter.groupName);
  }
  return { conditions, params };
}

const whereOf = (conditions: string[]): string =>
  conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';

/**
 * Chaconne's statistics (reference §7), read from the daily roll-up `chac_job_stat_daily`
 * instead of scanning every run. Jobs are filtered through `chac_job_detail`; a filter that
 * matches no job (an unknown jobId, cluster or group) is not an error, it just counts zero.
 */
@Injectable()
export class StatisticsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly runtime: JobRuntimeRepository,
    @Inject(MANAGER_CONFIG) private readonly config: ManagerConfig,
  ) {}

  /**
   * One row per day of the last `lastDays` days (today included), zero-filled, oldest first.
   * Days are labelled `yyyy-MM-dd`, not Chaconne's 'MMMM dd,yyyy' (see JobStatDetail).
   */
  async byDay(query: JobStatQuery, now = new Date()): Promise<JobStatDetail[]> {
    const days = dayWindow(now, this.config.timeZone, query.lastDays);
    const found = await this.grouped(query, '%Y-%m-%d', days[0], days[days.length - 1]);
    return days.map((day) => ({ executionDate: day, ...(found.get(day) ?? ZERO) }));
  }

  /** One row per month: the current month and the two before, zero-filled, oldest first. */
  async byMonth(query: JobStatQuery, now = new Date()): Promise<JobStatDetail[]> {
    const window = monthWindow(now, this.config.timeZone, MONTHS);
    const found = await this.grouped(query, '%Y-%m', window.from, window.to);
    return window.months.map((month) => ({ executionDate: month, ...(found.get(month) ?? ZERO) }));
  }

  /** Per-job totals over a range of days, paged and ordered by job id; jobs without runs there are left out. */
  async byJob(query: JobStatPageQuery): Promise<Page<JobStatByJob>> {
    const from = this.dayOf(query.startDate);
    const to = this.dayOf(query.endDate);
    const scope = rollupScope(query, from, to);
    const [countRows, rows] = await Promise.all([
      this.dataSource.query<{ total: string | number }[]>(
        `SELECT COUNT(DISTINCT s.job_id) AS total FROM ${scope.from} ${scope.where}`,
        scope.params,
      ),
      this.dataSource.query<
        (SumRow & {
          job_id: number;
          cluster_name: string;
          group_name: string;
          job_name: string;
          job_class_name: string;
          last_execution_time: Date | null;
        })[]
      >(
        // Page the aggregate first, then fetch the JobKeys of that page only.
        `SELECT t.*, k.cluster_name, k.group_name, k.job_name, k.job_class_name
           FROM (SELECT s.job_id, ${SUMS}, MAX(s.last_execution_time) AS last_execution_time
                   FROM ${scope.from} ${scope.where}
                  GROUP BY s.job_id ORDER BY s.job_id LIMIT ? OFFSET ?) t
           JOIN chac_job_detail k ON k.job_id = t.job_id
          ORDER BY t.job_id`,
        [...scope.params, query.size, (query.page - 1) * query.size],
      ),
    ]);
    const total = Number(countRows[0]?.total ?? 0);
    return {
      page: query.page,
      size: query.size,
      rows: total,
      nextPage: query.page * query.size < total ? query.page + 1 : null,
      content: rows.map((row) => ({
        jobId: row.job_id,
        jobKey: {
          clusterName: row.cluster_name,
          groupName: row.group_name,
          jobName: row.job_name,
          jobClassName: row.job_class_name,
        },
        ...counts(row),
        lastExecutionTime: isoOrNull(row.last_execution_time),
      })),
    };
  }

  /** Jobs per state, one entry for every JobState (zeros included), in code order. */
  async stateCounts(query: JobStateCountQuery): Promise<JobStateCount[]> {
    const found = await this.runtime.countByState(query.clusterName);
    return Object.values(JobState)
      .sort((a, b) => a - b)
      .map((state) => ({
        jobState: state,
        displayJobState: enumName(JobState, state) ?? String(state),
        jobCount: found.get(state) ?? 0,
      }));
  }

  /** Totals over all days, and how many defined jobs match the filters. */
  async totals(query: JobStatQuery): Promise<JobStat> {
    const scope = rollupScope(query);
    const jobs = this.jobScope(query);
    const [jobRows, sumRows] = await Promise.all([
      this.dataSource.query<{ n: string | number }[]>(
        `SELECT COUNT(*) AS n FROM chac_job_detail d ${jobs.where}`,
        jobs.params,
      ),
      this.dataSource.query<(SumRow & { last_execution_time: Date | null })[]>(
        `SELECT ${SUMS}, MAX(s.last_execution_time) AS last_execution_time FROM ${scope.from} ${scope.where}`,
        scope.params,
      ),
    ]);
    const sums = sumRows[0];
    return {
      jobCount: Number(jobRows[0]?.n ?? 0),
      ...counts(sums),
      lastExecutionTime: isoOrNull(sums?.last_execution_time ?? null),
    };
  }

  /** Sums per day or month label (`DATE_FORMAT` pattern) over [from, to]. */
  private async grouped(
    filter: StatFilter,
    pattern: '%Y-%m-%d' | '%Y-%m',
    from: string | undefined,
    to: string | undefined,
  ): Promise<Map<string, JobStatCounts>> {
    const scope = rollupScope(filter, from, to);
    // Days group by the column itself, so an ix_stat_date range scan arrives already grouped.
    const groupBy = pattern === '%Y-%m-%d' ? 's.stat_date' : 'label';
    const rows = await this.dataSource.query<(SumRow & { label: string })[]>(
      `SELECT DATE_FORMAT(s.stat_date, '${pattern}') AS label, ${SUMS}
         FROM ${scope.from} ${scope.where}
        GROUP BY ${groupBy}`,
      scope.params,
    );
    return new Map(rows.map((row) => [row.label, counts(row)]));
  }

  private jobScope(filter: StatFilter): { where: string; params: unknown[] } {
    const { conditions, params } = groupConditions(filter);
    if (filter.jobId !== undefined) {
      conditions.push('d.job_id = ?');
      params.push(filter.jobId);
    }
    return { where: whereOf(conditions), params };
  }

  /** A range whose end falls on a day before its start's, in the manager's zone, is refused. */
  rangeProblems(range: StatRange): FieldError[] {
    const from = this.dayOf(range.startDate);
    const to = this.dayOf(range.endDate);
    return from !== undefined && to !== undefined && to < from
      ? [{ field: 'endDate', reason: 'must not be before startDate' }]
      : [];
  }

  private dayOf(input: StatDayInput | undefined): string | undefined {
    if (input === undefined) return undefined;
    return typeof input === 'string' ? input : statDay(input, this.config.timeZone);
  }
}
