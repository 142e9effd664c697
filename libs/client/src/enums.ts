import type {
  DependencyType as DependencyTypeCodes,
  JobState as JobStateCodes,
  LogLevel as LogLevelCodes,
  RunningState as RunningStateCodes,
  SchedulingUnit as SchedulingUnitCodes,
  TriggerType as TriggerTypeCodes,
} from '@chaconne/contracts';

/*
 * Chaconne's integer enums, as the client's own values. They are declared with the type of
 * the @chaconne/contracts objects, so any drift from the contracts fails to compile, but the
 * client imports nothing from @chaconne/contracts at run time: its index also loads the
 * request signing (node:crypto), and this client must run in a browser too.
 */

export const JobState: typeof JobStateCodes = {
  NOT_SCHEDULED: 0,
  SCHEDULING: 1,
  RUNNING: 2,
  PAUSED: 3,
  FINISHED: 4,
  FROZEN: 10,
};
export type JobState = JobStateCodes;

export const RunningState: typeof RunningStateCodes = {
  FAILED: 0,
  COMPLETED: 1,
  SKIPPED: 2,
  FINISHED: 3,
  RUNNING: 99,
};
export type RunningState = RunningStateCodes;

export const TriggerType: typeof TriggerTypeCodes = {
  SIMPLE: 0,
  CRON: 1,
  PERIODIC: 2,
  DEPENDENT: 3,
};
export type TriggerType = TriggerTypeCodes;

export const DependencyType: typeof DependencyTypeCodes = {
  SERIAL: 0,
  PARALLEL: 1,
  MIXED: 2,
};
export type DependencyType = DependencyTypeCodes;

export const SchedulingUnit: typeof SchedulingUnitCodes = {
  SECONDS: 0,
  MINUTES: 1,
  HOURS: 2,
  DAYS: 3,
};
export type SchedulingUnit = SchedulingUnitCodes;

export const LogLevel: typeof LogLevelCodes = {
  TRACE: 0,
  DEBUG: 1,
  INFO: 2,
  WARN: 3,
  ERROR: 4,
};
export type LogLevel = LogLevelCodes;

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
