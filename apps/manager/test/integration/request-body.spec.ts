import { ErrorCode, MAX_JSON_DEPTH, XcronCode } from '@chaconne/contracts';
import { bearer, postJson, queryDatabase } from '@chaconne/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { request as httpRequest } from 'node:http';
import { BODY_LIMITS, DEFAULT_BODY_LIMIT } from '../../src/body-limits';
import {
  closeAndCleanUp,
  registration,
  signedPost,
  startManagerApp,
  testConfig,
  workerHeaders,
} from '../support/test-env';

/**
 * Authenticate first, then read and parse: no body is read before its sender is known, and
 * none is parsed before that (admin routes: the bearer token; worker routes: the HMAC over
 * the raw bytes). Then JSON is read with a nesting limit and per-route size limits.
 */
jest.setTimeout(30_000);

const config = testConfig();
let app: NestFastifyApplication;
let baseUrl: string;

/** About 2 MB of nested arrays: costly to parse, cheap to refuse. */
const NESTED = `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`;

beforeAll(async () => {
  ({ app, baseUrl } = await startManagerApp(config));
});

afterAll(() => closeAndCleanUp(config, app));

async function count(table: string): Promise<number> {
  const rows = await queryDatabase<{ n: number | string }>(
    config.mysqlUrl,
    `SELECT COUNT(*) AS n FROM ${table}`,
  );
  return Number(rows[0]?.n);
}

interface EarlyAnswer {
  status: number;
  body: Record<string, unknown>;
  /** Bytes of the body written when the answer came (of `declared`). */
  written: number;
}

/**
 * Declares a body of `declared` bytes, sends only its first 64 KiB, and waits for the
 * answer without ever sending the rest: an answer proves the server decided without reading
 * the body. A server that waits for the body never answers, and the wait fails.
 */
function answerBeforeBody(
  path: string,
  headers: Record<string, string>,
  declared: number,
  timeoutMs = 15_000,
): Promise<EarlyAnswer> {
  const url = new URL(path, baseUrl);
  return new Promise((resolve, reject) => {
    const head = Buffer.from(NESTED.slice(0, 64 * 1024));
    const request = httpRequest(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(declared), ...headers },
    });
    const timer = setTimeout(() => {
      request.destroy();
      reject(new Error(`no answer from ${path} within ${timeoutMs} ms: the server waited for the body`));
    }, timeoutMs);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        clearTimeout(timer);
        request.destroy();
        resolve({
          status: response.statusCode ?? 0,
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
          written: head.length,
        });
      });
    });
    request.on('error', (error) => {
      // The server may close the connection once it answered; the answer already settled this.
      if (!request.destroyed) {
        clearTimeout(timer);
        reject(error);
      }
    });
    request.write(head);
  });
}

describe('admin routes: the bearer token before the body', () => {
  it('answers a 2 MB nested body without a token 401 before the body is even sent, and with a token 400 too deep', async () => {
    const before = await count('chac_job_detail');
    const early = await answerBeforeBody('/job/admin/persistJob', {}, Buffer.byteLength(NESTED));
    expect(early.status).toBe(401);
    expect(early.body).toMatchObject({ code: ErrorCode.UNAUTHORIZED });
    expect(early.written).toBeLessThan(Buffer.byteLength(NESTED));

    const wrongToken = await answerBeforeBody(
      '/job/admin/persistJob',
      bearer('chac_not-a-token'),
      Buffer.byteLength(NESTED),
    );
    expect([wrongToken.status, wrongToken.body.code]).toEqual([401, ErrorCode.UNAUTHORIZED]);

    // With a token, the body is read and refused by its depth, naming no more than the body.
    const parsed = await postJson(baseUrl, '/job/admin/persistJob', NESTED, bearer(config.adminToken ?? ''));
    expect(parsed).toMatchObject({
      status: 400,
      body: {
        code: ErrorCode.VALIDATION_FAILED,
        errors: [{ field: '(body)', reason: `is nested deeper than ${MAX_JSON_DEPTH} levels` }],
      },
    });
    expect(await count('chac_job_detail')).toBe(before);
  });

  it('answers xcron without a token 401 in its own shape before the body is sent', async () => {
    const early = await answerBeforeBody('/xcron/createTask', {}, Buffer.byteLength(NESTED));
    expect(early.status).toBe(401);
    expect(early.body).toMatchObject({ code: XcronCode.UNAUTHORIZED, error: ErrorCode.UNAUTHORIZED });
  });

  it('checks the token before the size: 401 without one, 413 with the limit with one', async () => {
    const limit = DEFAULT_BODY_LIMIT;
    const big = JSON.stringify({ jobKey: { clusterName: 'x'.repeat(limit) } });
    const anonymous = await postJson(baseUrl, '/job/admin/getJobDetail', big);
    expect([anonymous.status, anonymous.body.code]).toEqual([401, ErrorCode.UNAUTHORIZED]);
    const refused = await postJson(baseUrl, '/job/admin/getJobDetail', big, bearer(config.adminToken ?? ''));
    expect(refused).toMatchObject({
      status: 413,
      body: {
        code: ErrorCode.PAYLOAD_TOO_LARGE,
        details: { limitBytes: limit },
        errors: [{ field: '(body)', reason: `must be at most ${limit} bytes` }],
      },
    });
    expect(refused.body.msg).toContain(String(limit));
  });

  it('names a __proto__ key by its path and refuses text that is not JSON, with a token', async () => {
    const token = bearer(config.adminToken ?? '');
    const proto = await postJson(
      baseUrl,
      '/job/admin/persistJob',
      '{"jobKey":{"clusterName":"c"},"labels":{"__proto__":{"polluted":true}}}',
      token,
    );
    expect(proto).toMatchObject({
      status: 400,
      body: { code: ErrorCode.VALIDATION_FAILED, errors: [{ field: 'labels.__proto__' }] },
    });
    const text = await postJson(baseUrl, '/job/admin/persistJob', 'jobKey=1', token);
    expect(text).toMatchObject({
      status: 400,
      body: { code: ErrorCode.VALIDATION_FAILED, errors: [{ field: '(body)' }] },
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('still answers a body on a route that reads none, and a non-JSON body 415', async () => {
    const token = bearer(config.adminToken ?? '');
    const listed = await postJson<string[]>(baseUrl, '/job/admin/selectClusterNames', { any: 1 }, token);
    expect([listed.status, Array.isArray(listed.body.data)]).toEqual([200, true]);
    const form = await fetch(`${baseUrl}/job/admin/persistJob`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=1',
    });
    expect([form.status, ((await form.json()) as { code: string }).code]).toEqual([
      415,
      ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    ]);
  });
});

describe('worker routes: the signature over the raw bytes before parsing', () => {
  const logs = '/worker/runs/1/logs';

  it('refuses an unsigned 2 MB nested body 401 (never parsed) and the same body signed 400 too deep', async () => {
    const unsigned = await postJson(baseUrl, logs, NESTED);
    expect([unsigned.status, unsigned.body.code]).toEqual([401, ErrorCode.BAD_SIGNATURE]);
    const signed = await postJson(baseUrl, logs, NESTED, workerHeaders(config.secret, logs, NESTED));
    expect(signed).toMatchObject({
      status: 400,
      body: { code: ErrorCode.VALIDATION_FAILED, errors: [{ field: '(body)' }] },
    });
  });

  it('refuses unsigned text that is not JSON 401, not 400: the signature comes first', async () => {
    const text = 'definitely not JSON';
    const unsigned = await postJson(baseUrl, '/worker/heartbeat', text);
    expect([unsigned.status, unsigned.body.code]).toEqual([401, ErrorCode.BAD_SIGNATURE]);
    const signed = await postJson(
      baseUrl,
      '/worker/heartbeat',
      text,
      workerHeaders(config.secret, '/worker/heartbeat', text),
    );
    expect([signed.status, signed.body.errors?.[0]?.field]).toEqual([400, '(body)']);
  });

  it('refuses a body over the route limit 413 with the limit, before reading or verifying it', async () => {
    const limit = BODY_LIMITS['/worker/heartbeat'] ?? 0;
    expect(limit).toBeLessThan(Buffer.byteLength(NESTED));
    const early = await answerBeforeBody('/worker/heartbeat', {}, Buffer.byteLength(NESTED));
    expect(early.status).toBe(413);
    expect(early.body).toMatchObject({ code: ErrorCode.PAYLOAD_TOO_LARGE, details: { limitBytes: limit } });
  });

  it('refuses unknown fields by name, listing every problem, and caps the lists', async () => {
    const beat = await signedPost(baseUrl, config.secret, '/worker/heartbeat', {
      instanceId: 'strict-1',
      activeRuns: -1,
      draining: false,
      cpu: 0.5,
    });
    expect(beat.status).toBe(400);
    expect(beat.body.errors?.map((e) => e.field)).toEqual(['activeRuns', 'cpu']);
    expect(beat.body.errors?.[1]?.reason).toBe('unknown field');

    const labels = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`l${i}`, 'v']));
    const register = await signedPost(baseUrl, config.secret, '/worker/register', {
      ...registration('strict-2', { labels }),
      jobs: [{ jobClassName: 'EtlJob', schedule: 'x' }],
    });
    expect(register.status).toBe(400);
    expect(register.body.errors).toEqual(
      expect.arrayContaining([
        { field: 'labels', reason: 'must have at most 32 labels' },
        { field: 'jobs.0.schedule', reason: 'unknown field' },
      ]),
    );

    const lines = Array.from({ length: 1_001 }, () => ({
      level: 2,
      message: 'x',
      time: new Date().toISOString(),
    }));
    const batch = await signedPost(baseUrl, config.secret, logs, {
      instanceId: 'strict-3',
      lines,
      dropped: 0,
    });
    expect([batch.status, batch.body.errors?.[0]?.field]).toEqual([400, 'lines']);
  });

  it('answers a worker of another protocol version 400 INCOMPATIBLE_PROTOCOL, signed or not', async () => {
    const text = JSON.stringify({ instanceId: 'old-1', activeRuns: 0, draining: false });
    for (const headers of [
      { 'x-chaconne-protocol': '1' },
      { ...workerHeaders(config.secret, '/worker/heartbeat', text), 'x-chaconne-protocol': '1' },
    ]) {
      const res = await postJson(baseUrl, '/worker/heartbeat', text, headers);
      expect([res.status, res.body.code]).toEqual([400, ErrorCode.INCOMPATIBLE_PROTOCOL]);
    }
  });

  it('refuses a text body to a worker route 415 without reading it', async () => {
    const res = await fetch(`${baseUrl}/worker/heartbeat`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect([res.status, ((await res.json()) as { code: string }).code]).toEqual([
      415,
      ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    ]);
  });
});

describe('the body limits in the OpenAPI document', () => {
  it('documents on each route with a body the limit the manager enforces', async () => {
    const doc = (await (await fetch(`${baseUrl}/docs/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { description?: string; requestBody?: unknown }>>;
    };
    const described = (path: string) =>
      doc.paths[path.replace(/:(\w+)/g, '{$1}')]?.post?.description ?? `no POST ${path} in the document`;
    for (const [path, limit] of Object.entries(BODY_LIMITS)) {
      expect(described(path)).toContain(`Request body: at most ${limit} bytes`);
    }
    expect(described('/job/admin/getJobDetail')).toContain(
      `Request body: at most ${DEFAULT_BODY_LIMIT} bytes`,
    );
  });
});
