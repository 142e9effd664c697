import { queryDatabase } from '@chaconne/testing';
import { Redis } from 'ioredis';
import { NoAdminToken } from '../../src/modules/auth/api-token.service';
import type { ManagerConfig } from '../../src/config/manager-config';
import { closeAndCleanUp, startManagerApp, testConfig } from '../support/test-env';

/**
 * The integration tests' own clean-up: a manager that fails to start half-way (its database
 * migrated, its Redis prefix written) leaves nothing behind once its file's afterAll ran,
 * though `app` was never set.
 */

async function databaseExists(config: ManagerConfig): Promise<boolean> {
  const name = new URL(config.mysqlUrl).pathname.slice(1);
  const root = new URL(config.mysqlUrl);
  root.pathname = '/information_schema';
  const rows = await queryDatabase<{ n: number | string }>(
    root.toString(),
    'SELECT COUNT(*) AS n FROM SCHEMATA WHERE SCHEMA_NAME = ?',
    [name],
  );
  return Number(rows[0]?.n) === 1;
}

async function prefixKeys(config: ManagerConfig): Promise<string[]> {
  const redis = new Redis(config.redisUrl);
  try {
    return await redis.keys(`${config.prefix}:*`);
  } finally {
    await redis.quit();
  }
}

it('drops the database and the Redis prefix of a manager that failed to start', async () => {
  // Production without an admin token: the start fails in a start-up hook, after the
  // migrations ran and the queues were opened.
  const config = testConfig({ NODE_ENV: 'production', CHACONNE_ADMIN_TOKEN: '' });
  let app: Awaited<ReturnType<typeof startManagerApp>>['app'] | undefined;
  try {
    await expect(
      startManagerApp(config).then((started) => {
        app = started.app;
      }),
    ).rejects.toBeInstanceOf(NoAdminToken);
    expect(app).toBeUndefined();
    // What a failed beforeAll leaves: a migrated database and keys under the prefix.
    expect(await databaseExists(config)).toBe(true);
    expect(await prefixKeys(config)).not.toEqual([]);
  } finally {
    // What every test file's afterAll does, with `app` never set.
    await closeAndCleanUp(config, app);
  }
  expect(await databaseExists(config)).toBe(false);
  expect(await prefixKeys(config)).toEqual([]);
}, 30_000);
