import { dropDatabase, mysqlConnectionOptions, queryDatabase } from '@chaconne/testing';
import { createConnection } from 'mysql2/promise';
import { SqlBatcher } from '../../src/modules/sql/sql.module';
import { testConfig } from '../support/test-env';

/**
 * The batcher against a real MariaDB/MySQL: concurrent callers share round trips, yet each
 * gets its own results, and one caller's failure neither fails nor undoes another's work.
 */
const config = testConfig();
let sql: SqlBatcher;

beforeAll(async () => {
  const server = await createConnection(mysqlConnectionOptions(config.mysqlUrl, false));
  await server.query(`CREATE DATABASE \`${new URL(config.mysqlUrl).pathname.slice(1)}\``);
  await server.end();
  await queryDatabase(
    config.mysqlUrl,
    'CREATE TABLE item (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(32) NOT NULL UNIQUE, at DATETIME(3) NULL)',
  );
  await queryDatabase(config.mysqlUrl, 'CREATE TABLE note (item_id INT NOT NULL, text VARCHAR(32) NOT NULL)');
  sql = new SqlBatcher(config);
});

afterAll(async () => {
  await sql.onApplicationShutdown();
  await dropDatabase(config.mysqlUrl);
});

const names = async (): Promise<string[]> =>
  (await queryDatabase<{ name: string }>(config.mysqlUrl, 'SELECT name FROM item ORDER BY name')).map(
    (r) => r.name,
  );

it('answers each of many concurrent callers with its own result, in fewer round trips than statements', async () => {
  const before = { ...sql.stats };
  const answers = await Promise.all(
    Array.from({ length: 200 }, (_, i) =>
      sql.query<{ n: number; s: string }[]>('SELECT ? AS n, ? AS s', [i, `v${i}`]),
    ),
  );
  expect(answers.map((rows) => rows[0])).toEqual(
    Array.from({ length: 200 }, (_, i) => ({ n: i, s: `v${i}` })),
  );
  expect(sql.stats.statements - before.statements).toBe(200);
  expect(sql.stats.roundTrips - before.roundTrips).toBeLessThan(50);
});

it('keeps a failing caller from failing or undoing the others in its batch', async () => {
  await sql.query('INSERT INTO item (name) VALUES (?)', ['taken']);
  const outcomes = await Promise.allSettled([
    sql.query<{ affectedRows: number }>('INSERT INTO item (name) VALUES (?)', ['a1']),
    sql.query('INSERT INTO item (name) VALUES (?)', ['taken']),
    sql.query<{ affectedRows: number }>('INSERT INTO item (name) VALUES (?)', ['a2']),
  ]);
  expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'ER_DUP_ENTRY' });
  expect(await names()).toEqual(['a1', 'a2', 'taken']);
});

it('runs a transaction as a unit: in order, LAST_INSERT_ID of its own insert, and nothing left when it fails', async () => {
  const [ok, other] = await Promise.all([
    sql.transaction([
      {
        sql: 'INSERT INTO item (name, at) VALUES (?, ?)',
        params: ['t1', new Date('2026-01-02T03:04:05.678Z')],
      },
      { sql: 'INSERT INTO note (item_id, text) VALUES (LAST_INSERT_ID(), ?)', params: ['first'] },
    ]),
    sql.query<{ insertId: number }>('INSERT INTO item (name) VALUES (?)', ['between']),
    sql
      .transaction([
        { sql: 'INSERT INTO item (name) VALUES (?)', params: ['t2'] },
        { sql: 'INSERT INTO item (name) VALUES (?)', params: ['taken'] },
      ])
      .catch((error: unknown) => error),
  ]);
  const itemId = (ok[0] as { insertId: number }).insertId;
  expect(await queryDatabase(config.mysqlUrl, 'SELECT item_id, text FROM note')).toEqual([
    { item_id: itemId, text: 'first' },
  ]);
  expect(other.insertId).not.toBe(itemId);
  expect(await names()).toEqual(['a1', 'a2', 'between', 't1', 'taken']);
  // Dates go in and come back in UTC, as through the DataSource.
  const rows = await sql.query<{ at: Date }[]>('SELECT at FROM item WHERE name = ?', ['t1']);
  expect(rows[0]?.at.toISOString()).toBe('2026-01-02T03:04:05.678Z');
});
