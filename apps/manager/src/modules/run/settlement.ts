import { JobState, RunningState } from '@chaconne/contracts';
import { TRANSITIONS } from '../job-definition/job-transitions';
import type { SettlingRun } from './run-store.service';

/** Why a run failed, when it matters to what follows. */
export type FailureKind =
  /** The handler threw or the worker reported FAILED (the default). */
  | 'execution'
  /**
   * The worker reported that retrying cannot help (the handler threw NonRetryableError):
   * the final failure of its occurrence, whatever attempts remain.
   */
  | 'non-retryable'
  /** The run outlived its timeout: counts toward freezing the job. */
  | 'timeout'
  /** Its instance stopped sending heartbeats. */
  | 'worker-lost'
  /** No instance took the run. */
  | 'dispatch'
  /** REPLACE: a newer occurrence cancelled it. Not retried, not counted as a failure. */
  | 'replaced'
  /**
   * An operator cancelled it (cancelRun). Not retried; FAILED in the statistics like every
   * failed run, but not a failure of the job: no failure alert, and it does not count toward
   * maxConsecutiveFailures (the operator chose to stop it).
   */
  | 'operator';

/** Cool-downs stop doubling after this many freezes in a row (timeout x 1024). */
const MAX_FREEZE_EXPONENT = 10;
/** States a job may freeze from: the lifecycle's freeze transition decides. */
const FREEZABLE_STATES: readonly number[] = TRANSITIONS.freeze.from;
/** States in which a failed run is retried. */
const RETRYABLE_STATES: readonly number[] = [
  JobState.SCHEDULING,
  JobState.RUNNING,
  JobState.PAUSED,
  JobState.NOT_SCHEDULED,
];

/** What an outcome decides for its run and job. */
export interface Settlement {
  completed: boolean;
  timedOut: boolean;
  /** A failure of the job: counted toward maxConsecutiveFailures, retried or alerted. */
  countsAsFailure: boolean;
  /** The job's timed-out runs in a row after this one. */
  timeoutsInARow: number;
  /** The job freezes (too many timeouts in a row) until `frozenUntil`. */
  freeze: boolean;
  frozenUntil: Date | null;
  /** Another attempt of the occurrence follows (after the job's backoff). */
  retry: boolean;
  /** The occurrence failed for good: consecutive failures grow, the failure alert goes out. */
  finalFailure: boolean;
}

/**
 * The policies an outcome triggers, decided from the run's attempt and its job alone:
 * retries (while attempts remain, the job may run and the failure is retryable), freezing
 * after repeated timeouts, and whether the failure is final.
 */
export function decideSettlement(
  settling: Pick<SettlingRun, 'run' | 'job'>,
  state: RunningState,
  failure: FailureKind,
  now: number,
): Settlement {
  const { run, job } = settling;
  const { policy } = job;
  const failed = state === RunningState.FAILED;
  const completed = state === RunningState.COMPLETED;
  const timedOut = failed && failure === 'timeout';
  const countsAsFailure = failed && failure !== 'replaced' && failure !== 'operator';
  const timeoutMs = job.timeoutMs;
  const timeoutsInARow = timedOut ? job.consecutiveTimeouts + 1 : completed ? 0 : job.consecutiveTimeouts;
  const freeze =
    timedOut &&
    timeoutMs > 0 &&
    policy.freezeAfterTimeouts > 0 &&
    timeoutsInARow >= policy.freezeAfterTimeouts &&
    FREEZABLE_STATES.includes(job.jobState);
  const retry =
    countsAsFailure &&
    failure !== 'non-retryable' &&
    !freeze &&
    run.attempt < job.retries &&
    RETRYABLE_STATES.includes(job.jobState);
  return {
    completed,
    timedOut,
    countsAsFailure,
    timeoutsInARow,
    freeze,
    frozenUntil: freeze
      ? new Date(now + timeoutMs * 2 ** Math.min(job.freezeCount + 1, MAX_FREEZE_EXPONENT))
      : null,
    retry,
    finalFailure: countsAsFailure && !retry,
  };
}
