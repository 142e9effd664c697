import { type ApiFailure, ErrorCode, type FieldError } from '@chaconne/contracts';
import { z } from 'zod';
import { typed } from './typed-schema';
import { XCRON_ERROR_KINDS } from './xcron-errors';
import type { XcronResponse } from '../modules/xcron/xcron-codes';

export const fieldErrorSchema = typed<FieldError>()(
  z.object({
    field: z
      .string()
      .describe('Dotted path of the offending field, e.g. `trigger.triggerDescription.cron.expression`'),
    reason: z.string(),
  }),
);

/** The one error body of the manager (`ApiExceptionFilter`). */
export const errorResponseSchema = typed<ApiFailure>()(
  z
    .object({
      success: z.literal(false),
      msg: z.string().describe('What went wrong, in words'),
      code: z.enum(ErrorCode).describe('Stable machine-readable error code'),
      data: z.null(),
      errors: z.array(fieldErrorSchema).optional().describe('Every invalid field (validation failures)'),
      details: z
        .record(z.string(), z.unknown())
        .optional()
        .describe('Facts about the refusal, e.g. `{ "jobState": 3 }` when a state transition is illegal'),
    })
    .describe(
      'Every error answer: a real HTTP status plus a stable `code`. Chaconne clients read `success: false` and `msg`.',
    ),
);

/** One failure a route can answer, documented with an example body. */
export interface ErrorKindDoc {
  status: number;
  /** The name of the example (the code the body carries). */
  label: string;
  description: string;
  /** `chaconne`: an {@link errorResponseSchema} body; `xcron`: xcron's `{ uuid, code, message, error }`. */
  body: 'chaconne' | 'xcron';
  example: unknown;
}

const kind = (status: number, description: string, example: ApiFailure): ErrorKindDoc => ({
  status,
  label: example.code,
  description,
  body: 'chaconne',
  example,
});

const failure = (code: ErrorCode, msg: string, extra: Partial<ApiFailure> = {}): ApiFailure => ({
  success: false,
  msg,
  code,
  data: null,
  ...extra,
});

/** The failures a route can document; the document groups them by HTTP status. */
const CHACONNE_ERROR_KINDS = {
  VALIDATION_FAILED: kind(
    400,
    'The body is not valid JSON or a field is invalid; `errors` lists every bad field.',
    failure(ErrorCode.VALIDATION_FAILED, 'jobKey.clusterName: is required', {
      errors: [{ field: 'jobKey.clusterName', reason: 'is required' }],
    }),
  ),
  INCOMPATIBLE_PROTOCOL: kind(
    400,
    "The worker speaks another protocol version than the manager's (its `x-chaconne-protocol` header or its registration).",
    failure(
      ErrorCode.INCOMPATIBLE_PROTOCOL,
      'the worker speaks protocol 1; this manager speaks protocol 2: use a @chaconne/worker release made for it',
      { details: { protocolVersion: 2 } },
    ),
  ),
  UNAUTHORIZED: kind(
    401,
    'No admin token, or an unknown or revoked one.',
    failure(ErrorCode.UNAUTHORIZED, 'an admin token is required: send "Authorization: Bearer <token>"'),
  ),
  BAD_SIGNATURE: kind(
    401,
    'The signature headers are missing or malformed, or the signature does not match this request: its method, path, recipient, direction and body (a request signed for another route is refused).',
    failure(ErrorCode.BAD_SIGNATURE, 'request signature is missing'),
  ),
  STALE_REQUEST: kind(
    401,
    'The signed timestamp is more than 5 minutes away from the manager clock.',
    failure(ErrorCode.STALE_REQUEST, 'request timestamp is outside the 5 minute window'),
  ),
  REPLAYED_REQUEST: kind(
    401,
    'The nonce was already seen (a replayed request).',
    failure(ErrorCode.REPLAYED_REQUEST, 'request was already received'),
  ),
  JOB_NOT_FOUND: kind(
    404,
    'No job has this JobKey.',
    failure(ErrorCode.JOB_NOT_FOUND, 'no job yourCluster.yourGroup.yourJob@com.yourcompany.yourapp.YourJob'),
  ),
  RUN_NOT_FOUND: kind(404, 'No run (trace) has this id.', failure(ErrorCode.RUN_NOT_FOUND, 'no run 42')),
  STATE_CONFLICT: kind(
    409,
    "The job's current state does not allow this; `details.jobState` is that state.",
    failure(
      ErrorCode.STATE_CONFLICT,
      'yourCluster.yourGroup.yourJob@com.yourcompany.yourapp.YourJob is SCHEDULING: resumeJob is not possible; it needs PAUSED',
      { details: { jobState: 1 } },
    ),
  ),
  RUN_IN_PROGRESS: kind(
    409,
    'triggerJob: the job has a run in flight and its overlap policy is SKIP; `details.runningTraceId` is that run. Pass `"force": true` to run anyway.',
    failure(
      ErrorCode.RUN_IN_PROGRESS,
      'job 7 has run 42 in flight and its overlap policy is SKIP: pass "force": true to run it anyway',
      { details: { runningTraceId: 42 } },
    ),
  ),
  RUN_FINISHED: kind(
    409,
    'cancelRun: the run already has an outcome; `details.runningState` is it.',
    failure(ErrorCode.RUN_FINISHED, 'run 42 already ended (RunningState 1)', {
      details: { runningState: 1 },
    }),
  ),
  LOG_TAILS_FULL: {
    status: 429,
    label: 'RATE_LIMITED (log tails)',
    description:
      'This manager already serves CHACONNE_LOG_TAIL_LIMIT log tails; `details.limit` is that limit.',
    body: 'chaconne',
    example: failure(
      ErrorCode.RATE_LIMITED,
      'this manager already serves 100 log tails (CHACONNE_LOG_TAIL_LIMIT); try again later',
      { details: { limit: 100 } },
    ),
  },
  PAYLOAD_TOO_LARGE: kind(
    413,
    "The body is larger than the route's limit (`details.limitBytes`, refused before it is read when its length is declared), or the attachment larger than CHACONNE_ATTACHMENT_LIMIT_BYTES.",
    failure(
      ErrorCode.PAYLOAD_TOO_LARGE,
      'attachment is 70000 bytes; the limit is 65536 (CHACONNE_ATTACHMENT_LIMIT_BYTES)',
      { errors: [{ field: 'attachment', reason: 'is 70000 bytes; the limit is 65536' }] },
    ),
  ),
  RATE_LIMITED: kind(
    429,
    'More requests per second with this token than CHACONNE_RATE_LIMIT_PER_SECOND allows.',
    failure(ErrorCode.RATE_LIMITED, 'more than 10 requests per second with this token'),
  ),
  DEPENDENCY_UNAVAILABLE: kind(
    503,
    'MySQL is unavailable (down, restarting, out of connections): nothing was changed that a retry would repeat wrongly; send the request again after `Retry-After` seconds.',
    failure(ErrorCode.DEPENDENCY_UNAVAILABLE, 'the database is unavailable (ECONNREFUSED); try again'),
  ),
  INTERNAL_ERROR: kind(
    500,
    'An unexpected error; the manager logs it.',
    failure(ErrorCode.INTERNAL_ERROR, 'internal error'),
  ),
} satisfies Record<string, ErrorKindDoc>;

/** Every failure a route can document: Chaconne's, and those of the xcron routes in xcron's shape. */
export const ERROR_KINDS = { ...CHACONNE_ERROR_KINDS, ...XCRON_ERROR_KINDS };

export type ErrorKind = keyof typeof ERROR_KINDS;

/** The error body of the xcron routes (XcronExceptionFilter). */
export const xcronErrorResponseSchema = typed<
  Required<Pick<XcronResponse, 'uuid' | 'code' | 'message' | 'error'>> & Pick<XcronResponse, 'errors'>
>()(
  z
    .object({
      uuid: z.string().describe('A fresh id of this request'),
      code: z.number().int().describe("xcron's code: not 0 on errors (1000-1099)"),
      message: z.string(),
      error: z.enum(ErrorCode).describe('The Chaconne error code of the same failure'),
      errors: z.array(fieldErrorSchema).optional().describe('Every invalid field (validation failures)'),
    })
    .describe("An xcron route's error answer, in xcron's shape, with the HTTP status of the failure"),
);
