import type { ErrorCode, FieldError } from './envelope';

/**
 * xcron's response codes. 1000-1004 and 1020 mean what they mean in xcron (alwaysthanks/xcron,
 * reference §20.2); the others are ours, picked in the same spirit. Every xcron response
 * carries `{ uuid, code }`; errors add `message`, our Chaconne `error` code and the
 * `errors: [{ field, reason }]` list of every problem found (the `code` is the first of
 * them in the order 1000, 1020, 1001, 1002, 1003, 1005, 1030, 1006).
 *
 * | code | HTTP | meaning                                                               | `error`                |
 * |------|------|-----------------------------------------------------------------------|------------------------|
 * | 0    | 200  | success                                                               |                        |
 * | 1000 | 400  | body not JSON, not an object, nested too deep, has a `__proto__` key, | VALIDATION_FAILED      |
 * |      |      | a field xcron's API does not have, or a field of the wrong JSON type  |                        |
 * | 1001 | 400  | bad `format`: not a crontab (type 1), not 10 digits (type 2)          | VALIDATION_FAILED      |
 * | 1002 | 400  | `format` is a unix timestamp in the past                              | VALIDATION_FAILED      |
 * | 1003 | 400  | `callback.url` missing, empty, not http(s), over 2048 characters      | VALIDATION_FAILED      |
 * | 1004 | 503  | the task could not be stored/scheduled (database unavailable)         | DEPENDENCY_UNAVAILABLE |
 * | 1005 | 400  | `callback.url` refused by the SSRF policy (private address now, or    | CALLBACK_NOT_ALLOWED   |
 * |      |      | credentials); CHACONNE_CALLBACK_ALLOWLIST can allow a private host    |                        |
 * | 1006 | 413  | `{ url, body }` larger than CHACONNE_ATTACHMENT_LIMIT_BYTES (and      | PAYLOAD_TOO_LARGE      |
 * |      |      | nothing else wrong: with other problems the answer is their 400)      |                        |
 * | 1020 | 400  | unknown `type` (not 1 or 2)                                           | VALIDATION_FAILED      |
 * | 1030 | 400  | `task_id` missing, not a string, or not shaped like a task id         | VALIDATION_FAILED      |
 * | 1040 | 404  | no such task                                                          | JOB_NOT_FOUND          |
 * | 1050 | 401  | no or unknown admin token                                             | UNAUTHORIZED           |
 * | 1051 | 429  | admin rate limit exceeded                                             | RATE_LIMITED           |
 * | 1099 | 500  | internal error                                                        | INTERNAL_ERROR         |
 */
export const XcronCode = {
  OK: 0,
  BAD_JSON: 1000,
  BAD_FORMAT: 1001,
  BAD_TIMESTAMP: 1002,
  BAD_CALLBACK_URL: 1003,
  ENQUEUE_FAILED: 1004,
  CALLBACK_NOT_ALLOWED: 1005,
  CALLBACK_TOO_LARGE: 1006,
  UNKNOWN_TYPE: 1020,
  BAD_TASK_ID: 1030,
  TASK_NOT_FOUND: 1040,
  UNAUTHORIZED: 1050,
  RATE_LIMITED: 1051,
  INTERNAL_ERROR: 1099,
} as const;
export type XcronCode = (typeof XcronCode)[keyof typeof XcronCode];

/** xcron task types, as its README documents them (its code had them the other way round). */
export const XcronType = { PERIODIC: 1, ONE_SHOT: 2 } as const;
export type XcronType = (typeof XcronType)[keyof typeof XcronType];

/** Every xcron response: `uuid` names the request, `code` 0 is success. */
export interface XcronResponse<T = never> {
  uuid: string;
  code: number;
  message?: string;
  data?: T;
  /**
   * On success, things the caller should know (not an xcron field; absent when there are
   * none), e.g. `callback.url: host test.demo.com did not resolve (ENOTFOUND); it will be
   * checked again at each delivery` from createTask.
   */
  warnings?: string[];
  /** On errors: the Chaconne error code of the same failure. */
  error?: ErrorCode;
  /** On validation errors: every problem found. */
  errors?: FieldError[];
}

/** A task as queryTask answers it. */
export interface XcronTask {
  task_id: string;
  /** Unix seconds, as a string like xcron's README declares it. */
  create_time: string;
  type: XcronType;
  /** The crontab expression, or the unix timestamp (seconds) of a one-shot task. */
  format: string;
  /** Runs the task has had (occurrences that fired; skipped ones not counted). */
  run_count: number;
  /** What each run does: POST `body` as JSON to `url`. */
  callback: { url: string; body: Record<string, unknown> };
  /** true once deleteTask stopped it (not an xcron field). */
  deleted: boolean;
}
