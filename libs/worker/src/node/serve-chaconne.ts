import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, RUN_REQUEST_CONTENT_TYPE } from '@chaconne/contracts';
import type { WorkerHttpResponse } from '../core/http';
import { BodyTooLargeError, MAX_REQUEST_BYTES, readRawBody } from '../core/raw-body';
import type { ChaconneWorker } from '../chaconne-worker';

/**
 * A request as node:http, Express or Nest hand it over. A host body parser may already have
 * run: `body` (Express parsers) and `rawBody` (Nest's `rawBody: true`) are what it left.
 */
export type HostRequest = IncomingMessage & { body?: unknown; rawBody?: unknown };

/** Whether a path (without query string) is one the SDK serves: `/chaconne` and below. */
export function isChaconnePath(path: string): boolean {
  return path === '/chaconne' || path.startsWith('/chaconne/');
}

/** `/chaconne/runs?x=1` -> `/chaconne/runs`. */
export function pathOf(url: string | undefined): string {
  return (url ?? '/').split('?')[0] ?? '/';
}

export function sendResponse(res: ServerResponse, response: WorkerHttpResponse): void {
  res.statusCode = response.status;
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
  res.end(response.body);
}

export function sendFailure(
  res: ServerResponse,
  status: number,
  code: ErrorCode,
  msg: string,
  details?: Record<string, unknown>,
): void {
  sendResponse(res, {
    status,
    // The body may be partly unread: do not reuse the connection.
    headers: { 'content-type': 'application/json; charset=utf-8', connection: 'close' },
    body: JSON.stringify({ success: false, msg, code, data: null, ...(details ? { details } : {}) }),
  });
}

/**
 * The exact request bytes the signature covers. Run requests use their own media type, so
 * host JSON parsers leave the stream unread; a body a parser did consume is usable only if
 * it kept the bytes (a raw parser's Buffer, Nest's `rawBody`) or the text (a text parser:
 * the signature check then tells whether the bytes survived). Otherwise undefined.
 */
async function rawBodyOf(req: HostRequest): Promise<Buffer | undefined> {
  if (Buffer.isBuffer(req.rawBody)) return req.rawBody;
  if (Buffer.isBuffer(req.body)) return req.body;
  if (typeof req.body === 'string') return Buffer.from(req.body, 'utf8');
  if (req.readableEnded) {
    return req.complete && Number(req.headers['content-length'] ?? 0) === 0 ? Buffer.alloc(0) : undefined;
  }
  // A declared length over the limit is refused before anything is read.
  if (Number(req.headers['content-length']) > MAX_REQUEST_BYTES)
    throw new BodyTooLargeError(`request body exceeds ${MAX_REQUEST_BYTES} bytes`);
  return readRawBody(req, MAX_REQUEST_BYTES);
}

/**
 * Serves one `/chaconne/*` request with the worker's framework-free handler: reads the raw
 * body (at most {@link MAX_REQUEST_BYTES}), calls `worker.handle()`, which checks the
 * signature before parsing anything, and writes its answer back unchanged. `path` is the
 * request path from `/chaconne` on, relative to the mount point: the path the manager
 * signed. Never rejects.
 */
export async function serveChaconne(
  worker: ChaconneWorker,
  req: HostRequest,
  res: ServerResponse,
  path: string,
): Promise<void> {
  try {
    const rawBody = await rawBodyOf(req);
    if (!rawBody) {
      sendFailure(
        res,
        415,
        ErrorCode.UNSUPPORTED_MEDIA_TYPE,
        `the host app parsed this body, so its signature cannot be checked: send run requests as ${RUN_REQUEST_CONTENT_TYPE} and keep other body parsers off /chaconne/*`,
      );
      return;
    }
    sendResponse(
      res,
      await worker.handle({ method: req.method ?? 'GET', path, headers: req.headers, rawBody }),
    );
  } catch (error) {
    // worker.handle() never rejects: this is the body stream failing (too large, aborted).
    if (res.headersSent) return;
    if (error instanceof BodyTooLargeError)
      sendFailure(res, 413, ErrorCode.PAYLOAD_TOO_LARGE, error.message, { limitBytes: MAX_REQUEST_BYTES });
    else sendFailure(res, 400, ErrorCode.VALIDATION_FAILED, 'cannot read the request body');
  }
}
