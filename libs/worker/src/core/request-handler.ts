import {
  ErrorCode,
  PROTOCOL_VERSION,
  ProtocolHeader,
  WorkerRoutes,
  type ApiFailure,
  type FieldError,
  type JobKey,
  type RunAccepted,
  type RunBatchResult,
  type RunBatchResults,
  type RunRequest,
} from '@chaconne/contracts';
import { NonceCache, verifyBody } from '@chaconne/contracts/signing';
import type { WorkerHttpRequest, WorkerHttpResponse } from './http';
import { MAX_REQUEST_BYTES } from './raw-body';

/** What the worker did with a verified run request. */
export type RunAcceptance =
  | { outcome: 'accepted' | 'duplicate' | 'no-handler' | 'draining' }
  /** The job already runs `limit` times in this process: refused, not run. */
  | { outcome: 'at-capacity'; limit: number };

/** The worker behind the endpoints. */
export interface RunGateway {
  acceptRun(request: RunRequest): RunAcceptance;
  /**
   * Aborts a run with the manager's reason (undefined when it gave none); false when this
   * process is not executing that run.
   */
  cancelRun(runId: number, reason: string | undefined): boolean;
}

const CANCEL_PATH = /^\/chaconne\/runs\/(\d{1,16})\/cancel$/;
/** The most runs one batch may carry (the manager sends at most 200). */
const MAX_BATCH_RUNS = 1_000;

function json(status: number, body: unknown, headers: Record<string, string> = {}): WorkerHttpResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
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

/** The body as a JSON object, else undefined. */
function jsonObject(rawBody: Buffer): Record<string, unknown> | undefined {
  try {
    const body: unknown = JSON.parse(rawBody.toString('utf8'));
    return isRecord(body) ? body : undefined;
  } catch {
    return undefined;
  }
}

/** Checks a run request's shape; returns the field errors, or the request. */
export function parseRunRequest(rawBody: Buffer): RunRequest | FieldError[] {
  return runRequestOf(jsonObject(rawBody));
}

/** Checks a parsed run request; returns the field errors, or the request. */
function runRequestOf(body: unknown): RunRequest | FieldError[] {
  if (!isRecord(body)) return [{ field: '(body)', reason: 'must be a JSON object' }];
  const errors: FieldError[] = [];
  const integer = (field: string, min: number): number => {
    const value = body[field];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
      errors.push({ field, reason: `must be an integer >= ${min}` });
      return 0;
    }
    return value;
  };
  const runId = integer('runId', 1);
  const jobId = integer('jobId', 0);
  const attempt = integer('attempt', 0);
  // Older managers do not send it; the worker then reads the attempt as the last.
  const retries = body.retries === undefined ? undefined : integer('retries', 0);
  const key = isRecord(body.jobKey) ? body.jobKey : {};
  const part = (field: keyof JobKey): string => {
    const value = key[field];
    if (typeof value !== 'string' || value === '')
      errors.push({ field: `jobKey.${field}`, reason: 'is required' });
    return typeof value === 'string' ? value : '';
  };
  const jobKey: JobKey = {
    clusterName: part('clusterName'),
    groupName: part('groupName'),
    jobName: part('jobName'),
    jobClassName: part('jobClassName'),
  };
  const plannedAt = body.plannedAt;
  if (typeof plannedAt !== 'string' || Number.isNaN(Date.parse(plannedAt))) {
    errors.push({ field: 'plannedAt', reason: 'must be an ISO-8601 date' });
  }
  const attachment = body.attachment ?? null;
  if (attachment !== null && typeof attachment !== 'string') {
    errors.push({ field: 'attachment', reason: 'must be a string or null' });
  }
  const timeoutMs = body.timeoutMs ?? -1;
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs)) {
    errors.push({ field: 'timeoutMs', reason: 'must be a number (-1 = no timeout)' });
  }
  if (errors.length > 0) return errors;
  return {
    runId,
    jobId,
    attempt,
    jobKey,
    plannedAt: plannedAt as string,
    attachment: attachment as string | null,
    timeoutMs: timeoutMs as number,
    ...(retries === undefined ? {} : { retries }),
  };
}

/**
 * The manager's reason in the body of a cancel request: empty (older managers: no reason),
 * or a JSON object such as `{"reason":"timeout after 3000 ms"}` or
 * `{"reason":"replaced by run 42"}`. Answers the field errors of any other body.
 */
export function parseCancelReason(rawBody: Buffer): { reason: string | undefined } | FieldError[] {
  if (rawBody.toString('utf8').trim() === '') return { reason: undefined };
  const body = jsonObject(rawBody);
  if (!body) return [{ field: '(body)', reason: 'must be empty or a JSON object' }];
  const { reason } = body;
  if (reason === undefined || reason === null) return { reason: undefined };
  if (typeof reason !== 'string') return [{ field: 'reason', reason: 'must be a string' }];
  return { reason: reason.trim() === '' ? undefined : reason };
}

/**
 * The manager -> worker endpoints (`POST /chaconne/runs`, `POST /chaconne/runs/:id/cancel`)
 * without any HTTP framework: every request must carry a valid, fresh, unused signature
 * over its exact bytes before anything else happens.
 */
export class RequestHandler {
  private readonly nonces = new NonceCache();

  constructor(
    private readonly secret: string,
    private readonly gateway: RunGateway,
    private readonly now: () => number = Date.now,
  ) {}

  handle(request: WorkerHttpRequest): WorkerHttpResponse {
    const path = request.path.split('?')[0]?.replace(/(.)\/+$/, '$1') ?? '';
    const cancel = CANCEL_PATH.exec(path);
    if (path !== WorkerRoutes.runs && path !== WorkerRoutes.runBatch && !cancel)
      return failure(404, ErrorCode.NOT_FOUND, `no Chaconne route ${path}`);
    if (request.method.toUpperCase() !== 'POST') {
      return {
        ...failure(405, ErrorCode.NOT_FOUND, `${request.method} is not allowed on ${path}; use POST`),
        headers: { allow: 'POST', 'content-type': 'application/json; charset=utf-8' },
      };
    }
    if (request.rawBody.length > MAX_REQUEST_BYTES) {
      return failure(413, ErrorCode.PAYLOAD_TOO_LARGE, `request body exceeds ${MAX_REQUEST_BYTES} bytes`);
    }
    const headers = lowerCaseHeaders(request.headers);
    const refused = this.verify(headers, request.rawBody);
    if (refused) return refused;
    const protocol = headers[ProtocolHeader.PROTOCOL];
    if (typeof protocol === 'string' && protocol !== String(PROTOCOL_VERSION)) {
      return failure(
        400,
        ErrorCode.INCOMPATIBLE_PROTOCOL,
        `manager speaks protocol ${protocol}, this worker speaks ${PROTOCOL_VERSION}`,
      );
    }
    if (cancel) return this.cancel(Number(cancel[1]), request.rawBody);
    if (path === WorkerRoutes.runBatch) return this.runBatch(request.rawBody);
    const parsed = parseRunRequest(request.rawBody);
    if (Array.isArray(parsed))
      return failure(400, ErrorCode.VALIDATION_FAILED, 'invalid run request', { errors: parsed });
    const { status, answer } = this.run(parsed);
    return json(status, answer);
  }

  private verify(
    headers: Record<string, string | string[] | undefined>,
    rawBody: Buffer,
  ): WorkerHttpResponse | undefined {
    const now = this.now();
    const check = verifyBody(this.secret, headers, rawBody, now);
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
            `signature ${check.reason === 'mismatch' ? 'does not match' : `is ${check.reason}`}`,
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
  private runBatch(rawBody: Buffer): WorkerHttpResponse {
    const body = jsonObject(rawBody);
    const runs = body?.runs;
    if (!Array.isArray(runs) || runs.length === 0 || runs.length > MAX_BATCH_RUNS) {
      return failure(400, ErrorCode.VALIDATION_FAILED, 'invalid run batch', {
        errors: [{ field: 'runs', reason: `must be an array of 1 to ${MAX_BATCH_RUNS} run requests` }],
      });
    }
    const results: RunBatchResult[] = runs.map((item: unknown, index) => {
      const parsed = runRequestOf(item);
      if (!Array.isArray(parsed)) return { runId: parsed.runId, ...this.run(parsed) };
      const claimed = isRecord(item) && typeof item.runId === 'number' ? item.runId : 0;
      const answer = apiFailure(ErrorCode.VALIDATION_FAILED, 'invalid run request', {
        errors: parsed.map((e) => ({ ...e, field: `runs.${index}.${e.field}` })),
      });
      return { runId: claimed, status: 400, answer };
    });
    const answer: RunBatchResults = { results };
    return json(200, answer);
  }

  private run(request: RunRequest): { status: number; answer: RunAccepted | ApiFailure } {
    const acceptance = this.gateway.acceptRun(request);
    const refusal = (
      status: number,
      code: ErrorCode,
      msg: string,
      extra: Pick<ApiFailure, 'details'> = {},
    ) => ({
      status,
      answer: apiFailure(code, msg, extra),
    });
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
          `job class ${request.jobKey.jobClassName} already runs ${acceptance.limit} time(s) on this worker (its concurrency limit); dispatch to another instance`,
          { details: { concurrency: acceptance.limit } },
        );
      case 'no-handler':
        return refusal(
          404,
          ErrorCode.NO_HANDLER,
          `no handler for job class ${request.jobKey.jobClassName} on this worker`,
        );
      case 'draining':
        return refusal(
          503,
          ErrorCode.DEPENDENCY_UNAVAILABLE,
          'worker is shutting down; dispatch to another instance',
        );
    }
  }

  private cancel(runId: number, rawBody: Buffer): WorkerHttpResponse {
    const parsed = parseCancelReason(rawBody);
    if (Array.isArray(parsed))
      return failure(400, ErrorCode.VALIDATION_FAILED, 'invalid cancel request', { errors: parsed });
    return this.gateway.cancelRun(runId, parsed.reason)
      ? json(200, { runId, cancelled: true })
      : failure(404, ErrorCode.RUN_NOT_FOUND, `run ${runId} is not executing on this worker`);
  }
}
