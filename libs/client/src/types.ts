import type { JobKey, WireDate } from '@chaconne/contracts';
import type { JobState, RunningState, TriggerType, XcronType } from './enums';

/*
 * Requests and answers of the manager's admin and xcron API that @chaconne/contracts does not
 * declare, mirroring the manager's request schemas (the `dto` folders under `apps/manager/src/modules`)
 * and answer types. Optional fields may be left out: the manager fills the same defaults.
 */

/** A date in a request: a `Date` (sent as ISO-8601), epoch milliseconds or a date string. */
export type DateInput = Date | WireDate;

/**
 * A job's initial parameter: a string (JSON recommended, as in Chaconne) or a JSON value,
 * which the client sends as its JSON text.
 */
export type Attachment = string | Record<string, unknown> | unknown[];

/** Chaconne's JobKeyQuery (getJobKeys): the keys of the jobs with a trigger type. */
export interface JobKeyQuery {
  triggerType: TriggerType;
  clusterName?: string | null;
  groupName?: string | null;
  clusterNames?: string[] | null;
  groupNames?: string[] | null;
}

/** The job list (selectJobDetail): Chaconne's PageQuery with filters and sorting. */
export interface JobDetailPageQuery {
  clusterName?: string | null;
  groupName?: string | null;
  /** Part of the job name. */
  jobName?: string | null;
  jobState?: JobState | null;
  triggerType?: TriggerType | null;
  /** From 1. @defaultValue 1 */
  page?: number;
  /** 1-1000. @defaultValue 10 */
  size?: number;
  /** @defaultValue 'createDate' */
  sort?: 'jobId' | 'jobName' | 'createDate';
  /** @defaultValue 'desc' */
  order?: 'asc' | 'desc';
}

/** Chaconne's JobTracePageQuery (selectJobTrace): a job's runs, newest first. */
export interface JobTracePageQuery {
  jobKey: JobKey;
  /** @defaultValue 1 */
  page?: number;
  /** 1-1000. @defaultValue 10 */
  size?: number;
  startDate?: DateInput | null;
  endDate?: DateInput | null;
  /** Only runs with this outcome. */
  runningState?: RunningState | null;
}

/** Chaconne's JobStatQuery (selectJobStatByDay, selectJobStatByMonth, selectJobStat). */
export interface JobStatQuery {
  clusterName?: string | null;
  groupName?: string | null;
  /** Chaconne's name for the group; give it or `groupName`, not two different values. */
  applicationName?: string | null;
  jobId?: number | null;
  /** 1-366 days, today included (selectJobStatByDay). @defaultValue 30 */
  lastDays?: number;
}

/** Chaconne's JobStatPageQuery (selectJobStatById): per-job counters between two days. */
export interface JobStatPageQuery {
  clusterName?: string | null;
  groupName?: string | null;
  applicationName?: string | null;
  /** A day `yyyy-MM-dd`, or an instant filed under its day in the manager's time zone. */
  startDate?: DateInput | null;
  endDate?: DateInput | null;
  /** @defaultValue 1 */
  page?: number;
  /** 1-1000. @defaultValue 10 */
  size?: number;
}

/** Chaconne's Query (selectJobStateCount). */
export interface JobStateCountQuery {
  clusterName?: string | null;
}

/** The five counters of every statistics row. */
export interface JobStatCounts {
  completedCount: number;
  failedCount: number;
  skippedCount: number;
  finishedCount: number;
  /** Runs that were retries (attempt > 0). */
  retryCount: number;
}

/** One day (`yyyy-MM-dd`) or one month (`yyyy-MM`) of counters (Chaconne's JobStatDetail). */
export interface JobStatDetail extends JobStatCounts {
  executionDate: string;
}

/** One job's counters (selectJobStatById). */
export interface JobStatByJob extends JobStatCounts {
  jobId: number;
  jobKey: JobKey;
  /** ISO-8601 start of the job's latest run in the range, or null. */
  lastExecutionTime: string | null;
}

/** How many jobs are in one state (Chaconne's JobStateCount). */
export interface JobStateCount {
  jobState: JobState;
  /** The state's name, e.g. `SCHEDULING`. */
  displayJobState: string;
  jobCount: number;
}

/** Totals over all days (Chaconne's JobStat). */
export interface JobStat extends JobStatCounts {
  /** Defined jobs matching the filters. */
  jobCount: number;
  /** ISO-8601 start of the latest run, or null. */
  lastExecutionTime: string | null;
}

/** previewTrigger: the next fire times of a trigger. */
/** One change of a job's definition (selectJobHistory). */
export interface JobHistoryRecord {
  changedAt: string;
  /** `api`, `worker` (a code-defined job registered by an instance) or `xcron`. */
  source: string;
  /** The admin token's name, or the worker instance id. */
  actor: string;
  /** `create` or `update`. */
  action: string;
  changes: Record<string, { from: unknown; to: unknown }>;
}

export interface TriggerPreview {
  /** The trigger's IANA time zone (the manager's when the trigger names none). */
  timeZone: string;
  /** `utc`: ISO-8601 in UTC; `local`: the same instant in the trigger's zone, with its offset. */
  fireTimes: { utc: string; local: string }[];
}

/** What an xcron task POSTs, and where. */
export interface XcronCallback {
  url: string;
  /** Sent as the JSON body; `{}` when left out. */
  body?: Record<string, unknown> | null;
}

/** xcron's createTask body. */
export interface XcronCreateTaskRequest {
  /** 1 periodic (`format` is a crontab), 2 one-shot (`format` is unix seconds). */
  type: XcronType;
  /**
   * Type 1: a crontab (5-field Unix, or 6/7-field Quartz); type 2: a 10-digit unix timestamp
   * in seconds, not in the past. A 10-digit format is a one-shot whatever the type. A `Date`
   * is sent as unix seconds, rounded up to the next whole second.
   */
  format: string | Date;
  callback: XcronCallback;
}

/** xcron's queryTask answer. */
export interface XcronTask {
  task_id: string;
  /** Unix seconds, as a string. */
  create_time: string;
  type: XcronType;
  /** The crontab expression, or the unix timestamp (seconds) of a one-shot task. */
  format: string;
  /** Occurrences that fired. */
  run_count: number;
  callback: { url: string; body: Record<string, unknown> };
  /** true once deleteTask stopped it (not an xcron field). */
  deleted: boolean;
}
