import type { JobKey, RunningState } from '@chaconne/contracts';

/** Why a mail goes out: the run failed for good, the job was terminated, or it was frozen. */
export type AlertEvent = 'failed' | 'terminated' | 'frozen';

/** What the run pipeline hands to {@link AlertService.notify} about one run. */
export interface RunAlert {
  jobId: number;
  jobKey: JobKey;
  /** The job's comma-separated `email` field; '' means nobody, so no mail. */
  recipients: string;
  /** Chaconne's trace id. */
  runId: number;
  attempt: number;
  plannedAt: Date;
  /** FAILED (final attempt) or FINISHED (job terminated). */
  runningState: RunningState;
  reason: string | null;
  errorStack: string | null;
  instanceId: string | null;
  event: AlertEvent;
}
