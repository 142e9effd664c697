import { ErrorCode, parseJsonText } from '@chaconne/contracts';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { AppError, ValidationFailed } from './common/app-error';
import { bodyLimitOf } from './body-limits';
import { authenticateEarly, refusedEarly } from './modules/auth/admin-auth.guard';
import { AdminAuthenticator } from './modules/auth/admin-authenticator.service';
import { routeAuthKind } from './modules/auth/auth.decorators';
import { WorkerSignatureVerifier } from './modules/worker-registry/worker-signature.service';

/** Methods whose body Fastify never reads. */
const BODYLESS = new Set(['GET', 'HEAD', 'TRACE']);

function carriesBody(request: FastifyRequest): boolean {
  if (BODYLESS.has(request.method)) return false;
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function tooLarge(limit: number): AppError {
  return new AppError(
    ErrorCode.PAYLOAD_TOO_LARGE,
    `the request body exceeds ${limit} bytes, the limit of this route`,
    413,
    [{ field: '(body)', reason: `must be at most ${limit} bytes` }],
    { limitBytes: limit },
  );
}

/** Reads a body to the end, refusing more than the route's limit (before reading, when declared). */
function readBody(request: FastifyRequest, payload: IncomingMessage): Promise<Buffer> {
  const limit = request.routeOptions.bodyLimit;
  if (Number(request.headers['content-length']) > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (): void => {
      payload.off('data', onData);
      payload.off('end', onEnd);
      payload.off('error', onError);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        stop();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      stop();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error): void => {
      stop();
      reject(ValidationFailed.of('(body)', `could not be read (${error.message})`));
    };
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', onError);
  });
}

/**
 * Nothing is parsed before its sender is known, and nothing is read beyond its route's limit:
 * - every route gets its body limit (body-limits.ts) as its Fastify `bodyLimit`;
 * - a request with a body to an admin route (any route not marked `@Public` or `@WorkerAuth`)
 *   has its bearer token checked in `onRequest`, before the body is read; when refused, the
 *   body is never read and the guard answers 401 (in the route's own error shape);
 * - a body to a worker route is read as bytes and its HMAC verified over them, then parsed;
 * - JSON is parsed with `parseJsonText` (nesting limit, `__proto__` refused with its path);
 *   xcron's routes get their body as text and parse it themselves.
 * The guards stay the second line (deny by default) and reuse these answers.
 */
export function authenticateBeforeReadingBodies(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const authenticator = app.get(AdminAuthenticator);
  const signatures = app.get(WorkerSignatureVerifier);

  fastify.addHook('onRoute', (route) => {
    route.bodyLimit = bodyLimitOf(route.url);
  });

  fastify.addHook('onRequest', async (request, reply) => {
    if (request.is404 || routeAuthKind(request) !== 'admin' || !carriesBody(request)) return;
    // The unread body is not worth keeping the connection for.
    if (!(await authenticateEarly(authenticator, request))) void reply.header('connection', 'close');
  });

  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(
    'application/json',
    async (request: FastifyRequest, payload: IncomingMessage) => {
      if (request.is404 || refusedEarly(request)) return undefined;
      const raw = await readBody(request, payload);
      if (routeAuthKind(request) === 'worker') await signatures.verify(request, raw);
      const parsed = parseJsonText(raw.toString('utf8'));
      if (!parsed.ok) throw new ValidationFailed([{ field: parsed.field, reason: parsed.reason }]);
      return parsed.value;
    },
  );
  // xcron's createTask and deleteTask read their body as text, whatever its content type
  // (XcronBodyAsText), to answer bad JSON in xcron's shape.
  fastify.addContentTypeParser('text/plain', async (request: FastifyRequest, payload: IncomingMessage) => {
    if (routeAuthKind(request) === 'worker') {
      throw new AppError(
        ErrorCode.UNSUPPORTED_MEDIA_TYPE,
        'worker requests carry JSON: send content-type application/json',
        415,
      );
    }
    if (request.is404 || refusedEarly(request)) return undefined;
    return (await readBody(request, payload)).toString('utf8');
  });
}
