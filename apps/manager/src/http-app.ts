import { type ApiFailure, ErrorCode } from '@chaconne/contracts';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiExceptionFilter } from './common/api-exception.filter';
import { setupOpenApi } from './openapi/openapi.setup';

const BODY_LIMIT_BYTES = 2 * 1024 * 1024;

/** The Fastify adapter every manager uses, in production and in tests. */
export function createHttpAdapter(): FastifyAdapter {
  return new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES, routerOptions: { ignoreTrailingSlash: true } });
}

/** Options of `NestFactory.create`: the worker routes verify signatures over the raw body. */
export const APP_OPTIONS = { rawBody: true } as const;

/**
 * Everything applied to the app before it listens: the error body, JSON-only admin
 * requests, and the OpenAPI docs.
 */
export function configureApp(app: NestFastifyApplication): void {
  app.useGlobalFilters(new ApiExceptionFilter());
  requireJsonForAdminApi(app);
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
