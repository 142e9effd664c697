import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Swagger UI's files, served by plain Fastify routes. (SwaggerModule would serve them through
 * `@fastify/static`, whose ESM-only `content-disposition` dependency cannot be loaded under
 * Jest, and whose absence makes Nest call `process.exit(1)`; the five files below need no
 * plugin.) The files come from the `swagger-ui-dist` that `@nestjs/swagger` depends on.
 */
const ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

function swaggerUiDistDir(): string {
  const fromNestSwagger = createRequire(require.resolve('@nestjs/swagger'));
  return dirname(fromNestSwagger.resolve('swagger-ui-dist/package.json'));
}

function page(docsPath: string, title: string): string {
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${title}</title>
    <link rel="stylesheet" href="${docsPath}/swagger-ui.css" />
    <link rel="icon" type="image/png" href="${docsPath}/favicon-32x32.png" sizes="32x32" />
    <link rel="icon" type="image/png" href="${docsPath}/favicon-16x16.png" sizes="16x16" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${docsPath}/swagger-ui-bundle.js"></script>
    <script src="${docsPath}/swagger-ui-standalone-preset.js"></script>
    <script src="${docsPath}/swagger-ui-init.js"></script>
  </body>
</html>
`;
}

function initScript(documentUrl: string): string {
  return `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: ${JSON.stringify(documentUrl)},
    dom_id: '#swagger-ui',
    deepLinking: true,
    displayOperationId: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: 'StandaloneLayout',
  });
};
`;
}

/** Serves Swagger UI at `docsPath`, reading the document from `documentUrl`. */
export function serveSwaggerUi(
  app: NestFastifyApplication,
  options: { docsPath: string; documentUrl: string; title: string },
): void {
  const fastify = app.getHttpAdapter().getInstance();
  const dir = swaggerUiDistDir();
  const html = page(options.docsPath, options.title);
  const init = initScript(options.documentUrl);

  // The adapter ignores trailing slashes, so this also serves `docsPath/`.
  fastify.get(options.docsPath, (_request, reply) => reply.type('text/html; charset=utf-8').send(html));
  fastify.get(`${options.docsPath}/swagger-ui-init.js`, (_request, reply) =>
    reply.type('application/javascript; charset=utf-8').send(init),
  );
  for (const [file, contentType] of Object.entries(ASSETS)) {
    fastify.get(`${options.docsPath}/${file}`, (_request, reply) =>
      reply
        .type(contentType)
        .header('cache-control', 'public, max-age=86400')
        .send(createReadStream(join(dir, file))),
    );
  }
}
