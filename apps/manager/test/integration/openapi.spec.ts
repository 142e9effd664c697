import { ErrorCode, ProtocolHeader } from '@chaconne/contracts';
import { bearer } from '@chaconne/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { toOpenApiPath } from '../../src/openapi/openapi-document';
import { ROUTE_TABLE } from '../../src/openapi/route-table';
import {
  apiRoutes,
  closeAndCleanUp,
  type RegisteredRoute,
  startManagerApp,
  testConfig,
} from '../support/test-env';

jest.setTimeout(30_000);

/** The parts of the OpenAPI document these tests read. */
interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string }[];
  requestBody?: {
    content: Record<string, { schema?: { $ref?: string }; examples?: Record<string, { value?: unknown }> }>;
  };
  responses: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
}

interface Document {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, { properties?: Record<string, { enum?: unknown[] }>; required?: string[] }>;
    securitySchemes: Record<string, { type: string; scheme?: string; in?: string; name?: string }>;
  };
}

/** Chaconne README's persistJob body, copied here so the document's example is checked against it. */
const CHACONNE_README_BODY = {
  jobKey: {
    clusterName: 'yourCluster',
    groupName: 'yourGroup',
    jobName: 'yourJob',
    jobClassName: 'com.yourcompany.yourapp.YourJob',
  },
  description: 'Describe your job shortly',
  email: 'YourEmail@yourcompany.com',
  retries: 0,
  timeout: -1,
  weight: 100,
  dependentKeys: null,
  forkKeys: null,
  completionRate: -1,
  trigger: {
    triggerType: 1,
    triggerDescription: { cron: { expression: '*/5 * * * * ?' } },
    startDate: null,
    endDate: null,
    repeatCount: -1,
  },
  attachment: '{"initialParameter": "test"}',
};

/** xcron README's benchmark body (json.txt). */
const XCRON_README_BODY = {
  type: 1,
  format: '1581823751',
  callback: { url: 'http://test.demo.com:8810', body: { params: [1, 2], data: '10.10.10', count: 1 } },
};

const config = testConfig();
let app: NestFastifyApplication;
let baseUrl: string;
let registered: RegisteredRoute[];
let docResponse: Response;
let doc: Document;

const key = (method: string, path: string): string => `${method.toUpperCase()} ${path}`;

function operations(): { method: string; path: string; op: Operation }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
  );
}

beforeAll(async () => {
  let routes: RegisteredRoute[];
  ({ app, baseUrl, routes } = await startManagerApp(config));
  registered = apiRoutes(routes);
  docResponse = await fetch(`${baseUrl}/docs/openapi.json`);
  doc = (await docResponse.clone().json()) as Document;
});

afterAll(() => closeAndCleanUp(config, app));

describe('the OpenAPI document', () => {
  it('is served at /docs/openapi.json without a token, as OpenAPI 3.1', () => {
    expect(docResponse.status).toBe(200);
    expect(docResponse.headers.get('content-type')).toMatch(/^application\/json/);
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBe('Chaconne manager API');
    expect(doc.info.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('describes every route the manager registered, with its method and path', () => {
    // The onRoute hook saw the controllers: not an empty list that would pass trivially.
    expect(registered.length).toBeGreaterThanOrEqual(60);
    expect(registered).toContainEqual({ method: 'POST', url: '/job/admin/persistJob' });
    const documented = new Set(operations().map((o) => key(o.method, o.path)));
    const undocumented = registered
      .map((r) => key(r.method, toOpenApiPath(r.url)))
      .filter((route) => !documented.has(route));
    expect(undocumented).toEqual([]);
  });

  it('describes no route that does not exist', () => {
    const real = new Set(registered.map((r) => key(r.method, toOpenApiPath(r.url))));
    const invented = operations()
      .map((o) => key(o.method, o.path))
      .filter((route) => !real.has(route));
    expect(invented).toEqual([]);
  });

  it('gives every POST route a request body schema (a component) and at least one example', () => {
    const problems = operations()
      .filter((o) => o.method === 'POST')
      .flatMap(({ path, op }) => {
        const media = op.requestBody?.content['application/json'];
        const ref = media?.schema?.$ref ?? '';
        const component = ref.replace('#/components/schemas/', '');
        const examples = Object.values(media?.examples ?? {});
        return [
          ...(doc.components.schemas[component] ? [] : [`${path}: no request body schema (${ref})`]),
          ...(examples.length > 0 && examples.every((e) => e.value !== undefined)
            ? []
            : [`${path}: no example`]),
        ];
      });
    expect(problems).toEqual([]);
    expect(operations().filter((o) => o.method === 'POST').length).toBeGreaterThanOrEqual(55);
  });

  it('gives every operation a summary, a tag, its security and a described 200 answer with a schema', () => {
    const problems = operations().flatMap(({ method, path, op }) => {
      const ok = op.responses['200'];
      const name = key(method, path);
      return [
        ...(op.summary && op.tags?.length === 1 && op.operationId
          ? []
          : [`${name}: summary/tag/operationId`]),
        ...(Array.isArray(op.security) ? [] : [`${name}: no security`]),
        // JSON, or the events of a server-sent-events route (tailJobLog).
        ...(ok?.description && (ok.content?.['application/json'] ?? ok.content?.['text/event-stream'])?.schema
          ? []
          : [`${name}: no 200 schema`]),
        ...(Object.keys(op.responses).some((status) => status.startsWith('4') || status.startsWith('5'))
          ? []
          : [`${name}: no error answers`]),
      ];
    });
    expect(problems).toEqual([]);
    const ids = operations().map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('declares the bearer and worker signature schemes, and the error envelope with every ErrorCode', () => {
    const { securitySchemes, schemas } = doc.components;
    expect(securitySchemes.adminToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(securitySchemes.workerSignature).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: ProtocolHeader.SIGNATURE,
    });
    expect(securitySchemes.workerTimestamp).toMatchObject({ in: 'header', name: ProtocolHeader.TIMESTAMP });
    expect(securitySchemes.workerNonce).toMatchObject({ in: 'header', name: ProtocolHeader.NONCE });

    const envelope = schemas.ErrorResponse;
    expect(envelope?.required).toEqual(['success', 'msg', 'code', 'data']);
    expect(Object.keys(envelope?.properties ?? {})).toEqual([
      'success',
      'msg',
      'code',
      'data',
      'errors',
      'details',
    ]);
    expect([...(envelope?.properties?.code?.enum ?? [])].sort()).toEqual(Object.values(ErrorCode).sort());
    expect(doc.paths['/job/admin/persistJob']?.post?.security).toEqual([{ adminToken: [] }]);
    expect(doc.paths['/worker/register']?.post?.security).toEqual([
      { workerSignature: [], workerTimestamp: [], workerNonce: [] },
    ]);
    expect(doc.paths['/health']?.get?.security).toEqual([]);
  });

  it("shows Chaconne's persistJob body and xcron's benchmark body verbatim as examples", () => {
    const persist = doc.paths['/job/admin/persistJob']?.post?.requestBody?.content['application/json'];
    expect(persist?.examples?.chaconne?.value).toEqual(CHACONNE_README_BODY);
    const createTask = doc.paths['/xcron/createTask']?.post?.requestBody?.content['application/json'];
    expect(createTask?.examples?.benchmark?.value).toEqual(XCRON_README_BODY);
  });

  it('has request examples that the zod schemas of the routes accept', () => {
    const rejected = ROUTE_TABLE.flatMap((route) =>
      Object.entries(route.body?.examples ?? {}).flatMap(([name, example]) => {
        const result = route.body?.schema.safeParse(example.value);
        return result?.success ? [] : [`${route.path} ${name}: ${result?.error.message ?? ''}`];
      }),
    );
    expect(rejected).toEqual([]);
  });

  it("has a persistJob example the running manager accepts (Chaconne's body)", async () => {
    const example =
      doc.paths['/job/admin/persistJob']?.post?.requestBody?.content['application/json']?.examples;
    for (const name of ['chaconne', 'periodic']) {
      const res = await fetch(`${baseUrl}/job/admin/persistJob`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...bearer(config.adminToken ?? '') },
        body: JSON.stringify(example?.[name]?.value),
      });
      expect([name, res.status]).toEqual([name, 200]);
      const body = (await res.json()) as { success: boolean; data: unknown };
      expect([body.success, typeof body.data]).toEqual([true, 'number']);
    }
  });

  it('declares the authentication each route really enforces', async () => {
    const wrong: string[] = [];
    for (const { method, path, op } of operations()) {
      const url = baseUrl + path.replace(/\{\w+\}/g, '1');
      const res = await fetch(url, {
        method,
        ...(method === 'POST' ? { headers: { 'content-type': 'application/json' }, body: '{}' } : {}),
      });
      const body = (await res.json()) as { code?: unknown; error?: unknown };
      // xcron answers in its own shape: the Chaconne code is in `error`.
      const code = typeof body.code === 'string' ? body.code : body.error;
      const scheme = Object.keys(op.security?.[0] ?? {})[0] ?? 'none';
      const enforced =
        scheme === 'adminToken'
          ? res.status === 401 && code === ErrorCode.UNAUTHORIZED
          : scheme === 'workerSignature'
            ? res.status === 401 && code === ErrorCode.BAD_SIGNATURE
            : res.status !== 401;
      if (!enforced) wrong.push(`${key(method, path)} (${scheme}): ${res.status} ${String(code)}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('Swagger UI', () => {
  it('is served at /docs without a token, with its scripts and the document', async () => {
    const page = await fetch(`${baseUrl}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('swagger-ui');

    const init = await fetch(`${baseUrl}/docs/swagger-ui-init.js`);
    expect(init.status).toBe(200);
    expect(await init.text()).toContain('"/docs/openapi.json"');

    const bundle = await fetch(`${baseUrl}/docs/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    await bundle.arrayBuffer();
  });
});
