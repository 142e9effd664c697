import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { buildOpenApiDocument } from './openapi-document';
import { serveSwaggerUi } from './swagger-ui';

export const DOCS_PATH = '/docs';
export const OPENAPI_JSON_PATH = '/docs/openapi.json';

/**
 * Serves the OpenAPI document at `/docs/openapi.json` and Swagger UI at `/docs`. Call it
 * before `app.listen()`/`app.init()`.
 *
 * Both are open, without a token: the document describes the API and holds no data (no
 * jobs, runs, workers or tokens), and Swagger UI is static files. They are registered on
 * Fastify directly, not through a Nest controller, so the global admin guard never sees
 * them and they need no `@Public()`.
 */
export function setupOpenApi(app: NestFastifyApplication): void {
  // A factory: the document is built on the first request, not at start-up.
  SwaggerModule.setup(DOCS_PATH, app, () => buildOpenApiDocument(), {
    ui: false,
    raw: ['json'],
    jsonDocumentUrl: OPENAPI_JSON_PATH,
  });
  serveSwaggerUi(app, { docsPath: DOCS_PATH, documentUrl: OPENAPI_JSON_PATH, title: 'Chaconne manager API' });
}
