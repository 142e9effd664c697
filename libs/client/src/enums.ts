// Chaconne's integer enums come from the contracts (whose entry point is browser-safe).
export {
  DependencyType,
  JobState,
  LogLevel,
  RunningState,
  SchedulingUnit,
  TriggerType,
} from '@chaconne/contracts';

/** xcron task types, as xcron's README documents them: 1 periodic (crontab), 2 one-shot. */
export const XcronType = { PERIODIC: 1, ONE_SHOT: 2 } as const;
export type XcronType = (typeof XcronType)[keyof typeof XcronType];

/**
 * The `code` of xcron answers (the manager's `xcron-codes.ts`): 0 is success; 1000-1004 and
 * 1020 mean what they mean in xcron, the others are the manager's.
 */
export const XcronCode = {
  OK: 0,
  /** Body not JSON, not an object, or a field of the wrong JSON type. */
  BAD_JSON: 1000,
  /** `format` is not a crontab (type 1) or not 10 digits (type 2). */
  BAD_FORMAT: 1001,
  /** `format` is a unix timestamp in the past. */
  BAD_TIMESTAMP: 1002,
  /** `callback.url` missing, not http(s), or its host does not resolve. */
  BAD_CALLBACK_URL: 1003,
  /** The task could not be stored (database unavailable). */
  ENQUEUE_FAILED: 1004,
  /** `callback.url` refused by the SSRF policy (internal address, credentials). */
  CALLBACK_NOT_ALLOWED: 1005,
  /** `{ url, body }` larger than the attachment limit. */
  CALLBACK_TOO_LARGE: 1006,
  /** `type` is not 1 or 2. */
  UNKNOWN_TYPE: 1020,
  /** `task_id` missing or not a string. */
  BAD_TASK_ID: 1030,
  /** No such task. */
  TASK_NOT_FOUND: 1040,
  /** No or unknown admin token. */
  UNAUTHORIZED: 1050,
  /** Admin rate limit exceeded. */
  RATE_LIMITED: 1051,
  INTERNAL_ERROR: 1099,
} as const;
export type XcronCode = (typeof XcronCode)[keyof typeof XcronCode];
