import { mysqlConnectionOptions } from '@chaconne/testing';
import { createPool, type Pool } from 'mysql2/promise';

/** A first-attempt run as the scenarios read it from `chac_job_run`. */
export interface RunRow {
  job_id: number;
  planned_at: Date;
  attempt: number;
  running_state: number;
  started_at: Date | null;
}

/** A small pool on the server, or on one of its databases. */
function poolOptions(serverUrl: string, database?: string) {
  const url = new URL(serverUrl);
  if (database !== undefined) url.pathname = `/${database}`;
  return { ...mysqlConnectionOptions(url.toString(), database !== undefined), connectionLimit: 4 };
}

/** The MySQL/MariaDB server the bench runs against (no database selected). */
export class BenchServer {
  private readonly pool: Pool;

  constructor(serverUrl: string) {
    this.pool = createPool(poolOptions(serverUrl));
  }

  async version(): Promise<string> {
    const [rows] = await this.pool.query('SELECT VERSION() AS version');
    return (rows as { version: string }[])[0]?.version ?? 'unknown';
  }

  async dropDatabase(name: string): Promise<void> {
    await this.pool.query(`DROP DATABASE IF EXISTS \`${name}\``);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** One run's database, read directly: the figures come from what the manager stored. */
export class BenchDatabase {
  private readonly pool: Pool;

  constructor(serverUrl: string, database: string) {
    this.pool = createPool(poolOptions(serverUrl, database));
  }

  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const [rows] = await this.pool.query(sql, params);
    return rows as T[];
  }

  /**
   * Statements the server has received from all clients so far (`Questions`): the delta
   * over a load, divided by its jobs, tells how many round trips each job costs. The server
   * is shared, so anything else using it meanwhile is counted too.
   */
  async statementsSoFar(): Promise<number> {
    const rows = await this.query<{ Value: string }>("SHOW GLOBAL STATUS LIKE 'Questions'");
    return Number(rows[0]?.Value ?? 0);
  }

  /** A single number, e.g. `SELECT COUNT(*) AS n ...`. */
  async count(sql: string, params: unknown[] = []): Promise<number> {
    const rows = await this.query<{ n: number | string | null }>(sql, params);
    return Number(rows[0]?.n ?? 0);
  }

  /** Data plus index bytes of the database's tables (InnoDB's estimate, refreshed first). */
  async sizeBytes(): Promise<number> {
    const tables = await this.query<{ name: string }>(
      'SELECT table_name AS name FROM information_schema.TABLES WHERE table_schema = DATABASE()',
    );
    if (tables.length > 0) await this.query(`ANALYZE TABLE ${tables.map((t) => `\`${t.name}\``).join(', ')}`);
    return this.count(
      `SELECT SUM(data_length + index_length) AS n FROM information_schema.TABLES WHERE table_schema = DATABASE()`,
    );
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
