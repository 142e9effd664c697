import type { FieldError } from '@chaconne/contracts';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createConnection } from 'mysql2/promise';
import { AppModule } from '../../src/app.module';
import { ApiExceptionFilter } from '../../src/common/api-exception.filter';
import { loadConfig, type ManagerConfig } from '../../src/config/manager-config';
import { prepareDatabase } from '../../src/preflight';

const MYSQL_ROOT = process.env['CHACONNE_TEST_MYSQL_URL'] ?? 'mysql://root@127.0.0.1:3306';
const REDIS_URL = process.env['CHACONNE_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

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
    CHACONNE_PORT: '0',
    ...overrides,
  });
  if (!loaded.ok) throw new Error(loaded.errors.join('; '));
  return loaded.config;
}

export async function dropDatabase(mysqlUrl: string): Promise<void> {
  const url = new URL(mysqlUrl);
  const name = url.pathname.slice(1);
  url.pathname = '/';
  const connection = await createConnection({ host: url.hostname, port: Number(url.port || 3306), user: url.username || 'root' });
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await connection.end();
  }
}

export async function deleteRedisPrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}

export async function cleanUp(config: ManagerConfig): Promise<void> {
  await dropDatabase(config.mysqlUrl);
  await deleteRedisPrefix(config.redisUrl, config.prefix);
}

/** A real manager (Fastify, MySQL, Redis, BullMQ) listening on a free port. */
export async function startManagerApp(config: ManagerConfig): Promise<{ app: NestFastifyApplication; baseUrl: string }> {
  const { flavor } = await prepareDatabase(config);
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config, flavor)] }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { rawBody: true, logger: ['error', 'warn'] });
  app.useGlobalFilters(new ApiExceptionFilter());
  await app.listen(0, '127.0.0.1');
  return { app, baseUrl: await app.getUrl() };
}

export interface Envelope<T> {
  success: boolean;
  msg: string;
  data: T;
  code?: string;
  errors?: FieldError[];
}

export async function postJson<T = unknown>(
  baseUrl: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Envelope<T> }> {
  const response = await fetch(baseUrl + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Envelope<T> };
}

/** Polls `probe` until it returns a value (not undefined) or fails with what it waited for. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** The body of Chaconne's documented persistJob example, with a chosen key and cron. */
export function chaconneBody(jobName: string, jobClassName = 'EtlJob', cron = '*/5 * * * * ?'): Record<string, unknown> {
  return {
    jobKey: { clusterName: 'demo-cluster', groupName: 'demo-worker', jobName, jobClassName },
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
      triggerDescription: { cron: { expression: cron } },
      startDate: null,
      endDate: null,
      repeatCount: -1,
    },
    attachment: '{"initialParameter": "test"}',
  };
}
