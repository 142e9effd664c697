/** Stable machine-readable error codes carried by every error response. */
export const ErrorCode = {
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  NOT_FOUND: 'NOT_FOUND',
  JOB_NOT_FOUND: 'JOB_NOT_FOUND',
  RUN_NOT_FOUND: 'RUN_NOT_FOUND',
  STATE_CONFLICT: 'STATE_CONFLICT',
  /** triggerJob refused by the job's overlap policy: a run is in flight (pass `force`). */
  RUN_IN_PROGRESS: 'RUN_IN_PROGRESS',
  /** cancelRun: the run already has an outcome (`details.runningState`). */
  RUN_FINISHED: 'RUN_FINISHED',
  UNAUTHORIZED: 'UNAUTHORIZED',
  BAD_SIGNATURE: 'BAD_SIGNATURE',
  STALE_REQUEST: 'STALE_REQUEST',
  REPLAYED_REQUEST: 'REPLAYED_REQUEST',
  INCOMPATIBLE_PROTOCOL: 'INCOMPATIBLE_PROTOCOL',
  NO_HANDLER: 'NO_HANDLER',
  /** A run sent to a worker that does not serve its cluster or group (the manager's registry is stale). */
  WRONG_RECIPIENT: 'WRONG_RECIPIENT',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  RATE_LIMITED: 'RATE_LIMITED',
  CALLBACK_NOT_ALLOWED: 'CALLBACK_NOT_ALLOWED',
  DEPENDENCY_UNAVAILABLE: 'DEPENDENCY_UNAVAILABLE',
  INTERNAL_ERROR: 'INTERNAL_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface FieldError {
  /** Dotted path of the offending field, e.g. `trigger.triggerDescription.cron.expression`. */
  field: string;
  reason: string;
}

/** Chaconne's `Result<T>` envelope. */
export interface ApiSuccess<T> {
  success: true;
  msg: string;
  data: T;
}

export interface ApiFailure {
  success: false;
  msg: string;
  code: ErrorCode;
  data: null;
  errors?: FieldError[];
  /** Facts about the refusal, e.g. `{ jobState: 3 }` when a state transition is illegal. */
  details?: Record<string, unknown>;
}

export type ApiResult<T> = ApiSuccess<T> | ApiFailure;

export function ok<T>(data: T, msg = 'ok'): ApiSuccess<T> {
  return { success: true, msg, data };
}
