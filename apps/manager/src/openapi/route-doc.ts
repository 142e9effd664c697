import type { z } from 'zod';
import type { ErrorKind } from './error-responses';
import type { ResponseComponent } from './response-schemas';

/**
 * How a route is authenticated. `bearer`: an admin API token (`Authorization: Bearer <token>`);
 * `worker-signature`: the HMAC headers the worker SDK sends; `none`: open (health only).
 */
export type AuthKind = 'bearer' | 'worker-signature' | 'none';

export interface RequestExample {
  summary: string;
  description?: string;
  value: unknown;
}

/** A zod schema documented as a named component under `#/components/schemas/<component>`. */
export interface NamedSchema {
  component: string;
  schema: z.ZodType;
}

/**
 * One route of the manager, as the OpenAPI document describes it. The controllers read
 * `@Body() body: unknown` and parse it with zod, so Nest's reflection sees no schema:
 * this record is where the docs get it, from the very zod schema the controller uses.
 */
export interface RouteDoc {
  method: 'GET' | 'POST';
  /** As registered in Fastify, e.g. `/worker/runs/:runId/report`. */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description: string;
  auth: AuthKind;
  /** The JSON body, with at least one example. */
  body?: NamedSchema & { examples: Record<string, RequestExample>; required?: boolean };
  /** Query string parameters: the properties of a zod object schema. */
  query?: z.ZodObject;
  pathParams?: Record<string, { schema: z.ZodType; description: string }>;
  /** The success answer (status 200). */
  response: {
    description: string;
    /**
     * `chaconne`: `{ success: true, msg, data: <schema> }`; `xcron`: `{ uuid, code: 0, data?: <schema> }`
     * (no `data` for `Nothing`), failures in xcron's shape too; `bare`: the schema is the whole body;
     * `event-stream`: `text/event-stream` whose events the schema describes (failures before the
     * stream opens are JSON).
     */
    envelope: 'chaconne' | 'xcron' | 'bare' | 'event-stream';
    schema: ResponseComponent;
    /** Other statuses answered with the same body, e.g. 503 for a degraded health check. */
    alsoStatuses?: number[];
  };
  /**
   * Failures this route answers besides those of its auth kind (401, 429) and 500, which
   * the document adds to every route (in xcron's shape for `xcron` routes).
   */
  errors: readonly ErrorKind[];
}

/** Chaconne's admin routes exist twice: `/job/admin/*` and, for clients of the original, `/job/manager/*`. */
export const ADMIN_PREFIX = '/job/admin';
export const MANAGER_ALIAS_PREFIX = '/job/manager';
export const ALIAS_TAG = 'Chaconne aliases (/job/manager)';

/**
 * Documents each `/job/admin/<name>` route and its `/job/manager/<name>` alias (the same
 * controller method, registered under both prefixes).
 */
export function withManagerAlias(routes: readonly RouteDoc[]): RouteDoc[] {
  return routes.flatMap((route) => {
    if (!route.path.startsWith(`${ADMIN_PREFIX}/`)) return [route];
    const name = route.path.slice(ADMIN_PREFIX.length);
    return [
      route,
      {
        ...route,
        path: MANAGER_ALIAS_PREFIX + name,
        operationId: `${route.operationId}_jobManager`,
        tag: ALIAS_TAG,
        description: `Alias of \`${route.method} ${route.path}\` for clients written against the original Chaconne. ${route.description}`,
      },
    ];
  });
}
