import { type ApiFailure, ErrorCode } from '@chaconne/contracts';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { authenticateBeforeReadingBodies } from './authenticated-body';
import { DEFAULT_BODY_LIMIT } from './body-limits';
import { ApiExceptionFilter } from './common/api-exception.filter';
import { setupOpenApi } from './openapi/openapi.setup';

/** The Fastify adapter every manager uses, in production and in tests. */
export function createHttpAdapter(): FastifyAdapter {
  return new FastifyAdapter({ bodyLimit: DEFAULT_BODY_LIMIT, routerOptions: { ignoreTrailingSlash: true } });
}

/**
 * Options of `NestFactory.create`: the manager reads request bodies itself, only once their
 * sender is authenticated (see authenticated-body.ts), not with Nest's parsers.
 */
export const APP_OPTIONS = { bodyParser: false } as const;

/**
 * Everything applied to the app before it listens (and before its routes are registered):
 * the error body, hardening headers, JSON-only admin requests, authentication before any body is read, and the
 * OpenAPI docs.
 */
export function configureApp(app: NestFastifyApplication): void {
  app.useGlobalFilters(new ApiExceptionFilter());
  hardenAnswers(app);
  requireJsonForAdminApi(app);
  authenticateBeforeReadingBodies(app);
  setupOpenApi(app);
}

/**
 * Admin requests carry JSON: anything else is refused with 415 before it is parsed, so a
 * form or text body gets a clear answer instead of a confusing validation error.
 */
function requireJsonForAdminApi(app: NestFastifyApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) => {
      const type = request.headers['content-type'];
      if (
        request.method === 'POST' &&
        request.url.startsWith('/job/') &&
        type &&
        !/^application\/json\b/i.test(type)
      ) {
        const body: ApiFailure = {
          success: false,
          msg: `content-type must be application/json, not ${type}`,
          code: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
          data: null,
        };
        void reply.code(415).send(body);
        return;
      }
      done();
    });
}

/**
 * Headers on every answer: no content sniffing, no referrer. A JSON answer (the API) also gets
 * a policy that lets it load, run or frame nothing if a browser opens it; the console's routes
 * set their own policy (console-security.ts), which this leaves alone.
 */
function hardenAnswers(app: NestFastifyApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', (_request, reply, payload, done) => {
      void reply.header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer');
      const type = reply.getHeader('content-type');
      if (
        !reply.hasHeader('content-security-policy') &&
        typeof type === 'string' &&
        type.startsWith('application/json')
      )
        void reply.header('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
      done(null, payload);
    });
}
