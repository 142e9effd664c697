import type { JobState } from './enums';
import type { JobKey } from './job-key';

/* Wire types of the statistics endpoints, named after Chaconne's. */

/** The five counters every statistics row carries. */
export interface JobStatCounts {
  completedCount: number;
  failedCount: number;
  skippedCount: number;
  finishedCount: number;
  /** Runs that were retries (attempt > 0), not the sum of attempt numbers. */
  retryCount: number;
}

/**
 * One day (`yyyy-MM-dd`) or one month (`yyyy-MM`) of Chaconne's JobStatDetail. Chaconne labels
 * them 'MMMM dd,yyyy' / 'MMMM,yyyy' (English month names); ISO labels sort, parse in every
 * language and are what the rest of this API uses.
 */
export interface JobStatDetail extends JobStatCounts {
  executionDate: string;
}

/** One job's row of `selectJobStatById` (Chaconne returns it as a JobStatDetail too). */
export interface JobStatByJob extends JobStatCounts {
  jobId: number;
  jobKey: JobKey;
  /** ISO-8601 (UTC) start of the job's latest run in the range, or null. */
  lastExecutionTime: string | null;
}

/** Chaconne's JobStateCount: how many jobs are in one state. */
export interface JobStateCount {
  jobState: JobState;
  /** The state's name, e.g. `SCHEDULING` (Chaconne's displayJobState). */
  displayJobState: string;
  jobCount: number;
}

/** Chaconne's JobStat: totals over all days. */
export interface JobStat extends JobStatCounts {
  /** Defined jobs matching the filters, whether or not they ever ran. */
  jobCount: number;
  /** ISO-8601 (UTC) start of the latest run, or null. */
  lastExecutionTime: string | null;
}
