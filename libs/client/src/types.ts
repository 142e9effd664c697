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

/** Options of `triggerJob`. */
export interface TriggerJobOptions {
  /**
   * true: run now even while a run of the job is going, ignoring its overlap policy.
   * @defaultValue false (the overlap policy decides)
   */
  force?: boolean;
}

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
  /** Only jobs due to fire at or after this instant. */
  nextFireFrom?: DateInput | null;
  /** Only jobs due to fire before this instant. */
  nextFireTo?: DateInput | null;
  /** @defaultValue 'createDate' */
  sort?: 'jobId' | 'jobName' | 'createDate' | 'nextFireTime';
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

/** selectRuns: runs of every job, newest first (e.g. the latest failures). */
export interface RunPageQuery {
  clusterName?: string | null;
  groupName?: string | null;
  /** Only runs with this outcome (RUNNING: the runs in flight). */
  runningState?: RunningState | null;
  /** Runs planned at or after this instant. */
  startDate?: DateInput | null;
  /** Runs planned before this instant. */
  endDate?: DateInput | null;
  /** @defaultValue 1 */
  page?: number;
  /** 1-1000. @defaultValue 10 */
  size?: number;
}

/** selectWorkers: the instances of some cluster or group only. */
export interface WorkerQuery {
  clusterName?: string | null;
  groupName?: string | null;
}

/** tailJobLog's options. */
export interface TailOptions {
  /** Ends the stream when aborted (the iterator then returns). */
  signal?: AbortSignal;
}

/** xcron's listTasks (not in xcron's README; the console's task list). */
export interface XcronTaskPageQuery {
  /** @defaultValue 1 */
  page?: number;
  /** 1-1000. @defaultValue 20 */
  size?: number;
  /** @defaultValue false */
  includeDeleted?: boolean;
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

export type {
  JobStatCounts,
  JobStatDetail,
  JobStatByJob,
  JobStateCount,
  JobStat,
  JobHistoryRecord,
  TriggerPreview,
  XcronTask,
  JobTraceDetail,
  JobTraceWithKey,
  JobLogTailEvent,
  WorkerInstanceInfo,
  LostWorkerInstance,
  WorkerOverview,
} from '@chaconne/contracts';
