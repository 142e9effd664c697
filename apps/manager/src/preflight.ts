import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import type { ManagerConfig } from './config/manager-config';
import { dataSourceOptions, type SqlFlavor } from './database/data-source-options';
import { ensureDatabase, runMigrations } from './database/database-setup';

/** A dependency the manager cannot reach, with what to do about it. */
export class DependencyUnreachable extends Error {}

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ETIMEDOUT: 'connection timed out',
  ENOTFOUND: 'host not found',
  EHOSTUNREACH: 'host unreachable',
  ER_ACCESS_DENIED_ERROR: 'access denied (check user and password)',
};

function reasonOf(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  const reason = (code && REASONS[code]) ?? code ?? message ?? 'unknown error';
  return reason.replace(/\.$/, '');
}

function address(url: string, defaultPort: number): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || String(defaultPort)}`;
}

export interface PreparedDatabase {
  flavor: SqlFlavor;
  /** Names of the migrations this call applied. */
  applied: string[];
}

/** Creates the database if missing and applies pending migrations under a MySQL named lock. */
export async function prepareDatabase(config: ManagerConfig): Promise<PreparedDatabase> {
  let flavor: SqlFlavor;
  try {
    flavor = await ensureDatabase(config.mysqlUrl);
  } catch (error) {
    throw new DependencyUnreachable(
      `MySQL is not reachable at ${address(config.mysqlUrl, 3306)}: ${reasonOf(error)}.\n` +
        '  Start MySQL 8 or MariaDB 10.6+ there (e.g. `sudo systemctl start mariadb`, or\n' +
        '  `docker compose -f docker/docker-compose.yml up -d mysql`), or set CHACONNE_MYSQL_URL.',
    );
  }
  const dataSource = new DataSource(dataSourceOptions(config.mysqlUrl, flavor));
  await dataSource.initialize();
  try {
    return { flavor, applied: await runMigrations(dataSource) };
  } finally {
    await dataSource.destroy();
  }
}

/** Checks Redis answers, and warns when its eviction policy could drop scheduling state. */
export async function checkRedis(config: ManagerConfig): Promise<string | null> {
  const redis = new Redis(config.redisUrl, {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  // The socket error (e.g. ECONNREFUSED) says more than the "Connection is closed" that follows it.
  let socketError: unknown = null;
  redis.on('error', (error) => {
    socketError ??= error;
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new DependencyUnreachable(
      `Redis is not reachable at ${address(config.redisUrl, 6379)}: ${reasonOf(socketError ?? error)}.\n` +
        '  Start Redis 6.2+ there (e.g. `redis-server --daemonize yes`, or\n' +
        '  `docker compose -f docker/docker-compose.yml up -d redis`), or set CHACONNE_REDIS_URL.',
    );
  }
  try {
    const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
    const policy = reply[1];
    return policy && policy !== 'noeviction'
      ? `Redis maxmemory-policy is '${policy}': set it to 'noeviction', or Redis may evict schedules under memory pressure`
      : null;
  } catch {
    return null; // CONFIG is disabled on some managed Redis services.
  } finally {
    await redis.quit();
  }
}
