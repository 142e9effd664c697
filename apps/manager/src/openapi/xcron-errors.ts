import { ErrorCode, type FieldError } from '@chaconne/contracts';
import { XcronCode } from '../modules/xcron/xcron-codes';
import type { ErrorKindDoc } from './error-responses';

/*
 * The failures of the xcron routes, in xcron's shape `{ uuid, code, message, error, errors? }`
 * (XcronExceptionFilter): `code` is xcron's number, `error` the Chaconne code of the same failure.
 */

const UUID = '411b94ed-0455-4f8b-85e0-f9a6c164ef39';

function xcronKind(
  status: number,
  code: XcronCode,
  error: ErrorCode,
  description: string,
  message: string,
  errors?: FieldError[],
): ErrorKindDoc {
  return {
    status,
    label: `${code} ${error}`,
    description: description.charAt(0).toUpperCase() + description.slice(1),
    body: 'xcron',
    example: { uuid: UUID, code, message, error, ...(errors ? { errors } : {}) },
  };
}

const field = (name: string, reason: string) => ({
  message: `${name}: ${reason}`,
  errors: [{ field: name, reason }],
});

const invalid = (
  code: XcronCode,
  description: string,
  name: string,
  reason: string,
  error: ErrorCode = ErrorCode.VALIDATION_FAILED,
): ErrorKindDoc => {
  const { message, errors } = field(name, reason);
  return xcronKind(400, code, error, description, message, errors);
};

export const XCRON_ERROR_KINDS = {
  XCRON_BAD_JSON: xcronKind(
    400,
    XcronCode.BAD_JSON,
    ErrorCode.VALIDATION_FAILED,
    "the body is not JSON, not an object, nested deeper than 32 levels or has a `__proto__` key; or it has fields xcron's API does not have (each named), or a field of the wrong JSON type. Every problem of the body is listed in `errors`; `code` is the first in the order 1000, 1020, 1001, 1002, 1003, 1005, 1030, 1006.",
    'owner: is not a field of createTask (its fields are type, format, callback); format: is not a crontab expression: second: the list has 61 items; at most 60 are accepted (one per value of the field)',
    [
      { field: 'owner', reason: 'is not a field of createTask (its fields are type, format, callback)' },
      {
        field: 'format',
        reason:
          'is not a crontab expression: second: the list has 61 items; at most 60 are accepted (one per value of the field)',
      },
    ],
  ),
  XCRON_BAD_FORMAT: invalid(
    XcronCode.BAD_FORMAT,
    '`format` is not a crontab expression (type 1) or not a 10-digit unix timestamp (type 2).',
    'format',
    'must be a 10-digit unix timestamp in seconds for type 2',
  ),
  XCRON_BAD_TIMESTAMP: invalid(
    XcronCode.BAD_TIMESTAMP,
    '`format` is a unix timestamp in the past.',
    'format',
    '1581823751 (2020-02-16T03:29:11.000Z) is in the past',
  ),
  XCRON_BAD_CALLBACK_URL: invalid(
    XcronCode.BAD_CALLBACK_URL,
    '`callback.url` is missing, empty, not http(s), longer than 2048 characters or carries control characters. (A host that does not resolve is accepted, with a warning.)',
    'callback.url',
    'is required',
  ),
  XCRON_CALLBACK_NOT_ALLOWED: invalid(
    XcronCode.CALLBACK_NOT_ALLOWED,
    '`callback.url` is refused by the SSRF policy: a loopback, private, link-local or reserved address (also inside an IPv6 address, or a host name resolving to one now), or credentials in the URL. CHACONNE_CALLBACK_ALLOWLIST lets chosen hosts through.',
    'callback.url',
    '::ffff:0:7f00:1 is loopback (as IPv4-translated IPv6 of 127.0.0.1); callbacks may not reach it unless CHACONNE_CALLBACK_ALLOWLIST allows it',
    ErrorCode.CALLBACK_NOT_ALLOWED,
  ),
  XCRON_UNKNOWN_TYPE: invalid(
    XcronCode.UNKNOWN_TYPE,
    '`type` is not 1 or 2.',
    'type',
    '3 is not a task type: 1 (periodic, crontab) or 2 (one-shot, unix seconds)',
  ),
  XCRON_BAD_TASK_ID: invalid(
    XcronCode.BAD_TASK_ID,
    '`task_id` is missing, not a string, or not shaped like a task id (at most 64 letters, digits and `_.:-`).',
    'task_id',
    'is required (the task_id createTask answered)',
  ),
  XCRON_TASK_NOT_FOUND: xcronKind(
    404,
    XcronCode.TASK_NOT_FOUND,
    ErrorCode.JOB_NOT_FOUND,
    'no task has this id.',
    'no task 289057701458138645',
    [{ field: 'task_id', reason: 'no such task' }],
  ),
  XCRON_CALLBACK_TOO_LARGE: xcronKind(
    413,
    XcronCode.CALLBACK_TOO_LARGE,
    ErrorCode.PAYLOAD_TOO_LARGE,
    '`{ url, body }` is larger than CHACONNE_ATTACHMENT_LIMIT_BYTES (and nothing else is wrong; otherwise the answer is the 400 listing this problem with the others).',
    'callback: is 70000 bytes as JSON ({ url, body }); at most 65536 are accepted',
    [{ field: 'callback', reason: 'is 70000 bytes as JSON ({ url, body }); at most 65536 are accepted' }],
  ),
  XCRON_ENQUEUE_FAILED: xcronKind(
    503,
    XcronCode.ENQUEUE_FAILED,
    ErrorCode.DEPENDENCY_UNAVAILABLE,
    'the task could not be stored or scheduled (database unavailable).',
    'the task could not be stored; try again',
  ),
  XCRON_UNAUTHORIZED: xcronKind(
    401,
    XcronCode.UNAUTHORIZED,
    ErrorCode.UNAUTHORIZED,
    'no admin token, or an unknown or revoked one.',
    'an admin token is required: send "Authorization: Bearer <token>"',
  ),
  XCRON_RATE_LIMITED: xcronKind(
    429,
    XcronCode.RATE_LIMITED,
    ErrorCode.RATE_LIMITED,
    'more requests per second with this token than CHACONNE_RATE_LIMIT_PER_SECOND allows.',
    'more than 10 requests per second with this token',
  ),
  XCRON_INTERNAL_ERROR: xcronKind(
    500,
    XcronCode.INTERNAL_ERROR,
    ErrorCode.INTERNAL_ERROR,
    'an unexpected error; the manager logs it.',
    'internal error',
  ),
} satisfies Record<string, ErrorKindDoc>;
