import { randomUUID } from 'node:crypto';
import { ErrorCode, type FieldError } from '@chaconne/contracts';
import { AppError } from '../../common/app-error';

/**
 * xcron's response codes. 1000-1004 and 1020 mean what they mean in xcron (alwaysthanks/xcron,
 * reference §20.2); the others are ours, picked in the same spirit. Every xcron response
 * carries `{ uuid, code }`; errors add `message`, our Chaconne `error` code and the
 * `errors: [{ field, reason }]` list.
 *
 * | code | HTTP | meaning                                                               | `error`                |
 * |------|------|-----------------------------------------------------------------------|------------------------|
 * | 0    | 200  | success                                                               |                        |
 * | 1000 | 400  | body is not JSON, not an object, or a field has the wrong JSON type   | VALIDATION_FAILED      |
 * | 1001 | 400  | bad `format`: not a crontab (type 1), not 10 digits (type 2)          | VALIDATION_FAILED      |
 * | 1002 | 400  | `format` is a unix timestamp in the past                              | VALIDATION_FAILED      |
 * | 1003 | 400  | `callback.url` missing, empty, not http(s), or its host does not resolve | VALIDATION_FAILED   |
 * | 1004 | 503  | the task could not be stored/scheduled (database unavailable)         | DEPENDENCY_UNAVAILABLE |
 * | 1005 | 400  | `callback.url` refused by the SSRF policy (private address, credentials) | CALLBACK_NOT_ALLOWED |
 * | 1006 | 413  | `{ url, body }` larger than CHACONNE_ATTACHMENT_LIMIT_BYTES           | PAYLOAD_TOO_LARGE      |
 * | 1020 | 400  | unknown `type` (not 1 or 2)                                           | VALIDATION_FAILED      |
 * | 1030 | 400  | `task_id` missing or not a string                                     | VALIDATION_FAILED      |
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
  /** On errors: the Chaconne error code of the same failure. */
  error?: ErrorCode;
  /** On validation errors: every problem found. */
  errors?: FieldError[];
}

export function xcronOk<T>(data?: T): XcronResponse<T> {
  return data === undefined
    ? { uuid: randomUUID(), code: XcronCode.OK }
    : { uuid: randomUUID(), code: 0, data };
}

/** One validation problem with the xcron code it maps to. */
export interface XcronProblem extends FieldError {
  code: XcronCode;
}

/** When several problems are found, the response code is the earliest in this order. */
const PRIORITY: readonly XcronCode[] = [
  XcronCode.BAD_JSON,
  XcronCode.UNKNOWN_TYPE,
  XcronCode.BAD_FORMAT,
  XcronCode.BAD_TIMESTAMP,
  XcronCode.BAD_CALLBACK_URL,
  XcronCode.CALLBACK_NOT_ALLOWED,
  XcronCode.BAD_TASK_ID,
];

/** An error answered in xcron's shape; also an AppError, so the global filter maps it sanely. */
export class XcronError extends AppError {
  constructor(
    readonly xcronCode: XcronCode,
    errorCode: ErrorCode,
    message: string,
    status: number,
    fieldErrors?: FieldError[],
  ) {
    super(errorCode, message, status, fieldErrors);
  }

  /** A 400 listing every problem; its code is the most fundamental one's. */
  static invalid(problems: readonly XcronProblem[]): XcronError {
    const code =
      PRIORITY.find((c) => problems.some((p) => p.code === c)) ?? problems[0]?.code ?? XcronCode.BAD_JSON;
    return new XcronError(
      code,
      code === XcronCode.CALLBACK_NOT_ALLOWED ? ErrorCode.CALLBACK_NOT_ALLOWED : ErrorCode.VALIDATION_FAILED,
      problems.map((p) => `${p.field}: ${p.reason}`).join('; '),
      400,
      problems.map(({ field, reason }) => ({ field, reason })),
    );
  }

  static of(code: XcronCode, field: string, reason: string): XcronError {
    return XcronError.invalid([{ code, field, reason }]);
  }
}
