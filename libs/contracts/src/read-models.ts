import type { JobState, RunningState, LogLevel, TriggerType } from './enums';
import type { JobKey } from './job-key';
import type { ResolvedRunPolicy } from './run-policy';

export interface JobRuntimeDetail {
  jobId: number;
  jobState: JobState;
  lastRunningState: RunningState | null;
  lastExecutionTime: string | null;
  lastCompletionTime: string | null;
  nextExecutionTime: string | null;
  /** Failed final attempts in a row (reset by a completed run). */
  consecutiveFailures: number;
  /** Timed-out runs in a row (reset by a completed run). */
  consecutiveTimeouts: number;
  /** Freezes in a row: the next cool-down lasts timeout x 2^freezeCount. */
  freezeCount: number;
  /** While FROZEN: when the job resumes. */
  frozenUntil: string | null;
  /**
   * Why the manager itself finished the job, e.g. `no further fire time: its only occurrence
   * (2026-12-07T10:00:00.000Z) has ended` or `repeat count reached (3 occurrences)`; null
   * when an operator's request (deleteJob, finishJob, ...) moved it last.
   */
  stateReason: string | null;
}

export interface JobTriggerDetail {
  jobId: number;
  triggerType: TriggerType;
  startDate: string | null;
  endDate: string | null;
  repeatCount: number;
  timeZone: string;
  /** Chaconne sends the description as a JSON string. */
  triggerDescription: string;
}

/** A job's definition with its run policy resolved (defaults applied). */
export interface JobDetail extends ResolvedRunPolicy {
  jobId: number;
  jobKey: JobKey;
  description: string;
  attachment: string | null;
  email: string;
  retries: number;
  weight: number;
  timeout: number;
  /** Fork/join: the share (0-1) of fork jobs that must complete; -1 = all. */
  completionRate: number;
  createDate: string;
  jobRuntime: JobRuntimeDetail;
  jobTriggerDetail: JobTriggerDetail;
}

/** One run of a job (Chaconne's JobTrace; `traceId` is the run id). */
export interface JobTrace {
  traceId: number;
  jobId: number;
  attempt: number;
  runningState: RunningState;
  reason: string | null;
  address: string | null;
  instanceId: string | null;
  plannedTime: string;
  executionTime: string | null;
  completionTime: string | null;
  completed: number;
  failed: number;
  skipped: number;
  finished: number;
  retries: number;
  result: string | null;
  /** A retry's first attempt (its traceId); null on a first attempt. */
  firstTraceId: number | null;
  /** A report that arrived after the run already had an outcome (e.g. from an instance declared lost), kept for the record. */
  lateReport: string | null;
}

export interface JobLog {
  traceId: number;
  jobId: number;
  level: LogLevel;
  log: string;
  createDate: string;
}

/** One line of a failed run's stack trace (Chaconne's JobStackTrace). */
export interface JobStackTrace {
  traceId: number;
  jobId: number;
  stackTrace: string;
}

/** previewTrigger: the next fire times of a trigger, in its zone and in UTC. */
export interface TriggerPreview {
  /** The trigger's IANA time zone (the manager's when the trigger names none). */
  timeZone: string;
  /** `utc`: ISO-8601 in UTC; `local`: the same instant in the trigger's zone, with its offset. */
  fireTimes: { utc: string; local: string }[];
}

/** One change of a job's definition (selectJobHistory). */
export interface JobHistoryRecord {
  changedAt: string;
  /** `api` (admin API or console), `worker` (a code-defined job registered by an instance) or `xcron`. */
  source: string;
  /** The admin token's name, or the worker instance id. */
  actor: string;
  /** `create` or `update`. */
  action: string;
  /** Each changed field with its old and new value. */
  changes: Record<string, { from: unknown; to: unknown }>;
}

export interface Page<T> {
  page: number;
  size: number;
  rows: number;
  nextPage: number | null;
  content: T[];
}

/** getJobTraceDetail: one run with every timing, its job and its error . */
export interface JobTraceDetail extends JobTrace {
  jobKey: JobKey;
  /** The job's retries: the attempt numbered `jobRetries` is the last. */
  jobRetries: number;
  /** The job's timeout in milliseconds; -1 = none. */
  timeout: number;
  /** When the run row was made (the occurrence fired, or triggerJob was called). */
  createdTime: string;
  /** When the run was handed to a worker; null before. */
  dispatchedTime: string | null;
  /** When the manager cancels the run if it is still going; null without a timeout. */
  deadlineTime: string | null;
  /** executionTime - plannedTime in milliseconds; null before the run starts. */
  latenessMs: number | null;
  /** The error message of a failed run; null otherwise. */
  errorMessage: string | null;
}

/** selectRuns: runs of every job, newest first, each with its job's key. */
export interface JobTraceWithKey extends JobTrace {
  jobKey: JobKey;
}

/** One line of tailJobLog's stream: a log line, or the end of the run. */
export type JobLogTailEvent =
  { type: 'log'; log: JobLog } | { type: 'end'; runningState: RunningState; reason: string | null };

/** A live worker instance (selectWorkers). */
export interface WorkerInstanceInfo {
  instanceId: string;
  clusterName: string;
  groupName: string;
  /** The base URL the manager dispatches to. */
  address: string;
  weight: number;
  labels: Record<string, string>;
  sdkVersion: string;
  protocolVersion: number;
  /** The job classes the instance can run. */
  jobs: string[];
  startedAt: string;
  registeredAt: string;
  lastHeartbeatAt: string | null;
  /** Milliseconds since the last heartbeat, on the manager's clock when it answered. */
  heartbeatAgeMs: number | null;
  /** Runs in flight on the instance, as its last heartbeat said. */
  activeRuns: number;
  /** Runs the instance takes at once; null when it sets no limit. */
  capacity: number | null;
  draining: boolean;
}

/** An instance that left or was declared lost (selectWorkers' `lost`). */
export interface LostWorkerInstance {
  instanceId: string;
  clusterName: string;
  groupName: string;
  address: string;
  sdkVersion: string;
  lostAt: string;
  /** `deregistered`: it said goodbye; `heartbeat-lost`: it stopped answering. */
  reason: 'deregistered' | 'heartbeat-lost';
}

/** selectWorkers: the live instances by cluster and group, and the ones lost in the last hour. */
export interface WorkerOverview {
  live: WorkerInstanceInfo[];
  lost: LostWorkerInstance[];
}
