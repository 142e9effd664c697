import { RunningState } from '@chaconne/contracts';
import { bearer, sleep, waitFor } from '@chaconne/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { lookup } from 'node:dns/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import type { ManagerConfig } from '../../src/config/manager-config';
import { CallbackClient } from '../../src/modules/xcron/callback-client';
import { CallbackPolicy } from '../../src/modules/xcron/callback-policy';
import type { XcronResponse } from '../../src/modules/xcron/xcron-codes';
import type { XcronTask } from '@chaconne/contracts';
import {
  closeAndCleanUp,
  queuedTicks,
  startManagerApp,
  tablesChecksum,
  testConfig,
} from '../support/test-env';
import { XCRON_README_BODY, xcronBadInputs, type XcronBadInput } from './xcron-bad-inputs';

jest.setTimeout(30_000);

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const LONG_ERROR = `database exploded: ${'x'.repeat(2000)}`;

/** A callback target on 127.0.0.1 that records every request; `/fail` answers 500, `/slow` never. */
class Receiver {
  readonly requests: Received[] = [];
  private server!: Server;
  port = 0;

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const path = request.url ?? '';
        this.requests.push({ path, headers: request.headers, body: Buffer.concat(chunks).toString() });
        if (path.startsWith('/slow')) return; // never answers
        if (path.startsWith('/fail'))
          response.writeHead(500, { 'content-type': 'text/plain' }).end(LONG_ERROR);
        else response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  to(path: string): Received[] {
    return this.requests.filter((r) => r.path === path);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      this.server.close((error) => {
        if (error) reject(error);
        else resolve();
      }),
    );
  }
}

/** A manager with its own database, Redis prefix and xcron client helpers. */
class Manager {
  app!: NestFastifyApplication;
  baseUrl = '';
  constructor(readonly config: ManagerConfig) {}

  async start(): Promise<this> {
    ({ app: this.app, baseUrl: this.baseUrl } = await startManagerApp(this.config));
    return this;
  }

  /** Closes the app if it started, and drops its database and prefix whatever happened. */
  async stop(): Promise<void> {
    await closeAndCleanUp(this.config, this.app);
  }

  private auth(): Record<string, string> {
    return bearer(this.config.adminToken ?? '');
  }

  async post<T = never>(
    path: string,
    body: unknown,
    headers: Record<string, string> = { 'content-type': 'application/json', ...this.auth() },
  ): Promise<{ status: number; body: XcronResponse<T> }> {
    const response = await fetch(this.baseUrl + path, {
      method: 'POST',
      headers,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as XcronResponse<T> };
  }

  async create(body: unknown): Promise<string> {
    const res = await this.post<{ task_id: string }>('/xcron/createTask', body);
    if (res.status !== 200 || res.body.code !== 0 || !res.body.data)
      throw new Error(`createTask failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.data.task_id;
  }

  async query(
    taskId: string,
    headers = this.auth(),
  ): Promise<{ status: number; body: XcronResponse<XcronTask> }> {
    const response = await fetch(`${this.baseUrl}/xcron/queryTask?task_id=${encodeURIComponent(taskId)}`, {
      headers,
    });
    return { status: response.status, body: (await response.json()) as XcronResponse<XcronTask> };
  }

  /** Sends a case of the bad-input table as it is written. */
  async send(input: XcronBadInput): Promise<{ status: number; body: XcronResponse }> {
    if (input.method === 'GET') {
      const response = await fetch(`${this.baseUrl}${input.path}?${input.query ?? ''}`, {
        headers: this.auth(),
      });
      return { status: response.status, body: (await response.json()) as XcronResponse };
    }
    return this.post(input.path, input.body);
  }

  async sql<T>(query: string, params: unknown[] = []): Promise<T[]> {
    return this.app.get(DataSource).query<T[]>(query, params);
  }

  async jobCount(): Promise<number> {
    const rows = await this.sql<{ n: number | string }>('SELECT COUNT(*) AS n FROM chac_job_detail');
    return Number(rows[0]?.n);
  }

  async jobIdOf(taskId: string): Promise<number> {
    const rows = await this.sql<{ job_id: number }>(
      "SELECT job_id FROM chac_job_detail WHERE cluster_name = 'xcron' AND job_name = ?",
      [taskId],
    );
    const row = rows[0];
    if (!row) throw new Error(`no job for task ${taskId}`);
    return row.job_id;
  }

  async runsOf(taskId: string): Promise<RunRow[]> {
    return this.sql<RunRow>(
      'SELECT running_state, reason, result, instance_id, address FROM chac_job_run WHERE job_id = ? ORDER BY planned_at',
      [await this.jobIdOf(taskId)],
    );
  }
}

interface RunRow {
  running_state: number;
  reason: string | null;
  result: string | null;
  instance_id: string | null;
  address: string | null;
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);
const BENCH_BODY = { params: [1, 2], data: '10.10.10', count: 1 };

function expectNoManagerHeaders(headers: IncomingHttpHeaders): void {
  const leaked = Object.keys(headers).filter((h) => h.startsWith('x-chaconne') || h === 'authorization');
  expect(leaked).toEqual([]);
}

const receiver = new Receiver();

beforeAll(async () => {
  await receiver.start();
});

afterAll(async () => {
  await receiver.close();
});

describe('xcron tasks (callbacks to 127.0.0.1 allowlisted)', () => {
  const manager = new Manager(testConfig({ CHACONNE_CALLBACK_ALLOWLIST: '127.0.0.1' }));

  beforeAll(async () => {
    await manager.start();
  });

  afterAll(async () => {
    await manager.stop();
  });

  it("runs xcron's benchmark body (type 1 + a timestamp) once, as a one-shot, with the exact body", async () => {
    const format = String(nowSeconds() + 2);
    const res = await manager.post<{ task_id: string }>('/xcron/createTask', {
      type: 1,
      format,
      callback: { url: receiver.url('/once'), body: BENCH_BODY },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      uuid: expect.stringMatching(/^[0-9a-f-]{36}$/) as string,
      code: 0,
      data: { task_id: expect.any(String) as string },
    });
    const taskId = res.body.data?.task_id ?? '';

    const runs = await waitFor(
      'the one-shot run to complete',
      async () => {
        const rows = await manager.runsOf(taskId);
        return rows.some((r) => r.running_state !== RunningState.RUNNING) ? rows : undefined;
      },
      8000,
    );
    expect(runs).toEqual([
      {
        running_state: RunningState.COMPLETED,
        reason: null,
        result: '{"status":200}',
        instance_id: 'manager',
        address: `http://127.0.0.1:${receiver.port}`,
      },
    ]);
    await sleep(1200); // a duplicate would show up within a second
    const calls = receiver.to('/once');
    expect(calls).toHaveLength(1);
    expect(JSON.parse(calls[0]?.body ?? '')).toEqual(BENCH_BODY);
    expect(calls[0]?.body).toBe(JSON.stringify(BENCH_BODY));
    expect(calls[0]?.headers['content-type']).toBe('application/json');
    expectNoManagerHeaders(calls[0]?.headers ?? {});

    const query = await manager.query(taskId);
    expect(query.status).toBe(200);
    expect(query.body).toMatchObject({
      code: 0,
      data: {
        task_id: taskId,
        type: 2,
        format,
        run_count: 1,
        callback: { url: receiver.url('/once'), body: BENCH_BODY },
        deleted: false,
      },
    });
    expect(Math.abs(Number(query.body.data?.create_time) - nowSeconds())).toBeLessThan(10);
    // Its job ended with its only run; the task is deleted only when asked.
    expect((await manager.post('/xcron/deleteTask', { task_id: taskId })).body.code).toBe(0);
    expect((await manager.query(taskId)).body.data?.deleted).toBe(true);
  });

  it('calls a crontab task every second until deleteTask stops it for good', async () => {
    const body = { tick: true, n: [1, 2, 3] };
    const taskId = await manager.create({
      type: 1,
      format: '*/1 * * * * ?',
      callback: { url: receiver.url('/cron'), body },
    });
    await waitFor(
      '3 calls of the every-second task',
      () => Promise.resolve(receiver.to('/cron').length >= 3 ? true : undefined),
      4500,
      100,
    );
    for (const call of receiver.to('/cron')) {
      expect(call.body).toBe(JSON.stringify(body));
      expect(call.headers['content-type']).toBe('application/json');
    }

    const deleted = await manager.post('/xcron/deleteTask', { task_id: taskId });
    expect(deleted).toEqual({ status: 200, body: { uuid: expect.any(String) as string, code: 0 } });
    await sleep(1200); // a fire already in flight when the task was deleted may still land
    const settled = receiver.to('/cron').length;
    await sleep(3000);
    expect(receiver.to('/cron').length).toBe(settled);

    const jobId = await manager.jobIdOf(taskId);
    expect(await queuedTicks(manager.config, jobId)).toEqual([]);
    const runs = await manager.runsOf(taskId);
    const query = await manager.query(taskId);
    expect(query.body.data).toMatchObject({
      type: 1,
      format: '*/1 * * * * ?',
      run_count: runs.length,
      deleted: true,
    });
    expect(runs.length).toBeGreaterThanOrEqual(3);
    // Deleting again is a no-op; the history stays.
    expect((await manager.post('/xcron/deleteTask', { task_id: taskId })).body.code).toBe(0);
    expect((await manager.runsOf(taskId)).length).toBe(runs.length);
  });

  it('records a 500 answer as FAILED with the status and the start of the body, after the retries', async () => {
    const taskId = await manager.create({
      type: 2,
      format: String(nowSeconds() + 1),
      callback: { url: receiver.url('/fail'), body: { a: 1 } },
    });
    const [run] = await waitFor(
      'the failing run to end',
      async () => {
        const rows = await manager.runsOf(taskId);
        return rows[0] && rows[0].running_state !== RunningState.RUNNING ? rows : undefined;
      },
      10_000,
    );
    expect(run?.running_state).toBe(RunningState.FAILED);
    expect(run?.reason).toContain('callback answered HTTP 500 (3 attempts): database exploded: xxx');
    // Only the first ~500 bytes of the answer are kept.
    expect(run?.reason?.length).toBeLessThan(600);
    // 1 + CHACONNE_CALLBACK_RETRIES (2): a 5xx is retried.
    expect(receiver.to('/fail')).toHaveLength(1 + manager.config.callbackRetries);
  });

  it('refuses a callback larger than the attachment limit with 413', async () => {
    const before = await manager.jobCount();
    const res = await manager.post('/xcron/createTask', {
      type: 2,
      format: String(nowSeconds() + 3600),
      callback: {
        url: receiver.url('/big'),
        body: { blob: 'x'.repeat(manager.config.attachmentLimitBytes) },
      },
    });
    expect([res.status, res.body.code, res.body.error]).toEqual([413, 1006, 'PAYLOAD_TOO_LARGE']);
    expect(await manager.jobCount()).toBe(before);
  });

  it('accepts JSON sent with another content type, as xcron did (curl -d)', async () => {
    const res = await manager.post<{ task_id: string }>(
      '/xcron/createTask',
      { type: 2, format: String(nowSeconds() + 3600), callback: { url: receiver.url('/later') } },
      { 'content-type': 'application/x-www-form-urlencoded', ...bearer(manager.config.adminToken ?? '') },
    );
    expect([res.status, res.body.code]).toEqual([200, 0]);
    const taskId = res.body.data?.task_id ?? '';
    expect((await manager.query(taskId)).body.data?.callback).toEqual({
      url: receiver.url('/later'),
      body: {},
    });
    expect((await manager.post('/xcron/deleteTask', { task_id: taskId })).body.code).toBe(0);
  });

  it('answers unknown and missing task ids, and requests without a token, in the xcron shape', async () => {
    expect(await manager.query('no-such-task')).toMatchObject({
      status: 404,
      body: { code: 1040, error: 'JOB_NOT_FOUND' },
    });
    expect(await manager.post('/xcron/deleteTask', { task_id: 'no-such-task' })).toMatchObject({
      status: 404,
      body: { code: 1040 },
    });
    expect(await manager.post('/xcron/deleteTask', {})).toMatchObject({ status: 400, body: { code: 1030 } });
    const missing = await fetch(`${manager.baseUrl}/xcron/queryTask`, {
      headers: bearer(manager.config.adminToken ?? ''),
    });
    expect([missing.status, ((await missing.json()) as XcronResponse).code]).toEqual([400, 1030]);

    const before = await manager.jobCount();
    const anonymous = await manager.post(
      '/xcron/createTask',
      { type: 2, format: String(nowSeconds() + 3600), callback: { url: receiver.url('/anon') } },
      { 'content-type': 'application/json' },
    );
    expect(anonymous).toMatchObject({ status: 401, body: { code: 1050, error: 'UNAUTHORIZED' } });
    expect(anonymous.body.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect((await manager.query('x', {})).status).toBe(401);
    expect(await manager.jobCount()).toBe(before);
  });
});

describe('xcron SSRF policy (no allowlist)', () => {
  const manager = new Manager(testConfig());

  beforeAll(async () => {
    await manager.start();
  });

  afterAll(async () => {
    await manager.stop();
  });

  it('refuses loopback, private, link-local and metadata callbacks with 400 and stores nothing', async () => {
    const port = receiver.port;
    const urls = [
      `http://127.0.0.1:${port}/`,
      `http://localhost:${port}/`, // a host name resolving to loopback: refused after DNS
      'http://169.254.169.254/latest/meta-data/',
      'http://[::1]/',
      `http://[::ffff:127.0.0.1]:${port}/`,
      `http://[::ffff:0:127.0.0.1]:${port}/`, // IPv4-translated: passed the policy before
      'http://10.1.2.3/',
      'http://192.168.1.1/',
      'http://0.0.0.0/',
      `http://user:secret@127.0.0.1:${port}/`,
    ];
    const before = await manager.jobCount();
    for (const url of urls) {
      const res = await manager.post('/xcron/createTask', {
        type: 2,
        format: String(nowSeconds() + 3600),
        callback: { url, body: { a: 1 } },
      });
      expect({ url, status: res.status, code: res.body.code, error: res.body.error }).toEqual({
        url,
        status: 400,
        code: 1005,
        error: 'CALLBACK_NOT_ALLOWED',
      });
      expect(res.body.errors).toEqual([{ field: 'callback.url', reason: expect.any(String) as string }]);
    }
    expect(await manager.jobCount()).toBe(before);
    expect(receiver.to('/')).toEqual([]);
  });

  it('says why a host was refused, and how to allow a private host', async () => {
    const res = await manager.post('/xcron/createTask', {
      type: 1,
      format: '0 0 * * *',
      callback: { url: `http://localhost:${receiver.port}/hook` },
    });
    expect(res.body.message).toBe(
      'callback.url: host localhost is loopback by name (RFC 6761); callbacks may not reach it unless CHACONNE_CALLBACK_ALLOWLIST allows it',
    );
    const translated = await manager.post('/xcron/createTask', {
      type: 1,
      format: '0 0 * * *',
      callback: { url: `http://[::ffff:0:127.0.0.1]:${receiver.port}/hook` },
    });
    expect(translated.body.message).toBe(
      'callback.url: ::ffff:0:7f00:1 is loopback (as IPv4-translated IPv6 of 127.0.0.1); callbacks may not reach it unless CHACONNE_CALLBACK_ALLOWLIST allows it',
    );
  });

  it('answers every bad input of the table with its status, code and fields, and changes no table', async () => {
    const cases = xcronBadInputs(Date.now(), manager.config.attachmentLimitBytes);
    expect(cases.length).toBeGreaterThanOrEqual(60);
    const before = await tablesChecksum(manager.app.get(DataSource));
    for (const input of cases) {
      const res = await manager.send(input);
      const { name, status, code, error, fields } = input;
      expect({
        name,
        status: res.status,
        code: res.body.code,
        error: res.body.error,
        fields: res.body.errors?.map((e) => e.field),
      }).toEqual({ name, status, code, error, fields });
      expect(res.body.uuid).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.body.message).toEqual(expect.any(String));
      expect(res.body.message).toContain(input.messageContains ?? '');
      expect(await tablesChecksum(manager.app.get(DataSource))).toBe(before);
    }
    expect(receiver.requests.filter((r) => r.path === '/hook')).toEqual([]);
  });

  it("answers xcron's README body verbatim with 1002 for its 2020 timestamp only: the host is no problem", async () => {
    const res = await manager.post('/xcron/createTask', XCRON_README_BODY);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 1002, error: 'VALIDATION_FAILED' });
    expect(res.body.errors).toEqual([
      { field: 'format', reason: '1581823751 (2020-02-16T03:29:11.000Z) is in the past' },
    ]);
  });

  it("accepts xcron's README body with a future timestamp, saying whether its host resolved", async () => {
    // test.demo.com is a name on the internet: what it resolves to here decides the answer. On a
    // machine without internet (this one, CI) it does not resolve; hooks.invalid below is the same
    // case with a name that never resolves anywhere.
    const addresses = await lookup('test.demo.com', { all: true }).then(
      (answer) => answer.map((a) => a.address),
      () => [],
    );
    const privateHere = addresses.some((a) => new CallbackPolicy([]).refusal('test.demo.com', a) !== null);
    const format = String(nowSeconds() + 3600);
    const res = await manager.post<{ task_id: string }>('/xcron/createTask', {
      ...XCRON_README_BODY,
      format,
    });

    const warned = [
      expect.stringMatching(
        /^callback\.url: host test\.demo\.com did not resolve \(.+\); it will be checked again at each delivery$/,
      ) as string,
    ];
    expect({ status: res.status, code: res.body.code, warnings: res.body.warnings }).toEqual(
      addresses.length === 0
        ? { status: 200, code: 0, warnings: warned }
        : privateHere
          ? { status: 400, code: 1005, warnings: undefined }
          : { status: 200, code: 0, warnings: undefined },
    );
    // An accepted task stores the body as sent; then it is deleted before it fires.
    const taskId = res.body.data?.task_id;
    const stored = taskId === undefined ? undefined : (await manager.query(taskId)).body.data;
    const seen = stored && { type: stored.type, format: stored.format, callback: stored.callback };
    expect(seen).toEqual(
      taskId === undefined ? undefined : { type: 2, format, callback: XCRON_README_BODY.callback },
    );
    if (taskId !== undefined) await manager.post('/xcron/deleteTask', { task_id: taskId });
  });

  it('accepts a host that does not resolve with a warning, and fails its delivery saying why', async () => {
    // `.invalid` never resolves (RFC 6761).
    const url = 'http://hooks.invalid:8810/hook';
    const res = await manager.post<{ task_id: string }>('/xcron/createTask', {
      type: 2,
      format: String(nowSeconds() + 1),
      callback: { url, body: { a: 1 } },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      uuid: expect.stringMatching(/^[0-9a-f-]{36}$/) as string,
      code: 0,
      data: { task_id: expect.any(String) as string },
      warnings: [
        expect.stringMatching(
          /^callback\.url: host hooks\.invalid did not resolve \(.+\); it will be checked again at each delivery$/,
        ) as string,
      ],
    });
    const taskId = res.body.data?.task_id ?? '';
    const [run] = await waitFor(
      'the run to the unresolvable host to end',
      async () => {
        const rows = await manager.runsOf(taskId);
        return rows[0] && rows[0].running_state !== RunningState.RUNNING ? rows : undefined;
      },
      15_000,
    );
    expect(run?.running_state).toBe(RunningState.FAILED);
    expect(run?.reason).toMatch(
      new RegExp(
        `^callback failed after ${1 + manager.config.callbackRetries} attempts: host hooks\\.invalid did not resolve \\(.+\\)$`,
      ),
    );
    expect(run?.address).toBe('http://hooks.invalid:8810');
  });
});

describe('callback connections are pinned to the checked address', () => {
  it('connects to the address the policy lookup checked (a made-up name resolved by the test resolver)', async () => {
    const policy = new CallbackPolicy(['127.0.0.1'], (hostname) =>
      Promise.resolve(hostname === 'pinned.test' ? [{ address: '127.0.0.1', family: 4 }] : []),
    );
    const client = new CallbackClient(policy, { timeoutMs: 2000, retries: 0 });
    try {
      const delivery = await client.deliver(`http://pinned.test:${receiver.port}/pinned`, { pinned: 1 });
      expect(delivery).toEqual({ attempts: 1, last: { kind: 'response', status: 200, bodyExcerpt: 'ok' } });
      expect(receiver.to('/pinned').map((r) => [r.body, r.headers.host])).toEqual([
        ['{"pinned":1}', `pinned.test:${receiver.port}`],
      ]);
    } finally {
      client.close();
    }
  });

  it('gives up on a target that does not answer within the timeout, retrying it', async () => {
    const client = new CallbackClient(new CallbackPolicy(['127.0.0.1']), {
      timeoutMs: 300,
      retries: 1,
      backoffMs: 10,
    });
    try {
      const started = Date.now();
      const delivery = await client.deliver(receiver.url('/slow'), { s: 1 });
      expect(delivery).toEqual({
        attempts: 2,
        last: { kind: 'error', code: 'ETIMEDOUT', message: 'no answer within 300 ms', refused: false },
      });
      expect(Date.now() - started).toBeGreaterThanOrEqual(600);
      expect(receiver.to('/slow')).toHaveLength(2);
    } finally {
      client.close();
    }
  });

  it('reports a refused connect-time resolution without sending anything', async () => {
    const client = new CallbackClient(
      new CallbackPolicy([], () => Promise.resolve([{ address: '127.0.0.1', family: 4 }])),
      { timeoutMs: 2000, retries: 2 },
    );
    try {
      const delivery = await client.deliver(`http://rebound.test:${receiver.port}/rebound`, {});
      expect(delivery.last).toMatchObject({ kind: 'error', code: 'ECALLBACKREFUSED', refused: true });
      expect(receiver.to('/rebound')).toEqual([]);
    } finally {
      client.close();
    }
  });
});
