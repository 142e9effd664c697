import { Logger } from '@nestjs/common';
import { createConnection } from 'mysql2/promise';
import type { DataSource } from 'typeorm';
import type { SqlFlavor } from './data-source-options';

const MIGRATION_LOCK = 'chaconne_migrations';
const MIGRATION_LOCK_WAIT_S = 120;

/** Creates the database named in the URL if it does not exist yet; answers the server's flavor. */
export async function ensureDatabase(mysqlUrl: string): Promise<SqlFlavor> {
  const url = new URL(mysqlUrl);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  const connection = await createConnection({
    host: url.hostname,
    port: url.port ? Number(url.port) : 3306,
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    connectTimeout: 5000,
  });
  try {
    await connection.query(
      `CREATE DATABASE IF NOT EXISTS \`${database.replace(/`/g, '``')}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
    const [rows] = await connection.query('SELECT VERSION() AS version');
    const version = (rows as { version: string }[])[0]?.version ?? '';
    return version.toLowerCase().includes('mariadb') ? 'mariadb' : 'mysql';
  } finally {
    await connection.end();
  }
}

/**
 * Runs pending migrations under a MySQL named lock, so several managers starting at once
 * migrate exactly once and the others wait for the schema to be ready.
 */
export async function runMigrations(
  dataSource: DataSource,
  logger = new Logger('Migrations'),
): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    const rows = (await runner.query('SELECT GET_LOCK(?, ?) AS acquired', [
      MIGRATION_LOCK,
      MIGRATION_LOCK_WAIT_S,
    ])) as { acquired: number | string | null }[];
    if (Number(rows[0]?.acquired) !== 1) {
      throw new Error(`could not take the '${MIGRATION_LOCK}' lock within ${MIGRATION_LOCK_WAIT_S} s`);
    }
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      for (const migration of applied) logger.log(`applied ${migration.name}`);
      return applied.map((m) => m.name);
    } finally {
      await runner.query('SELECT RELEASE_LOCK(?)', [MIGRATION_LOCK]);
    }
  } finally {
    await runner.release();
  }
}
