import {
  ErrorCode,
  parseJsonText,
  PROTOCOL_VERSION,
  ProtocolHeader,
  ProtocolLimits,
  WorkerRoutes,
  type ApiFailure,
  type FieldError,
  type RunAccepted,
  type RunBatchResult,
  type RunBatchResults,
  type RunRequest,
} from '@chaconne/contracts';
import { NonceCache, SignatureDirection, verifyRequest } from '@chaconne/contracts/signing';
import type { WorkerHttpRequest, WorkerHttpResponse } from './http';
import { MAX_REQUEST_BYTES } from './raw-body';

/** What the worker did with a verified run request. */
export type RunAcceptance =
  | { outcome: 'accepted' | 'duplicate' | 'no-handler' | 'draining' }
  /** The job already runs `limit` times in this process and `waiting` more wait for a slot: refused, not run. */
  | { outcome: 'at-capacity'; limit: number; waiting: number };

/** The worker behind the endpoints. */
export interface RunGateway {
  acceptRun(request: RunRequest): RunAcceptance;
  /** Aborts a run with the manager's reason; false when this process is not executing that run. */
  cancelRun(runId: number, reason: string): boolean;
}

/** Who this worker is: what a manager's request must be signed for and addressed to. */
export interface WorkerIdentity {
  /** The recipient every request must be signed for. */
  instanceId: string;
  /** The cluster and group whose runs this worker takes (another's are refused: WRONG_RECIPIENT). */
  clusterName: string;
  groupName: string;
}

const CANCEL_PATH = /^\/chaconne\/runs\/(\d{1,16})\/cancel$/;
const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

function json(status: number, body: unknown): WorkerHttpResponse {
  return { status, headers: JSON_HEADERS, body: JSON.stringify(body) };
}

function apiFailure(
  code: ErrorCode,
  msg: string,
  extra: Pick<ApiFailure, 'errors' | 'details'> = {},
): ApiFailure {
  return { success: false, msg, code, data: null, ...extra };
}

function failure(
  status: number,
  code: ErrorCode,
  msg: string,
  extra: Pick<ApiFailure, 'errors' | 'details'> = {},
): WorkerHttpResponse {
  return json(status, apiFailure(code, msg, extra));
}

function invalid(what: string, errors: FieldError[]): WorkerHttpResponse {
  return failure(400, ErrorCode.VALIDATION_FAILED, `invalid ${what}: ${describeErrors(errors)}`, { errors });
}

function describeErrors(errors: readonly FieldError[]): string {
  return errors.map((e) => `${e.field}: ${e.reason}`).join('; ');
}

function lowerCaseHeaders(
  headers: WorkerHttpRequest['headers'],
): Record<string, string | string[] | undefined> {
  const out: Record<string, string | string[] | undefined> = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value;
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fieldOf(prefix: string, name: string): string {
  return prefix ? `${prefix}.${name}` : name;
}

/** A field error for every key of `body` that is not in `known`. */
function unknownFields(
  body: Record<string, unknown>,
  known: readonly string[],
  prefix: string,
): FieldError[] {
  return Object.keys(body)
    .filter((key) => !known.includes(key))
    .map((key) => ({ field: fieldOf(prefix, key), reason: 'is not a known field' }));
}

const RUN_FIELDS = [
  'runId',
  'jobId',
  'jobKey',
  'attempt',
  'plannedAt',
  'attachment',
  'timeoutMs',
  'retries',
  'startInMs',
] as const satisfies readonly (keyof RunRequest)[];
const JOB_KEY_FIELDS = ['clusterName', 'groupName', 'jobName', 'jobClassName'] as const;

/**
 * Checks a run request (parsed JSON); answers the request, or every problem it has, each
 * field named under `prefix` (`runs.3` in a batch). Every field but `startInMs` is required;
 * unknown fields are refused by name.
 */
export function runRequestOf(body: unknown, prefix = ''): RunRequest | FieldError[] {
  if (!isRecord(body)) return [{ field: prefix || '(body)', reason: 'must be a JSON object' }];
  const errors = unknownFields(body, RUN_FIELDS, prefix);
  const problem = (field: string, reason: string): void => {
    errors.push({ field: fieldOf(prefix, field), reason });
  };
  const integer = (field: string, min: number): number => {
    const value = body[field];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
      problem(field, value === undefined ? 'is required' : `must be an integer >= ${min}`);
      return 0;
    }
    return value;
  };
  const runId = integer('runId', 1);
  const jobId = integer('jobId', 1);
  const attempt = integer('attempt', 0);
  const retries = integer('retries', 0);
  const timeoutMs = integer('timeoutMs', -1);
  const startInMs = body.startInMs;
  const maxStartInMs = ProtocolLimits.maxStartInMs;
  if (
    startInMs !== undefined &&
    (typeof startInMs !== 'number' ||
      !Number.isInteger(startInMs) ||
      startInMs < 0 ||
      startInMs > maxStartInMs)
  ) {
    problem('startInMs', `must be an integer from 0 to ${maxStartInMs} (milliseconds)`);
  }
  const jobKey = { clusterName: '', groupName: '', jobName: '', jobClassName: '' };
  if (isRecord(body.jobKey)) {
    errors.push(...unknownFields(body.jobKey, JOB_KEY_FIELDS, fieldOf(prefix, 'jobKey')));
    for (const part of JOB_KEY_FIELDS) {
      const value = body.jobKey[part];
      if (typeof value === 'string' && value !== '') jobKey[part] = value;
      else problem(`jobKey.${part}`, 'must be a non-empty string');
    }
  } else {
    problem('jobKey', 'must be an object with clusterName, groupName, jobName and jobClassName');
  }
  const plannedAt = body.plannedAt;
  if (typeof plannedAt !== 'string' || Number.isNaN(Date.parse(plannedAt))) {
    problem('plannedAt', 'must be an ISO-8601 date');
  }
  const attachment = body.attachment;
  if (attachment !== null && typeof attachment !== 'string') {
    problem(
      'attachment',
      attachment === undefined ? 'is required (a string or null)' : 'must be a string or null',
    );
  }
  if (errors.length > 0) return errors;
  return {
    runId,
    jobId,
    jobKey,
    attempt,
    plannedAt: plannedAt as string,
    attachment: attachment as string | null,
    timeoutMs,
    retries,
    ...(startInMs === undefined ? {} : { startInMs: startInMs as number }),
  };
}

/**
 * Checks a cancel request's body: `{"reason": "timeout after 3000 ms"}`, nothing else.
 * Answers the reason, or every problem.
 */
export function cancelReasonOf(body: unknown): string | FieldError[] {
  if (!isRecord(body)) return [{ field: '(body)', reason: 'must be a JSON object with the reason' }];
  const errors = unknownFields(body, ['reason'], '');
  const { reason } = body;
  if (typeof reason !== 'string' || reason.trim() === '') {
    errors.push({ field: 'reason', reason: 'must be a non-empty string' });
  } else if (reason.length > ProtocolLimits.cancelReasonChars) {
    errors.push({
      field: 'reason',
      reason: `must be at most ${ProtocolLimits.cancelReasonChars} characters`,
    });
  }
  return errors.length > 0 ? errors : (reason as string);
}

/**
 * The manager -> worker endpoints (`POST /chaconne/runs`, `/chaconne/runs/batch` and
 * `/chaconne/runs/:runId/cancel`) without any HTTP framework. In this order, so that nothing
 * is parsed before its sender is known: the size cap, the protocol version, the signature
 * (over the exact bytes, for this method, path, instance and direction), the nonce, then
 * the JSON (depth-limited) and its fields (all required, unknown ones refused by name).
 */
export class RequestHandler {
  private readonly nonces = new NonceCache();

  constructor(
    private readonly secret: string,
    private readonly identity: WorkerIdentity,
    private readonly gateway: RunGateway,
    private readonly now: () => number = Date.now,
  ) {}

  handle(request: WorkerHttpRequest): WorkerHttpResponse {
    // The signed path is the path as received (no query string: no route reads one);
    // only routing forgives a trailing slash, and the signature then tells.
    const path = request.path.split('?')[0] ?? '';
    const route = path.replace(/(.)\/+$/, '$1');
    const cancel = CANCEL_PATH.exec(route);
    if (route !== WorkerRoutes.runs && route !== WorkerRoutes.runBatch && !cancel)
      return failure(404, ErrorCode.NOT_FOUND, `no Chaconne route ${path}`);
    if (request.method.toUpperCase() !== 'POST') {
      return {
        ...failure(405, ErrorCode.NOT_FOUND, `${request.method} is not allowed on ${path}; use POST`),
        headers: { allow: 'POST', ...JSON_HEADERS },
      };
    }
    if (request.rawBody.length > MAX_REQUEST_BYTES) {
      return failure(
        413,
        ErrorCode.PAYLOAD_TOO_LARGE,
        `request body exceeds ${MAX_REQUEST_BYTES} bytes, the limit of this route`,
        { details: { limitBytes: MAX_REQUEST_BYTES } },
      );
    }
    const headers = lowerCaseHeaders(request.headers);
    const protocol = headers[ProtocolHeader.PROTOCOL];
    if (protocol !== undefined && protocol !== String(PROTOCOL_VERSION)) {
      return incompatible(`the manager speaks protocol ${String(protocol)}`);
    }
    const refused = this.verify(request.method, path, headers, request.rawBody);
    if (refused) return refused;
    // Signed by a peer of this version, which always says so.
    if (protocol === undefined) return incompatible(`the request has no ${ProtocolHeader.PROTOCOL} header`);
    const parsed = parseJsonText(request.rawBody.toString('utf8'));
    if (!parsed.ok) return invalid('request body', [{ field: parsed.field, reason: parsed.reason }]);
    if (cancel) return this.cancel(Number(cancel[1]), parsed.value);
    if (route === WorkerRoutes.runBatch) return this.runBatch(parsed.value);
    const run = runRequestOf(parsed.value);
    if (Array.isArray(run)) return invalid('run request', run);
    const { status, answer } = this.run(run);
    return json(status, answer);
  }

  private verify(
    method: string,
    path: string,
    headers: Record<string, string | string[] | undefined>,
    rawBody: Buffer,
  ): WorkerHttpResponse | undefined {
    const now = this.now();
    const target = {
      direction: SignatureDirection.MANAGER_TO_WORKER,
      method,
      path,
      recipient: this.identity.instanceId,
    };
    const check = verifyRequest(this.secret, target, headers, rawBody, now);
    if (!check.ok) {
      return check.reason === 'stale'
        ? failure(
            401,
            ErrorCode.STALE_REQUEST,
            'request timestamp is outside the 5-minute window (check clocks)',
          )
        : failure(
            401,
            ErrorCode.BAD_SIGNATURE,
            check.reason === 'mismatch'
              ? `signature does not match this request (method, path, worker instance ${this.identity.instanceId} and body)`
              : `signature is ${check.reason}`,
          );
    }
    if (!this.nonces.remember(check.nonce, now)) {
      return failure(401, ErrorCode.REPLAYED_REQUEST, 'this signed request was already received');
    }
    return undefined;
  }

  /**
   * Several runs in one request (`POST /chaconne/runs/batch`): each is taken or refused on
   * its own, with the status and body its own request would have had.
   */
  private runBatch(body: unknown): WorkerHttpResponse {
    const limit = ProtocolLimits.runsPerBatch;
    if (!isRecord(body)) return invalid('run batch', [{ field: '(body)', reason: 'must be a JSON object' }]);
    const errors = unknownFields(body, ['runs'], '');
    const { runs } = body;
    if (!Array.isArray(runs) || runs.length === 0 || runs.length > limit) {
      errors.push({ field: 'runs', reason: `must be an array of 1 to ${limit} run requests` });
    }
    if (errors.length > 0 || !Array.isArray(runs)) return invalid('run batch', errors);
    const results: RunBatchResult[] = runs.map((item: unknown, index) => {
      const parsed = runRequestOf(item, `runs.${index}`);
      if (!Array.isArray(parsed)) return { runId: parsed.runId, ...this.run(parsed) };
      const claimed = isRecord(item) && typeof item.runId === 'number' ? item.runId : 0;
      const answer = apiFailure(
        ErrorCode.VALIDATION_FAILED,
        `invalid run request: ${describeErrors(parsed)}`,
        { errors: parsed },
      );
      return { runId: claimed, status: 400, answer };
    });
    const answer: RunBatchResults = { results };
    return json(200, answer);
  }

  private run(request: RunRequest): { status: number; answer: RunAccepted | ApiFailure } {
    const refusal = (
      status: number,
      code: ErrorCode,
      msg: string,
      extra: Pick<ApiFailure, 'details'> = {},
    ) => ({
      status,
      answer: apiFailure(code, msg, extra),
    });
    const { clusterName, groupName } = this.identity;
    const { jobKey } = request;
    if (jobKey.clusterName !== clusterName || jobKey.groupName !== groupName) {
      return refusal(
        409,
        ErrorCode.WRONG_RECIPIENT,
        `run ${request.runId} is for ${jobKey.clusterName}/${jobKey.groupName}; this worker serves ${clusterName}/${groupName}`,
        { details: { clusterName, groupName } },
      );
    }
    const acceptance = this.gateway.acceptRun(request);
    switch (acceptance.outcome) {
      case 'accepted':
      case 'duplicate':
        return { status: 202, answer: { accepted: true, duplicate: acceptance.outcome === 'duplicate' } };
      case 'at-capacity':
        // The protocol has no TOO_MANY_RUNS code; RATE_LIMITED + 429 is what the manager
        // reads as "dispatch failed here, try another instance".
        return refusal(
          429,
          ErrorCode.RATE_LIMITED,
          `job class ${jobKey.jobClassName} already runs ${acceptance.limit} time(s) on this worker (its concurrency limit) and ${acceptance.waiting} more run(s) wait for a slot; dispatch to another instance`,
          { details: { concurrency: acceptance.limit, waiting: acceptance.waiting } },
        );
      case 'no-handler':
        return refusal(
          404,
          ErrorCode.NO_HANDLER,
          `no handler for job class ${jobKey.jobClassName} on this worker`,
        );
      case 'draining':
        return refusal(
          503,
          ErrorCode.DEPENDENCY_UNAVAILABLE,
          'worker is shutting down; dispatch to another instance',
        );
    }
  }

  private cancel(runId: number, body: unknown): WorkerHttpResponse {
    const reason = cancelReasonOf(body);
    if (Array.isArray(reason)) return invalid('cancel request', reason);
    return this.gateway.cancelRun(runId, reason)
      ? json(200, { runId, cancelled: true })
      : failure(404, ErrorCode.RUN_NOT_FOUND, `run ${runId} is not executing on this worker`);
  }
}

function incompatible(why: string): WorkerHttpResponse {
  return failure(
    400,
    ErrorCode.INCOMPATIBLE_PROTOCOL,
    `${why}; this worker speaks protocol ${PROTOCOL_VERSION}: run a manager and SDK of the same protocol`,
    { details: { protocolVersion: PROTOCOL_VERSION } },
  );
}
