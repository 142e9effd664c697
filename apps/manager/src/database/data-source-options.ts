import type { DataSourceOptions } from 'typeorm';

/** MariaDB reports column defaults differently; TypeORM needs to know which server it diffs against. */
export type SqlFlavor = 'mysql' | 'mariadb';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

/**
 * mysql2 gives every connection a prepared-statement cache sized for this many statements
 * up front (16,000 by default: about 0.5 MB of heap per connection, 12 MB for the pools'
 * 24 connections, and V8 lets the heap grow to a multiple of what is live, BENCHMARKS.md
 * "Footprint"). The manager never prepares statements (TypeORM and the SQL batcher send
 * text queries), so a small cache is enough.
 */
export const MAX_PREPARED_STATEMENTS = 16;

export function dataSourceOptions(mysqlUrl: string, flavor: SqlFlavor): DataSourceOptions {
  return {
    type: flavor,
    connectorPackage: 'mysql2',
    url: mysqlUrl.replace(/^mariadb:/, 'mysql:'),
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'chac_migrations',
    // Store and read every DATETIME as UTC, whatever the server's zone.
    timezone: 'Z',
    charset: 'utf8mb4_unicode_ci',
    synchronize: false,
    migrationsRun: false,
    logging: ['error'],
    extra: {
      connectionLimit: 20,
      enableKeepAlive: true,
      supportBigNumbers: true,
      maxPreparedStatements: MAX_PREPARED_STATEMENTS,
    },
  };
}
