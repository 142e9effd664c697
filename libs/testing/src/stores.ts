import { Redis } from 'ioredis';
import { createConnection } from 'mysql2/promise';

/**
 * Connection settings from a `mysql://user:pass@host:port/db` URL, reading DATETIMEs as
 * UTC like the manager stores them; `withDatabase` selects the URL's database.
 */
export function mysqlConnectionOptions(mysqlUrl: string, withDatabase: boolean) {
  const url = new URL(mysqlUrl);
  return {
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username) || 'root',
    password: decodeURIComponent(url.password),
    ...(withDatabase ? { database: url.pathname.slice(1) } : {}),
    timezone: 'Z',
  };
}

export async function dropDatabase(mysqlUrl: string): Promise<void> {
  const connection = await createConnection(mysqlConnectionOptions(mysqlUrl, false));
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${new URL(mysqlUrl).pathname.slice(1)}\``);
  } finally {
    await connection.end();
  }
}

export async function queryDatabase<T>(mysqlUrl: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const connection = await createConnection(mysqlConnectionOptions(mysqlUrl, true));
  try {
    const [rows] = await connection.query(sql, params);
    return rows as T[];
  } finally {
    await connection.end();
  }
}

/** Deletes every key under `prefix:` (a test's own keys in a shared Redis). */
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
