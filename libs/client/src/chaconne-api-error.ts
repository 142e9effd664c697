import type { ErrorCode, FieldError, JobState } from '@chaconne/contracts';

/** The client's own codes: the manager was not reached, or answered something unreadable. */
export type ClientErrorCode = 'NETWORK_ERROR' | 'BAD_RESPONSE';

/** Facts the manager attached to a refusal, e.g. the job's current state on a 409. */
export type ChaconneErrorDetails = Record<string, unknown> & {
  /** The job's state when a state transition was refused (409 STATE_CONFLICT). */
  jobState?: JobState;
};

/**
 * An error answer of the manager, with its HTTP status, its stable `code`, every offending
 * field and the `details` of the refusal. Also thrown when the manager cannot be reached or
 * does not answer in time (`status` 0, code `NETWORK_ERROR`) or answers something that is not
 * its envelope (code `BAD_RESPONSE`).
 *
 * @example
 * try {
 *   await jobs.resumeJob(key);
 * } catch (error) {
 *   if (error instanceof ChaconneApiError && error.code === 'STATE_CONFLICT') {
 *     console.log('the job is', error.details.jobState);
 *   } else throw error;
 * }
 */
export class ChaconneApiError extends Error {
  constructor(
    message: string,
    /** HTTP status; 0 when the manager could not be reached. */
    readonly status: number,
    readonly code: ErrorCode | ClientErrorCode,
    readonly fieldErrors: FieldError[] = [],
    readonly details: ChaconneErrorDetails = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ChaconneApiError';
  }
}

/**
 * An xcron answer with a non-zero `code` (see {@link XcronCode}). `code` is the manager's
 * Chaconne error code of the same failure (e.g. `CALLBACK_NOT_ALLOWED` with xcron code 1005).
 */
export class XcronApiError extends ChaconneApiError {
  constructor(
    message: string,
    status: number,
    code: ErrorCode | ClientErrorCode,
    /** xcron's response code, e.g. 1005 when the callback URL is refused. */
    readonly xcronCode: number,
    /** The `uuid` xcron gives every answer. */
    readonly uuid: string | null,
    fieldErrors: FieldError[] = [],
  ) {
    super(message, status, code, fieldErrors);
    this.name = 'XcronApiError';
  }
}
