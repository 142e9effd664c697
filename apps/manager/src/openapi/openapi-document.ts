import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_JSON_DEPTH } from '@chaconne/contracts';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { z } from 'zod';
import {
  ERROR_KINDS,
  type ErrorKind,
  type ErrorKindDoc,
  errorResponseSchema,
  fieldErrorSchema,
  xcronErrorResponseSchema,
} from './error-responses';
import { bodyLimitOf } from '../body-limits';
import { ComponentSchemas, inlineJsonSchema } from './json-schema';
import type {
  OperationObject,
  ParameterObject,
  ResponseObject,
  SchemaObject,
  TagObject,
} from './openapi-types';
import { RESPONSE_SCHEMAS } from './response-schemas';
import type { AuthKind, RouteDoc } from './route-doc';
import { ROUTE_TABLE, SHARED_REQUEST_SCHEMAS, TAGS } from './route-table';
import { SECURITY_SCHEMES, securityOf } from './security-schemes';

export const OPENAPI_VERSION = '3.1.0';

const DESCRIPTION = `The Chaconne manager: Chaconne's job admin API (\`/job/admin/*\`, also under \`/job/manager/*\`),
xcron's HTTP callback tasks (\`/xcron/*\`, answering in xcron's shape), the worker protocol (\`/worker/*\`) and health.

Success answers are Chaconne's envelope \`{ "success": true, "msg": "ok", "data": ... }\`. Errors have a real HTTP
status (400 validation, 401 authentication, 404 unknown job or run, 409 state conflict, 413 too large, 429 rate
limit) and the body \`{ "success": false, "msg", "code", "data": null, "errors"?, "details"? }\` with a stable
\`code\` (see ErrorResponse). A 400 lists every problem of the body in \`errors\`, unknown fields included.

Admin and xcron routes need \`Authorization: Bearer <token>\` (the adminToken scheme); worker routes need the
HMAC signature headers of the worker SDK. Both are checked before a request body is read or parsed. Each route has
a body limit (in its description; 413 PAYLOAD_TOO_LARGE with \`details.limitBytes\` above it), and JSON bodies
may nest at most ${MAX_JSON_DEPTH} levels and carry no \`__proto__\` key (400 naming it). These docs (\`/docs\`,
\`/docs/openapi.json\`) are open: they hold no data.`;

/** Errors every route of an auth kind can answer besides its own, and 500. */
const COMMON_ERRORS: Record<AuthKind, readonly ErrorKind[]> = {
  bearer: ['UNAUTHORIZED', 'RATE_LIMITED', 'DEPENDENCY_UNAVAILABLE', 'INTERNAL_ERROR'],
  'worker-signature': [
    'INCOMPATIBLE_PROTOCOL',
    'BAD_SIGNATURE',
    'STALE_REQUEST',
    'REPLAYED_REQUEST',
    'DEPENDENCY_UNAVAILABLE',
    'INTERNAL_ERROR',
  ],
  none: ['INTERNAL_ERROR'],
};

/** The same for the xcron routes, whose failures are in xcron's shape. */
const XCRON_COMMON_ERRORS: Record<AuthKind, readonly ErrorKind[]> = {
  bearer: ['XCRON_UNAUTHORIZED', 'XCRON_RATE_LIMITED', 'XCRON_ENQUEUE_FAILED', 'XCRON_INTERNAL_ERROR'],
  'worker-signature': ['XCRON_UNAUTHORIZED', 'XCRON_ENQUEUE_FAILED', 'XCRON_INTERNAL_ERROR'],
  none: ['XCRON_INTERNAL_ERROR'],
};

type ErrorRefs = Record<ErrorKindDoc['body'], SchemaObject>;

const json = (schema: SchemaObject, extra: Record<string, unknown> = {}) => ({
  'application/json': { schema, ...extra },
});

function managerVersion(): string {
  try {
    // apps/manager/package.json, two levels up from both src/openapi and dist/openapi.
    const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      version?: string;
    };
    return manifest.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** `/worker/runs/:runId/logs` (Fastify) -> `/worker/runs/{runId}/logs` (OpenAPI). */
export function toOpenApiPath(path: string): string {
  return path.replace(/:(\w+)/g, '{$1}');
}

function successResponse(route: RouteDoc, components: ComponentSchemas): ResponseObject {
  const data = components.add(route.response.schema, RESPONSE_SCHEMAS[route.response.schema]);
  let schema: SchemaObject;
  switch (route.response.envelope) {
    case 'event-stream':
      return { description: route.response.description, content: { 'text/event-stream': { schema: data } } };
    case 'bare':
      schema = data;
      break;
    case 'chaconne':
      schema = {
        type: 'object',
        required: ['success', 'msg', 'data'],
        properties: { success: { const: true }, msg: { type: 'string', examples: ['ok'] }, data },
      } as SchemaObject;
      break;
    case 'xcron': {
      const hasData = route.response.schema !== 'Nothing';
      schema = {
        type: 'object',
        required: hasData ? ['uuid', 'code', 'data'] : ['uuid', 'code'],
        properties: {
          uuid: { type: 'string', description: 'A fresh id of this request' },
          code: { const: 0, description: 'xcron: 0 is success' },
          ...(hasData ? { data } : {}),
          warnings: {
            type: 'array',
            items: { type: 'string' },
            description:
              'Not an xcron field; absent when empty. Things to know about an accepted request, e.g. `callback.url: host test.demo.com did not resolve (ENOTFOUND); it will be checked again at each delivery`',
          },
        },
      } as SchemaObject;
      break;
    }
  }
  return { description: route.response.description, content: json(schema) };
}

/** The failures of a route grouped by status, each code with its example. */
function errorResponses(route: RouteDoc, errorRefs: ErrorRefs): Record<string, ResponseObject> {
  const common = (route.response.envelope === 'xcron' ? XCRON_COMMON_ERRORS : COMMON_ERRORS)[route.auth];
  // A body over the route's limit is refused before any route code runs, in Chaconne's shape.
  const bodyLimit: ErrorKind[] = route.body ? ['PAYLOAD_TOO_LARGE'] : [];
  const kinds = [...new Set<ErrorKind>([...route.errors, ...common, ...bodyLimit])];
  const byStatus = new Map<number, ErrorKind[]>();
  for (const kind of kinds) {
    const status = ERROR_KINDS[kind].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), kind]);
  }
  return Object.fromEntries(
    [...byStatus.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, group]) => [
        String(status),
        {
          description: group
            .map((k) => `\`${ERROR_KINDS[k].label}\`: ${ERROR_KINDS[k].description}`)
            .join(' '),
          content: json(errorRefs[ERROR_KINDS[group[0] ?? 'INTERNAL_ERROR'].body], {
            examples: Object.fromEntries(
              group.map((k) => [
                ERROR_KINDS[k].label,
                { summary: ERROR_KINDS[k].label, value: ERROR_KINDS[k].example },
              ]),
            ),
          }),
        },
      ]),
  );
}

function parameters(route: RouteDoc): ParameterObject[] {
  const result: ParameterObject[] = Object.entries(route.pathParams ?? {}).map(([name, param]) => ({
    name,
    in: 'path',
    required: true,
    description: param.description,
    schema: inlineJsonSchema(param.schema),
  }));
  if (route.query) {
    const shape = route.query.shape as Record<string, z.ZodType>;
    const required = new Set((inlineJsonSchema(route.query) as { required?: string[] }).required ?? []);
    for (const [name, schema] of Object.entries(shape)) {
      result.push({ name, in: 'query', required: required.has(name), schema: inlineJsonSchema(schema) });
    }
  }
  return result;
}

function operation(route: RouteDoc, components: ComponentSchemas, errorRefs: ErrorRefs): OperationObject {
  const op: OperationObject = {
    operationId: route.operationId,
    tags: [route.tag],
    summary: route.summary,
    description: route.body
      ? `${route.description}\n\nRequest body: at most ${bodyLimitOf(route.path)} bytes (413 PAYLOAD_TOO_LARGE above).`
      : route.description,
    security: securityOf(route.auth),
    responses: {
      '200': successResponse(route, components),
      ...Object.fromEntries(
        (route.response.alsoStatuses ?? []).map((status) => [
          String(status),
          successResponse(route, components),
        ]),
      ),
      ...errorResponses(route, errorRefs),
    },
  };
  const params = parameters(route);
  if (params.length > 0) op.parameters = params;
  if (route.body) {
    op.requestBody = {
      required: route.body.required ?? true,
      content: json(components.add(route.body.component, route.body.schema), {
        examples: route.body.examples,
      }),
    };
  }
  return op;
}

/**
 * The OpenAPI 3.1 document of the manager, built from {@link ROUTE_TABLE}: the controllers
 * take `@Body() body: unknown` and parse it with zod, so Nest's reflection (`createDocument`)
 * would see no schema. Request schemas are the controllers' own zod schemas, converted with
 * `z.toJSONSchema(..., { io: 'input' })`; response schemas are checked against the wire types.
 */
export function buildOpenApiDocument(routes: readonly RouteDoc[] = ROUTE_TABLE): OpenAPIObject {
  const components = new ComponentSchemas();
  components.add('FieldError', fieldErrorSchema);
  const errorRefs: ErrorRefs = {
    chaconne: components.add('ErrorResponse', errorResponseSchema),
    xcron: components.add('XcronErrorResponse', xcronErrorResponseSchema),
  };
  for (const [name, schema] of Object.entries(SHARED_REQUEST_SCHEMAS)) components.add(name, schema);

  const paths: OpenAPIObject['paths'] = {};
  for (const route of routes) {
    const path = toOpenApiPath(route.path);
    const item = (paths[path] ??= {});
    const method = route.method === 'GET' ? 'get' : 'post';
    if (item[method]) throw new Error(`OpenAPI: ${route.method} ${route.path} is described twice`);
    item[method] = operation(route, components, errorRefs);
  }

  const usedTags = new Set(routes.map((r) => r.tag));
  const tags: TagObject[] = TAGS.filter((t) => usedTags.has(t.name));
  for (const tag of usedTags) if (!tags.some((t) => t.name === tag)) tags.push({ name: tag });

  return {
    openapi: OPENAPI_VERSION,
    info: {
      title: 'Chaconne manager API',
      version: managerVersion(),
      description: DESCRIPTION,
      license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
    },
    tags,
    paths,
    components: { schemas: components.toJsonSchemas(), securitySchemes: SECURITY_SCHEMES },
  };
}
