import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { createPool, format, type Pool, type PoolConnection } from 'mysql2/promise';
import { MANAGER_CONFIG, type ManagerConfig } from '../../config/manager-config';
import { MAX_PREPARED_STATEMENTS } from '../../database/data-source-options';

/** One statement: SQL with `?` placeholders and its values. */
export interface Statement {
  sql: string;
  params?: readonly unknown[];
}

/** Statements of one caller that run together, in order, all or none. */
interface Pending {
  statements: string[];
  resolve: (results: unknown[]) => void;
  reject: (error: unknown) => void;
}

/** Connections that each carry one batch at a time. */
const CONNECTIONS = 4;
/** A batch stops growing at this many statements or this much SQL text (max_allowed_packet is larger). */
const MAX_STATEMENTS = 500;
const MAX_CHARS = 2_000_000;
/** Before the statements of a batch: SET TRANSACTION and START TRANSACTION. */
const PREAMBLE = 'SET TRANSACTION ISOLATION LEVEL READ COMMITTED; START TRANSACTION';
const PREAMBLE_RESULTS = 2;

/**
 * The hot paths' MySQL statements (fires, dispatches, outcomes, logs, new jobs),
 * micro-batched: what callers issue while a connection is busy, or in the same turn of
 * the event loop, goes to the server together in one round trip, as one READ COMMITTED
 * transaction.
 *
 * Each caller awaits its own results exactly as with `DataSource.query`, and sees them
 * only after the batch committed. When a statement fails, the whole batch rolls back and
 * each caller's statements run again on their own, so every caller gets its own results
 * or error and a failure never touches another caller's data.
 *
 * Why: a round trip per statement was the manager's main cost (a third of its CPU went
 * into socket writes under load, BENCHMARKS.md). Batches grow with the load by
 * themselves: idle, a statement leaves at once; busy, hundreds share one write and one
 * commit. The pool allows multiple statements per query, so it serves only this class;
 * every value is escaped by the driver, never spliced into the text.
 */
@Injectable()
export class SqlBatcher implements OnApplicationShutdown {
  private readonly logger = new Logger(SqlBatcher.name);
  private readonly pool: Pool;
  private queue: Pending[] = [];
  private busy = 0;
  private flushScheduled = false;
  /** Since start: statements run, and the queries (round trips) that carried them. */
  readonly stats = { statements: 0, roundTrips: 0 };

  constructor(@Inject(MANAGER_CONFIG) config: ManagerConfig) {
    this.pool = createPool({
      uri: config.mysqlUrl.replace(/^mariadb:/, 'mysql:'),
      // As the DataSource's connections (data-source-options.ts): UTC, utf8mb4, big ids as numbers.
      timezone: 'Z',
      charset: 'utf8mb4_unicode_ci',
      supportBigNumbers: true,
      enableKeepAlive: true,
      multipleStatements: true,
      connectionLimit: CONNECTIONS,
      maxPreparedStatements: MAX_PREPARED_STATEMENTS,
    });
  }

  /** Runs one statement; answers what mysql2 answers (rows, or the insert id and affected rows). */
  async query<T = unknown>(sql: string, params: readonly unknown[] = []): Promise<T> {
    const [result] = await this.transaction([{ sql, params }]);
    return result as T;
  }

  /**
   * Runs statements together, in order, in one transaction, with nothing of another caller
   * between them (so `LAST_INSERT_ID()` of one is the previous one's); answers their
   * results, or rejects with the first error after rolling them all back.
   */
  transaction(statements: readonly Statement[]): Promise<unknown[]> {
    return new Promise<unknown[]>((resolve, reject) => {
      this.queue.push({
        // As the connection would format them: dates in UTC (timezone 'Z'), objects not stringified.
        statements: statements.map((s) =>
          format(s.sql, (s.params ?? []) as Parameters<typeof format>[1], false, 'Z'),
        ),
        resolve,
        reject,
      });
      this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.busy >= CONNECTIONS) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.queue.length > 0 && this.busy < CONNECTIONS) {
      const batch = this.take();
      this.busy++;
      void this.execute(batch).finally(() => {
        this.busy--;
        if (this.queue.length > 0) this.scheduleFlush();
      });
    }
  }

  private take(): Pending[] {
    let chars = 0;
    let statements = 0;
    let n = 0;
    for (const next of this.queue) {
      statements += next.statements.length;
      for (const sql of next.statements) chars += sql.length;
      if (n > 0 && (chars > MAX_CHARS || statements > MAX_STATEMENTS)) break;
      n++;
    }
    return this.queue.splice(0, n);
  }

  private async execute(batch: Pending[]): Promise<void> {
    let connection: PoolConnection;
    try {
      connection = await this.pool.getConnection();
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      return;
    }
    let healthy = true;
    try {
      const [only] = batch;
      if (only && batch.length === 1) {
        healthy = await this.runAlone(connection, only);
        return;
      }
      let results: unknown[];
      try {
        results = await this.runTogether(
          connection,
          batch.flatMap((p) => p.statements),
        );
      } catch (error) {
        if (isFatal(error)) {
          // The connection broke: whether the batch committed is unknown, so nothing is run
          // again here. Each caller gets the error, as it would for a lone statement.
          healthy = false;
          for (const pending of batch) pending.reject(error);
          return;
        }
        // A statement failed: the server ran none after it, and the rollback undoes those before.
        await connection.query('ROLLBACK');
        this.logger.debug(
          `a batch of ${batch.length} callers failed (${(error as Error).message}); running them one by one`,
        );
        for (const pending of batch) {
          if (healthy) healthy = await this.runAlone(connection, pending);
          else pending.reject(connectionLost());
        }
        return;
      }
      let at = 0;
      for (const pending of batch) {
        pending.resolve(results.slice(at, at + pending.statements.length));
        at += pending.statements.length;
      }
    } catch (error) {
      healthy = false;
      for (const pending of batch) pending.reject(error);
    } finally {
      if (healthy) connection.release();
      else connection.destroy();
    }
  }

  /** Statements in one transaction and one round trip; answers their results. */
  private async runTogether(connection: PoolConnection, statements: string[]): Promise<unknown[]> {
    this.count(statements.length);
    const [results] = (await connection.query(
      `${PREAMBLE};\n${statements.join(';\n')};\nCOMMIT`,
    )) as unknown as [unknown[]];
    return results.slice(PREAMBLE_RESULTS, PREAMBLE_RESULTS + statements.length);
  }

  /** One caller's statements on their own; answers false when the connection broke. */
  private async runAlone(connection: PoolConnection, pending: Pending): Promise<boolean> {
    try {
      const [single] = pending.statements;
      if (single !== undefined && pending.statements.length === 1) {
        this.count(1);
        const [result] = await connection.query(single);
        pending.resolve([result]);
      } else {
        pending.resolve(await this.runTogether(connection, pending.statements));
      }
      return true;
    } catch (error) {
      pending.reject(error);
      if (isFatal(error)) return false;
      if (pending.statements.length > 1) await connection.query('ROLLBACK');
      return true;
    }
  }

  private count(statements: number): void {
    this.stats.statements += statements;
    this.stats.roundTrips++;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}

/** What the callers after a broken connection get: marked as the driver marks its own (`fatal`). */
function connectionLost(): Error {
  return Object.assign(new Error('MySQL connection lost'), { fatal: true, code: 'PROTOCOL_CONNECTION_LOST' });
}

/** A driver error that broke the connection (as opposed to a statement the server refused). */
function isFatal(error: unknown): boolean {
  return (error as { fatal?: boolean }).fatal === true;
}
