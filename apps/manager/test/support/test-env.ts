import type { LogLevel } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { PROTOCOL_VERSION, ProtocolHeader, type RegisterRequest } from '@chaconne/contracts';
import { MANAGER_RECIPIENT, SignatureDirection, signRequest } from '@chaconne/contracts/signing';
import { bearer, deleteRedisPrefix, dropDatabase, type Envelope, postJson } from '@chaconne/testing';
import { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { ManagerLogger } from '../../src/common/manager-logger';
import { fireJobIdPrefix } from '../../src/modules/schedule/fire-queue.service';
import { loadConfig, type ManagerConfig } from '../../src/config/manager-config';
import { APP_OPTIONS, configureApp, createHttpAdapter } from '../../src/http-app';
import { prepareDatabase } from '../../src/preflight';

const MYSQL_ROOT = process.env.CHACONNE_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const REDIS_URL = process.env.CHACONNE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A database and Redis prefix of its own for one test file; `drop()` removes both. */
export interface TestResources {
  config: ManagerConfig;
  drop: () => Promise<void>;
}

export function testConfig(overrides: Record<string, string> = {}): ManagerConfig {
  const id = randomBytes(4).toString('hex');
  const loaded = loadConfig({
    CHACONNE_MYSQL_URL: `${MYSQL_ROOT}/chac_test_${id}`,
    CHACONNE_REDIS_URL: REDIS_URL,
    CHACONNE_PREFIX: `chactest_${id}`,
    CHACONNE_SECRET: randomBytes(32).toString('hex'),
    CHACONNE_ADMIN_TOKEN: randomBytes(32).toString('hex'),
    CHACONNE_PORT: '0',
    ...overrides,
  });
  if (!loaded.ok) throw new Error(loaded.errors.join('; '));
  return loaded.config;
}

export async function cleanUp(config: ManagerConfig): Promise<void> {
  await dropDatabase(config.mysqlUrl);
  await deleteRedisPrefix(config.redisUrl, config.prefix);
}

/**
 * A test file's afterAll: closes, in order, what started (an undefined one did not: Jest runs
 * afterAll after a beforeAll that threw, before `app` was set), then drops the database and
 * the Redis prefix whatever happened. The first failure to close is thrown after that.
 */
export async function closeAndCleanUp(
  config: ManagerConfig,
  ...closables: ({ close(): Promise<unknown> } | undefined)[]
): Promise<void> {
  const failures: unknown[] = [];
  for (const closable of closables) {
    try {
      await closable?.close();
    } catch (error) {
      failures.push(error);
    }
  }
  await cleanUp(config);
  if (failures.length > 0) throw failures[0] as Error;
}

/**
 * A checksum of every row of every manager table but the token table (whose `last_used_at`
 * any authenticated request may touch): equal before and after a request means it stored
 * and changed nothing.
 */
export async function tablesChecksum(dataSource: DataSource): Promise<string> {
  const tables = await dataSource.query<{ name: string }[]>(
    `SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = DATABASE() AND table_name LIKE 'chac\\_%' AND table_name <> 'chac_api_token'
      ORDER BY table_name`,
  );
  const rows = await dataSource.query<{ Table: string; Checksum: string | number | null }[]>(
    `CHECKSUM TABLE ${tables.map((t) => t.name).join(', ')}`,
  );
  return rows.map((r) => `${r.Table.split('.').pop() ?? ''}=${String(r.Checksum)}`).join(' ');
}

/** The occurrences (epoch ms) of a recurring job whose ticks wait in Redis, in order. */
export async function queuedTicks(config: ManagerConfig, jobId: number): Promise<number[]> {
  const redis = new Redis(config.redisUrl);
  try {
    const ids = [
      ...(await redis.zrange(`${config.prefix}:fire:delayed`, 0, -1)),
      ...(await redis.lrange(`${config.prefix}:fire:wait`, 0, -1)),
    ];
    const prefix = fireJobIdPrefix('tick', jobId);
    return ids
      .filter((id) => id.startsWith(prefix))
      .map((id) => parseInt(id.slice(prefix.length), 36))
      .sort((a, b) => a - b);
  } finally {
    redis.disconnect();
  }
}

/** A route as Fastify registered it, e.g. `{ method: 'POST', url: '/worker/runs/:runId/report' }`. */
export interface RegisteredRoute {
  method: string;
  url: string;
}

/**
 * Records every route Fastify registers from now on (controllers, SwaggerModule, static
 * files, HEAD twins of GETs); the array fills in during `app.init()`/`listen()`, so call
 * this before either.
 */
export function recordRoutes(app: NestFastifyApplication): RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route) => {
      for (const method of [route.method].flat())
        routes.push({ method: method.toUpperCase(), url: route.url });
    });
  return routes;
}

/** The docs (`/docs`, Swagger UI's files, `/docs/openapi.json`) and the console (`/`, `/console`): not API routes. */
export function isDocsOrConsole(url: string): boolean {
  return ['/', '/docs', '/console'].includes(url) || url.startsWith('/docs/') || url.startsWith('/console/');
}

/** The API routes among `routes`: one per method and path, without HEAD/OPTIONS twins, docs and console. */
export function apiRoutes(routes: readonly RegisteredRoute[]): RegisteredRoute[] {
  const seen = new Set<string>();
  return routes.filter((route) => {
    const key = `${route.method} ${route.url}`;
    if (route.method === 'HEAD' || route.method === 'OPTIONS' || isDocsOrConsole(route.url) || seen.has(key))
      return false;
    seen.add(key);
    return true;
  });
}

/**
 * A manager app wired like `main.ts` (exception filter, OpenAPI docs) but not initialised:
 * `app.init()`/`listen()` runs the start-up hooks (tokens, schedules), so a test can see
 * them fail. The caller closes the app.
 */
export async function createManagerApp(
  config: ManagerConfig,
  logLevels: LogLevel[] = ['error', 'warn'],
): Promise<{ app: NestFastifyApplication; routes: RegisteredRoute[] }> {
  const { flavor } = await prepareDatabase(config);
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.forRoot(config, flavor)],
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(), {
    ...APP_OPTIONS,
    logger: new ManagerLogger({ logLevels }),
  });
  const routes = recordRoutes(app);
  try {
    configureApp(app);
  } catch (error) {
    // The module already holds Redis and MySQL connections: close them, or Jest never exits.
    await app.close();
    throw error;
  }
  return { app, routes };
}

/**
 * A real manager (Fastify, MySQL, Redis, BullMQ) listening on a free port; `routes` are
 * the routes it registered (see {@link recordRoutes}).
 */
export async function startManagerApp(
  config: ManagerConfig,
  logLevels?: LogLevel[],
): Promise<{ app: NestFastifyApplication; baseUrl: string; routes: RegisteredRoute[] }> {
  const { app, routes } = await createManagerApp(config, logLevels);
  try {
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    // A start-up hook failed: close the connections the module holds, or Jest never exits.
    await app.close().catch(() => undefined);
    throw error;
  }
  return { app, baseUrl: await app.getUrl(), routes };
}

/** POSTs to the admin API with the configuration's bootstrap admin token. */
export async function adminPost<T = unknown>(
  baseUrl: string,
  config: ManagerConfig,
  path: string,
  body: unknown,
): Promise<{ status: number; body: Envelope<T> }> {
  if (!config.adminToken) throw new Error('the test configuration has no admin token');
  return postJson<T>(baseUrl, path, body, bearer(config.adminToken));
}

/** The headers the worker SDK sends with `text` to the manager's `path`: protocol version and signature. */
export function workerHeaders(
  secret: string,
  path: string,
  text: string,
  now = Date.now(),
): Record<string, string> {
  const target = {
    direction: SignatureDirection.WORKER_TO_MANAGER,
    method: 'POST',
    path,
    recipient: MANAGER_RECIPIENT,
  };
  return { ...signRequest(secret, target, text, now), [ProtocolHeader.PROTOCOL]: String(PROTOCOL_VERSION) };
}

/** POSTs a request signed the way the worker SDK signs it (for `path` and the manager). */
export async function signedPost<T>(
  baseUrl: string,
  secret: string,
  path: string,
  body: unknown,
  now = Date.now(),
): Promise<{ status: number; body: Envelope<T> }> {
  const text = JSON.stringify(body);
  return postJson<T>(baseUrl, path, text, workerHeaders(secret, path, text, now));
}

/** A registration of a demo-cluster/demo-worker instance that can run EtlJob. */
export function registration(instanceId: string, extra: Partial<RegisterRequest> = {}): RegisterRequest {
  return {
    instanceId,
    clusterName: 'demo-cluster',
    groupName: 'demo-worker',
    baseUrl: `http://127.0.0.1:1/${instanceId}`,
    baseUrlSource: 'configured',
    weight: 1,
    labels: {},
    sdkVersion: '0.1.0',
    protocolVersion: PROTOCOL_VERSION,
    startedAt: new Date().toISOString(),
    jobs: [{ jobClassName: 'EtlJob' }],
    ...extra,
  };
}
