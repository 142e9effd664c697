import type { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable, Logger, type NestMiddleware } from '@nestjs/common';
import { ErrorCode, RUN_REQUEST_CONTENT_TYPE } from '@chaconne/contracts';
import { BodyTooLargeError, MAX_REQUEST_BYTES, readRawBody } from '../core/raw-body';
import { ChaconneWorker } from '../core/worker';

/** The request as Express (and Fastify's middie) hand it to Nest middleware. */
type HostRequest = IncomingMessage & { originalUrl?: string; body?: unknown; rawBody?: unknown };

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.end(body);
}

function failure(res: ServerResponse, status: number, code: ErrorCode, msg: string): void {
  send(
    res,
    status,
    { 'content-type': 'application/json; charset=utf-8', connection: 'close' },
    JSON.stringify({ success: false, msg, code, data: null }),
  );
}

/** `/api/chaconne/runs?x=1` -> `/chaconne/runs`: the core routes from `/chaconne/` on. */
function workerPath(url: string): string {
  const path = url.split('?')[0] ?? '/';
  const at = path.indexOf('/chaconne/');
  return at >= 0 ? path.slice(at) : path;
}

/**
 * Serves `/chaconne/*` inside the host app. Run requests use their own media type, which
 * the host's JSON parser ignores, so the stream is still unread here and the signature is
 * checked over the exact bytes. A body a host parser did consume is used only if it kept
 * the raw bytes (Nest's `rawBody: true`, or a raw parser).
 */
@Injectable()
export class ChaconneWorkerMiddleware implements NestMiddleware<HostRequest, ServerResponse> {
  private readonly logger = new Logger('ChaconneWorker');

  constructor(private readonly worker: ChaconneWorker) {}

  async use(req: HostRequest, res: ServerResponse): Promise<void> {
    try {
      const rawBody = await this.rawBodyOf(req);
      if (!rawBody) {
        failure(
          res,
          415,
          ErrorCode.VALIDATION_FAILED,
          `the host app parsed this body, so its signature cannot be checked: send run requests as ${RUN_REQUEST_CONTENT_TYPE} and keep other body parsers off /chaconne/*`,
        );
        return;
      }
      const response = await this.worker.handle({
        method: req.method ?? 'GET',
        path: workerPath(req.originalUrl ?? req.url ?? '/'),
        headers: req.headers,
        rawBody,
      });
      send(res, response.status, response.headers, response.body);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        failure(res, 413, ErrorCode.PAYLOAD_TOO_LARGE, error.message);
        return;
      }
      this.logger.error(
        `cannot serve ${req.method ?? ''} ${req.url ?? ''}: ${error instanceof Error ? error.message : String(error)}`,
      );
      if (!res.headersSent) failure(res, 500, ErrorCode.INTERNAL_ERROR, 'internal error');
    }
  }

  private async rawBodyOf(req: HostRequest): Promise<Buffer | undefined> {
    if (Buffer.isBuffer(req.rawBody)) return req.rawBody;
    if (Buffer.isBuffer(req.body)) return req.body;
    if (req.readableEnded)
      return req.complete && Number(req.headers['content-length'] ?? 0) === 0 ? Buffer.alloc(0) : undefined;
    return readRawBody(req, MAX_REQUEST_BYTES);
  }
}
