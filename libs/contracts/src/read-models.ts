import type { JobState, RunningState, LogLevel, TriggerType } from './enums';
import type { JobKey } from './job-key';

export interface JobRuntimeDetail {
  jobId: number;
  jobState: JobState;
  lastRunningState: RunningState | null;
  lastExecutionTime: string | null;
  lastCompletionTime: string | null;
  nextExecutionTime: string | null;
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

export interface JobDetail {
  jobId: number;
  jobKey: JobKey;
  description: string;
  attachment: string | null;
  email: string;
  retries: number;
  weight: number;
  timeout: number;
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

export interface Page<T> {
  page: number;
  size: number;
  rows: number;
  nextPage: number | null;
  content: T[];
}
