import type { DataSourceOptions } from 'typeorm';

/** MariaDB reports column defaults differently; TypeORM needs to know which server it diffs against. */
export type SqlFlavor = 'mysql' | 'mariadb';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

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
    extra: { connectionLimit: 20, enableKeepAlive: true, supportBigNumbers: true },
  };
}
