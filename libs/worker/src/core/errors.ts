import type { ErrorCode, FieldError } from '@chaconne/contracts';

/** Misuse of the SDK or an unrecoverable start-up condition (bad options, duplicate jobs, ...). */
export class ChaconneWorkerError extends Error {
  override readonly name = 'ChaconneWorkerError';

  constructor(
    message: string,
    /**
     * An invalid job definition's problems, each field named as the manager names it
     * (`trigger.repeatCount`, `jobKey.jobName`, ...); empty for other errors.
     */
    readonly problems: readonly FieldError[] = [],
  ) {
    super(message);
  }
}

/**
 * Throw from a handler when retrying cannot help (bad attachment, missing record, ...).
 * The run is reported FAILED with `error.name === 'NonRetryableError'`, which the manager
 * reads as "do not retry this run".
 *
 * @example
 * if (!parameter.table) throw new NonRetryableError('attachment has no "table"');
 */
export class NonRetryableError extends Error {
  override readonly name = 'NonRetryableError';
}

/**
 * Throw from a job (its body, `prepare` or `shouldRun`) to end the job for good, as
 * Chaconne's `JobTerminationException` does: the run is reported FINISHED with the message
 * as its reason, and the manager finishes the job (it is never scheduled again).
 *
 * @example
 * if (await source.isExhausted()) throw new JobTerminationError('source exhausted: nothing left to import');
 */
export class JobTerminationError extends Error {
  override readonly name = 'JobTerminationError';
}

/**
 * The reason of `ctx.signal` when a run exceeds the job's timeout: the run is reported
 * FAILED with this error.
 */
export class RunTimeoutError extends Error {
  override readonly name = 'TimeoutError';

  constructor(readonly timeoutMs: number) {
    super(`timeout after ${timeoutMs} ms`);
  }
}

/**
 * The reason of `ctx.signal` when the manager cancels a run (its message is the manager's
 * reason, e.g. `replaced by run 42`) or the worker shuts down: the run is reported FAILED
 * with this error.
 *
 * @example
 * ctx.signal.addEventListener('abort', () => {
 *   if (ctx.signal.reason instanceof RunAbortedError) ctx.log.warn('stopped: {}', ctx.signal.reason.message);
 * });
 */
export class RunAbortedError extends Error {
  override readonly name = 'AbortError';
}

/**
 * A worker -> manager request that did not succeed. `status` is null when the manager did
 * not answer at all (connection refused, timeout, aborted).
 */
export class ManagerRequestError extends Error {
  override readonly name = 'ManagerRequestError';

  constructor(
    message: string,
    readonly status: number | null,
    readonly code: ErrorCode | null = null,
    readonly fieldErrors: readonly FieldError[] = [],
  ) {
    super(message);
  }
}

/** Answers after which resending the same request (a report, a log batch) cannot help. */
export function isFinalRefusal(error: unknown): error is ManagerRequestError {
  return (
    error instanceof ManagerRequestError &&
    error.status !== null &&
    [400, 404, 409, 410, 413, 422].includes(error.status)
  );
}

/** An error's message, or any thrown value in words. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
