import { ErrorCode } from '@chaconne/contracts';
import { bearer, outputOf, queryDatabase, sleep } from '@chaconne/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DataSource } from 'typeorm';
import type { ManagerConfig } from '../../src/config/manager-config';
import { ApiTokenService, NoAdminToken } from '../../src/modules/auth/api-token.service';
import {
  adminPost,
  apiRoutes,
  cleanUp,
  closeAndCleanUp,
  createManagerApp,
  type RegisteredRoute,
  startManagerApp,
  testConfig,
} from '../support/test-env';

jest.setTimeout(60_000);

const run = promisify(execFile);

/** The routes that answer without credentials; every other route must refuse. */
const PUBLIC_ROUTES = ['/health'];

const isWorkerRoute = (url: string): boolean => url.startsWith('/worker/');

interface Answer {
  status: number;
  /** The Chaconne error code: `code`, or `error` in xcron's shape (whose `code` is a number). */
  code: unknown;
}

/** Calls a registered route: path parameters become 1, POSTs carry `{}`, GETs no body. */
async function call(
  baseUrl: string,
  route: RegisteredRoute,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await fetch(baseUrl + route.url.replace(/:\w+/g, '1'), {
    method: route.method,
    headers: { ...headers, ...(route.method === 'POST' ? { 'content-type': 'application/json' } : {}) },
    ...(route.method === 'POST' ? { body: '{}' } : {}),
  });
  const text = await res.text();
  let body: { code?: unknown; error?: unknown } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // not JSON: code stays undefined and the assertion names the status
  }
  return { status: res.status, code: typeof body.code === 'string' ? body.code : body.error };
}

/** Calls every route; answers those whose answer is not `expected(route)`, with what they said. */
async function mismatches(
  baseUrl: string,
  routes: readonly RegisteredRoute[],
  expected: (route: RegisteredRoute) => Answer,
  headers: Record<string, string> = {},
): Promise<string[]> {
  const wrong: string[] = [];
  for (const route of routes) {
    const answer = await call(baseUrl, route, headers);
    const want = expected(route);
    if (answer.status !== want.status || answer.code !== want.code) {
      wrong.push(`${route.method} ${route.url}: ${answer.status} ${String(answer.code)}`);
    }
  }
  return wrong;
}

const unauthorized = (route: RegisteredRoute): Answer => ({
  status: 401,
  code: isWorkerRoute(route.url) ? ErrorCode.BAD_SIGNATURE : ErrorCode.UNAUTHORIZED,
});

describe('authentication of every route', () => {
  const config = testConfig();
  let app: NestFastifyApplication;
  let baseUrl: string;
  let guarded: RegisteredRoute[];
  let dataSource: DataSource;

  /** Rows that an unguarded route could have written. */
  async function snapshot(): Promise<unknown> {
    const count = async (table: string) =>
      Number((await dataSource.query<{ n: string | number }[]>(`SELECT COUNT(*) AS n FROM ${table}`))[0]?.n);
    return {
      jobs: await count('chac_job_detail'),
      runs: await count('chac_job_run'),
      workers: await count('chac_worker_instance'),
      states: await dataSource.query<unknown[]>(
        'SELECT job_id, job_state FROM chac_job_runtime_detail ORDER BY job_id',
      ),
    };
  }

  beforeAll(async () => {
    let routes: RegisteredRoute[];
    ({ app, baseUrl, routes } = await startManagerApp(config));
    // Every API route Fastify registered (docs and console left out): none is picked by hand.
    guarded = apiRoutes(routes).filter((r) => !PUBLIC_ROUTES.includes(r.url));
    dataSource = app.get(DataSource);
    // A job for the lifecycle routes to change, were they open.
    const persisted = await adminPost(baseUrl, config, '/job/admin/persistJob', {
      jobKey: { clusterName: 'auth', groupName: 'auth', jobName: 'existing', jobClassName: 'EtlJob' },
      trigger: { triggerType: 1, triggerDescription: { cron: { expression: '0 0 12 * * ?' } } },
    });
    if (persisted.status !== 200) throw new Error(`persistJob answered ${persisted.status}`);
  });

  afterAll(() => closeAndCleanUp(config, app));

  it('covers the admin, xcron and worker routes', () => {
    const urls = guarded.map((r) => r.url);
    expect(urls).toEqual(
      expect.arrayContaining([
        '/job/admin/persistJob',
        '/job/manager/persistJob',
        '/job/admin/selectClusterNames',
        '/xcron/createTask',
        '/xcron/queryTask',
        '/worker/register',
        '/worker/runs/:runId/report',
      ]),
    );
    expect(guarded.length).toBeGreaterThanOrEqual(60);
  });

  it('answers 401 on every non-public route without credentials, and changes nothing', async () => {
    const before = await snapshot();
    expect(await mismatches(baseUrl, guarded, unauthorized)).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it('answers 401 with a wrong admin token', async () => {
    const before = await snapshot();
    const wrongToken = bearer(`chac_${randomBytes(32).toString('base64url')}`);
    expect(await mismatches(baseUrl, guarded, unauthorized, wrongToken)).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it('answers 401 with a token once it is revoked', async () => {
    const tokens = app.get(ApiTokenService);
    const token = await tokens.create('t');
    const listed = await call(
      baseUrl,
      { method: 'GET', url: '/job/admin/selectClusterNames' },
      bearer(token),
    );
    expect(listed).toEqual({ status: 200, code: undefined });

    // revoke() also empties the 30 s cache of verified tokens.
    expect(await tokens.revoke('t')).toBe(true);
    const admin = guarded.filter((r) => !isWorkerRoute(r.url));
    expect(await mismatches(baseUrl, admin, unauthorized, bearer(token))).toEqual([]);
  });

  it('lets the public routes answer without a token', async () => {
    const health = await fetch(`${baseUrl}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ success: true, data: { mysql: 'up', redis: 'up' } });

    const consolePage = await fetch(`${baseUrl}/console/`);
    expect(consolePage.status).toBe(200);
    expect(consolePage.headers.get('content-type')).toMatch(/^text\/html/);

    const root = await fetch(`${baseUrl}/`, { redirect: 'manual' });
    expect([root.status, root.headers.get('location')]).toEqual([302, '/console/']);

    expect((await fetch(`${baseUrl}/docs`)).status).toBe(200);
    expect((await fetch(`${baseUrl}/docs/openapi.json`)).status).toBe(200);
  });
});

describe('rate limit', () => {
  const config = testConfig({ CHACONNE_RATE_LIMIT_PER_SECOND: '3' });
  let app: NestFastifyApplication;
  let baseUrl: string;

  beforeAll(async () => {
    ({ app, baseUrl } = await startManagerApp(config));
  });

  afterAll(() => closeAndCleanUp(config, app));

  it('answers 429 RATE_LIMITED beyond 3 admin requests per second with one token, not with another', async () => {
    const route: RegisteredRoute = { method: 'GET', url: '/job/admin/selectClusterNames' };
    const mine = bearer(config.adminToken ?? '');
    const other = bearer(await app.get(ApiTokenService).create('other'));
    // Both tokens verified once (cached), then the burst starts just after a second boundary.
    expect((await call(baseUrl, route, mine)).status).toBe(200);
    expect((await call(baseUrl, route, other)).status).toBe(200);
    await sleep(1000 - (Date.now() % 1000) + 20);

    const started = Date.now();
    const [answers, otherAnswer] = await Promise.all([
      Promise.all(Array.from({ length: 10 }, () => call(baseUrl, route, mine))),
      call(baseUrl, route, other),
    ]);
    const seconds = Math.floor(Date.now() / 1000) - Math.floor(started / 1000) + 1;

    const succeeded = answers.filter((a) => a.status === 200).length;
    const limited = answers.filter((a) => a.status === 429 && a.code === ErrorCode.RATE_LIMITED).length;
    expect(succeeded + limited).toBe(10);
    // At most 3 per distinct second: exactly 3 when the burst fits in one second, as it normally does.
    expect(succeeded).toBeLessThanOrEqual(3 * seconds);
    expect(limited).toBeGreaterThanOrEqual(10 - 3 * seconds);
    expect(limited).toBeGreaterThan(0);
    expect(otherAnswer.status).toBe(200);
  });
});

describe('bootstrap admin token', () => {
  async function tokenNames(config: ManagerConfig): Promise<{ name: string; revoked_at: Date | null }[]> {
    return queryDatabase(config.mysqlUrl, 'SELECT name, revoked_at FROM chac_api_token ORDER BY token_id');
  }

  it("generates a token named 'development' when none is configured outside production", async () => {
    const config = testConfig({ CHACONNE_ADMIN_TOKEN: '' });
    expect([config.production, config.adminToken]).toEqual([false, null]);
    try {
      const { app, baseUrl } = await startManagerApp(config);
      try {
        expect(await tokenNames(config)).toEqual([{ name: 'development', revoked_at: null }]);
        expect((await fetch(`${baseUrl}/health`)).status).toBe(200);
      } finally {
        await app.close();
      }
    } finally {
      await cleanUp(config);
    }
  });

  it('refuses to start in production without an admin token, with NoAdminToken', async () => {
    const config = testConfig({ NODE_ENV: 'production', CHACONNE_ADMIN_TOKEN: '' });
    expect([config.production, config.adminToken]).toEqual([true, null]);
    try {
      const { app } = await createManagerApp(config);
      try {
        await expect(app.listen(0, '127.0.0.1')).rejects.toBeInstanceOf(NoAdminToken);
      } finally {
        await app.close();
      }
      expect(await tokenNames(config)).toEqual([]);
    } finally {
      await cleanUp(config);
    }
  });
});

describe('bootstrap admin token rotation', () => {
  const hashOf = async (config: ManagerConfig): Promise<{ token_hash: string; revoked_at: Date | null }[]> =>
    queryDatabase(
      config.mysqlUrl,
      "SELECT token_hash, revoked_at FROM chac_api_token WHERE name = 'bootstrap'",
    );
  const selectClusterNames = async (url: string, token: string): Promise<number> =>
    (await call(url, { method: 'GET', url: '/job/admin/selectClusterNames' }, bearer(token))).status;

  /** Another manager on `config`'s database and Redis prefix, with its own token and settings. */
  const sibling = (config: ManagerConfig, env: Record<string, string> = {}): ManagerConfig =>
    testConfig({
      CHACONNE_MYSQL_URL: config.mysqlUrl,
      CHACONNE_PREFIX: config.prefix,
      CHACONNE_ADMIN_TOKEN: randomBytes(32).toString('hex'),
      ...env,
    });

  it('lets several managers start together with the same token: one row, every manager answers', async () => {
    const config = testConfig();
    try {
      const managers = await Promise.all([0, 1, 2].map(() => startManagerApp(config)));
      try {
        expect(await hashOf(config)).toHaveLength(1);
        for (const m of managers)
          expect(await selectClusterNames(m.baseUrl, config.adminToken ?? '')).toBe(200);
      } finally {
        await Promise.all(managers.map((m) => m.app.close()));
      }
    } finally {
      await cleanUp(config);
    }
  });

  it('refuses to start a manager given another token, saying why and how, and changes nothing', async () => {
    const config = testConfig();
    const first = await startManagerApp(config);
    try {
      const stored = await hashOf(config);
      const other = sibling(config);
      const { app } = await createManagerApp(other);
      let refusal: unknown;
      try {
        await app.listen(0, '127.0.0.1');
      } catch (error) {
        refusal = error;
      } finally {
        await app.close();
      }
      expect(refusal).toBeInstanceOf(NoAdminToken);
      const message = (refusal as Error).message;
      expect(message).toContain(
        'CHACONNE_ADMIN_TOKEN is not the bootstrap admin token stored in this database',
      );
      expect(message).toContain('CHACONNE_ROTATE_ADMIN_TOKEN=true');
      expect(message).toContain('chaconne-manager token create <name>');
      expect(message).not.toContain(other.adminToken ?? '-');
      expect(await hashOf(config)).toEqual(stored);
      expect(await selectClusterNames(first.baseUrl, config.adminToken ?? '')).toBe(200);
    } finally {
      await first.app.close();
      await cleanUp(config);
    }
  });

  it('replaces the stored token when told to, logging the rotation without the token', async () => {
    const config = testConfig();
    // Kept running until the end: a manager closed while its fire worker still connects can
    // leave an unhandled Redis error behind.
    const first = await startManagerApp(config);
    const rotated = sibling(config, { CHACONNE_ROTATE_ADMIN_TOKEN: 'true' });
    try {
      let manager: Awaited<ReturnType<typeof startManagerApp>> | undefined;
      const log = (
        await outputOf(async () => {
          manager = await startManagerApp(rotated);
        })
      ).text();
      try {
        expect(log).toContain('The bootstrap admin token was replaced by CHACONNE_ADMIN_TOKEN');
        expect(log).not.toContain(rotated.adminToken ?? '-');
        expect(log).not.toContain(config.adminToken ?? '-');
        expect(await selectClusterNames(manager!.baseUrl, rotated.adminToken ?? '')).toBe(200);
        expect(await selectClusterNames(manager!.baseUrl, config.adminToken ?? '')).toBe(401);
        expect(await hashOf(config)).toHaveLength(1);
      } finally {
        await manager?.app.close();
      }
      // A manager with the old token now refuses to start; one with the new token starts
      // without the flag, and says nothing about a rotation.
      const { app } = await createManagerApp(config);
      await expect(app.listen(0, '127.0.0.1')).rejects.toBeInstanceOf(NoAdminToken);
      await app.close();
      const again = sibling(config, { CHACONNE_ADMIN_TOKEN: rotated.adminToken ?? '' });
      let restarted: Awaited<ReturnType<typeof startManagerApp>> | undefined;
      const quiet = (
        await outputOf(async () => {
          restarted = await startManagerApp(again);
        })
      ).text();
      await restarted?.app.close();
      expect(quiet).not.toContain('was replaced');
    } finally {
      await first.app.close();
      await cleanUp(config);
    }
  });

  it('does not bring a revoked bootstrap token back to life', async () => {
    const config = testConfig();
    const first = await startManagerApp(config);
    try {
      expect(await first.app.get(ApiTokenService).revoke('bootstrap')).toBe(true);
      const { app } = await createManagerApp(config);
      let refusal: unknown;
      try {
        await app.listen(0, '127.0.0.1');
      } catch (error) {
        refusal = error;
      } finally {
        await app.close();
      }
      expect(refusal).toBeInstanceOf(NoAdminToken);
      expect((refusal as Error).message).toContain('was revoked');
      expect((await hashOf(config))[0]?.revoked_at).not.toBeNull();
    } finally {
      await first.app.close();
      await cleanUp(config);
    }
  });
});

describe('token CLI (apps/manager/dist/token-cli.js)', () => {
  const CLI = join(__dirname, '..', '..', 'dist', 'token-cli.js');
  const config = testConfig();
  let app: NestFastifyApplication | undefined;
  let baseUrl: string;

  async function cli(...args: string[]): Promise<string> {
    const { stdout } = await run(process.execPath, [CLI, ...args], {
      env: { ...process.env, CHACONNE_MYSQL_URL: config.mysqlUrl },
      timeout: 30_000,
    });
    return stdout;
  }

  const status = async (url: string, token: string): Promise<number> =>
    (await call(url, { method: 'GET', url: '/job/admin/selectClusterNames' }, bearer(token))).status;

  beforeAll(async () => {
    if (!existsSync(CLI)) {
      throw new Error(`${CLI} is missing: build first (npm run build; npm test builds before running Jest)`);
    }
    ({ app, baseUrl } = await startManagerApp(config));
  });

  afterAll(() => closeAndCleanUp(config, app));

  it('creates a token that authenticates, lists it, and revokes it', async () => {
    const created = await cli('create', 'ci-token');
    const token = /^(chac_[\w-]{20,})$/m.exec(created)?.[1];
    expect(token).toBeDefined();
    expect(await status(baseUrl, token!)).toBe(200);

    expect(await cli('list')).toMatch(/^ci-token\tcreated \S+\tlast used \S+\tlive$/m);

    expect(await cli('revoke', 'ci-token')).toContain("revoked 'ci-token'");
    expect(await cli('list')).toMatch(/^ci-token\t.*\trevoked \S+$/m);

    // The running manager may keep accepting the token for up to 30 s (its cache of verified
    // tokens; only an in-process revoke empties it), so the refusal is checked on a manager
    // started after the revocation, on the same database.
    const fresh = await startManagerApp(config);
    try {
      expect(await status(fresh.baseUrl, token!)).toBe(401);
      expect(await status(fresh.baseUrl, config.adminToken ?? '')).toBe(200);
    } finally {
      await fresh.app.close();
    }
  });
});
