import { JobState, RunningState } from '@chaconne/contracts';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { MysqlQueryRunner } from 'typeorm/driver/mysql/MysqlQueryRunner';
import { RunSweeper } from '../../src/modules/run/run-sweeper.service';
import { ReconcilerService } from '../../src/modules/schedule/reconciler.service';
import { adminPost, closeAndCleanUp, startManagerApp, testConfig } from '../support/test-env';

/**
 * Every query the console's list pages issue, EXPLAINed on a dataset large enough that
 * MariaDB's optimizer prefers indexes (20,000 jobs, 300,000 runs, 100,000 log lines, ...):
 * the real endpoints run, every SELECT they send to MySQL (raw or through a repository) is recorded, and each
 * is EXPLAINed with its parameters. None may scan a big table (`type: ALL`); the lists that
 * can be read in index order must not sort the whole table. The plans are written to
 * test-output/console-queries-explain.txt.
 */
jest.setTimeout(180_000);

const JOBS = 20_000;
const RUNS = 300_000;
const LOGS = 100_000;
const WORKERS = 2_000;
const config = testConfig();
const SEEDED_TABLES = new Set([
  'chac_job_detail',
  'chac_job_runtime_detail',
  'chac_job_trigger_detail',
  'chac_job_run',
  'chac_job_log',
  'chac_job_stat_daily',
  'chac_job_history',
  'chac_worker_instance',
]);

interface PlanRow {
  id: number | null;
  select_type: string;
  table: string | null;
  type: string | null;
  possible_keys: string | null;
  key: string | null;
  rows: number | string | null;
  Extra: string | null;
}

let app: NestFastifyApplication;
let baseUrl: string;
let dataSource: DataSource;
const recorded: { sql: string; params: unknown[] }[] = [];

async function seed(): Promise<void> {
  const q = (sql: string) => dataSource.query(sql);
  await q(`INSERT INTO chac_job_detail (job_id, cluster_name, group_name, job_name, job_class_name, executor, create_date, update_date)
    SELECT seq, IF(seq % 10 = 0, 'xcron', CONCAT('c', seq % 10)), IF(seq % 10 = 0, 'xcron', CONCAT('g', seq % 20)),
           CONCAT('job-', seq), IF(seq % 10 = 0, 'HttpCallback', 'EtlJob'), IF(seq % 10 = 0, 'http', 'worker'),
           NOW(3) - INTERVAL seq MINUTE, NOW(3)
      FROM seq_1_to_${JOBS}`);
  await q(`INSERT INTO chac_job_trigger_detail (job_id, trigger_type, trigger_description, time_zone)
    SELECT seq, IF(seq % 3 = 0, 1, 0), '{}', 'UTC' FROM seq_1_to_${JOBS}`);
  await q(`INSERT INTO chac_job_runtime_detail (job_id, job_state, next_execution_time)
    SELECT seq, IF(seq % 7 = 0, ${JobState.PAUSED}, IF(seq % 11 = 0, ${JobState.FINISHED}, ${JobState.NOT_SCHEDULED})),
           IF(seq % 3 = 0, NOW(3) + INTERVAL seq MINUTE, NULL)
      FROM seq_1_to_${JOBS}`);
  await q(`INSERT INTO chac_job_run (job_id, planned_at, attempt, running_state, created_at, finished_at)
    SELECT 1 + seq % ${JOBS}, NOW(3) - INTERVAL seq SECOND, 0,
           CASE WHEN seq % 1000 = 0 THEN ${RunningState.RUNNING} WHEN seq % 10 = 0 THEN ${RunningState.FAILED}
                WHEN seq % 10 = 1 THEN ${RunningState.SKIPPED} ELSE ${RunningState.COMPLETED} END,
           NOW(3) - INTERVAL seq SECOND, NOW(3) - INTERVAL seq SECOND
      FROM seq_1_to_${RUNS}`);
  await q(`INSERT INTO chac_job_log (run_id, job_id, level, message, logged_at)
    SELECT r.run_id, r.job_id, 2, 'a line', r.created_at
      FROM seq_1_to_${LOGS} s JOIN chac_job_run r ON r.run_id = 1 + s.seq % 50000`);
  // IGNORE: the sweeper may already have ended a seeded run in flight and counted it.
  await q(`INSERT IGNORE INTO chac_job_stat_daily (job_id, stat_date, completed, failed)
    SELECT 1 + seq % ${JOBS}, CURDATE() - INTERVAL (seq DIV ${JOBS}) DAY, 5, 1 FROM seq_1_to_100000`);
  await q(`INSERT INTO chac_job_history (job_id, changed_at, source, actor, action, changes)
    SELECT 1 + seq % ${JOBS}, NOW(3) - INTERVAL seq SECOND, 'api', 'seed', 'update', '{}' FROM seq_1_to_60000`);
  await q(`INSERT INTO chac_worker_instance (instance_id, cluster_name, group_name, base_url, base_url_source, labels, jobs,
           sdk_version, protocol_version, state, started_at, registered_at, deregistered_at)
    SELECT CONCAT('w-', seq), CONCAT('c', seq % 10), CONCAT('g', seq % 20), 'http://10.0.0.1:8088', 'configured', '{}', '[]',
           '0.1.0', 2, IF(seq % 2 = 0, 2, 0), NOW(3) - INTERVAL seq HOUR, NOW(3) - INTERVAL seq HOUR,
           IF(seq % 2 = 0, NOW(3) - INTERVAL seq MINUTE, NULL)
      FROM seq_1_to_${WORKERS}`);
  for (const table of SEEDED_TABLES) await q(`ANALYZE TABLE ${table}`);
}

beforeAll(async () => {
  ({ app, baseUrl } = await startManagerApp(config));
  dataSource = app.get(DataSource);
  await seed();
  // Only the requests' queries are recorded: the periodic duties stop.
  await app.get(RunSweeper).onApplicationShutdown();
  await app.get(ReconcilerService).onApplicationShutdown();
  // Every query, raw or through a repository, goes through a query runner.
  const original = MysqlQueryRunner.prototype.query;
  jest.spyOn(MysqlQueryRunner.prototype, 'query').mockImplementation(function (
    this: MysqlQueryRunner,
    sql: string,
    params?: unknown[],
    structured?: boolean,
  ) {
    if (/^\s*SELECT/i.test(sql)) recorded.push({ sql, params: params ?? [] });
    return original.call(this, sql, params, structured as false) as Promise<never>;
  });
});

afterAll(async () => {
  jest.restoreAllMocks();
  await closeAndCleanUp(config, app);
});

const JOB_1 = { clusterName: 'c1', groupName: 'g1', jobName: 'job-1', jobClassName: 'EtlJob' };
const hourAgo = Date.now() - 3_600_000;
const inADay = Date.now() + 86_400_000;

/** The console's list queries: [page, endpoint, body, may it sort without a filesort?]. */
const PAGES: [string, string, unknown, boolean][] = [
  ['jobs, newest first', 'selectJobDetail', {}, true],
  ['jobs by id', 'selectJobDetail', { sort: 'jobId', order: 'asc' }, true],
  ['jobs by name', 'selectJobDetail', { sort: 'jobName', order: 'asc' }, true],
  ['jobs by next fire time', 'selectJobDetail', { sort: 'nextFireTime', order: 'asc' }, true],
  ['jobs of a cluster and group', 'selectJobDetail', { clusterName: 'c3', groupName: 'g3' }, true],
  ['jobs of a cluster', 'selectJobDetail', { clusterName: 'c3' }, false],
  ['jobs by part of the name', 'selectJobDetail', { jobName: 'job-12' }, true],
  ['jobs by state', 'selectJobDetail', { jobState: JobState.PAUSED }, false],
  ['jobs by trigger type', 'selectJobDetail', { triggerType: 1 }, false],
  [
    'jobs due in a day',
    'selectJobDetail',
    { nextFireFrom: Date.now(), nextFireTo: inADay, sort: 'nextFireTime', order: 'asc' },
    true,
  ],
  ['runs of every job', 'selectRuns', {}, true],
  ['failed runs', 'selectRuns', { runningState: RunningState.FAILED }, true],
  ['runs in flight', 'selectRuns', { runningState: RunningState.RUNNING }, true],
  ['runs of the last hour', 'selectRuns', { startDate: hourAgo, endDate: Date.now() }, true],
  ['runs of a cluster', 'selectRuns', { clusterName: 'c3' }, false],
  ['runs of a job', 'selectJobTrace', { jobKey: JOB_1 }, true],
  [
    'runs of a job in a date range',
    'selectJobTrace',
    { jobKey: JOB_1, startDate: hourAgo, endDate: inADay },
    true,
  ],
  ['failed runs of a job', 'selectJobTrace', { jobKey: JOB_1, runningState: RunningState.FAILED }, false],
  ['a run', 'getJobTraceDetail', { traceId: 1 }, true],
  ['log lines of a run', 'selectJobLog', { jobKey: JOB_1, traceId: 20_000 }, true],
  ['statistics per job', 'selectJobStatById', {}, false],
  [
    'statistics per job in a date range',
    'selectJobStatById',
    { startDate: '2026-01-01', endDate: '2099-01-01' },
    false,
  ],
  ['change history of a job', 'selectJobHistory', { jobKey: JOB_1 }, true],
  ['workers', 'selectWorkers', {}, true],
  ['workers of a cluster', 'selectWorkers', { clusterName: 'c3' }, true],
];

const report: string[] = [];

afterAll(() => {
  const dir = join(__dirname, '..', '..', '..', '..', 'test-output');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'console-queries-explain.txt'), report.join('\n'));
});

async function explainRecorded(page: string, sortsInIndexOrder: boolean): Promise<string[]> {
  const problems: string[] = [];
  const queries = recorded.splice(0);
  expect(queries.length).toBeGreaterThan(0);
  for (const { sql, params } of queries) {
    const plan = await dataSource.query<PlanRow[]>(`EXPLAIN ${sql}`, params);
    report.push(`## ${page}\n${sql.replace(/\s+/g, ' ').trim()}`);
    for (const row of plan) {
      report.push(
        `   ${row.select_type} ${row.table ?? '-'} type=${row.type ?? '-'} key=${row.key ?? '-'} rows=${String(row.rows)} ${row.Extra ?? ''}`,
      );
      // A base table (by name or alias); `<derived2>`, `<subquery3>` are a page of rows already read.
      const base = row.table !== null && !row.table.startsWith('<');
      if (base && row.type === 'ALL')
        problems.push(`${page}: full scan of ${row.table} in ${sql.replace(/\s+/g, ' ').slice(0, 120)}`);
      // A sort over a derived table of one page (or a few rows) is no problem; over a base table it is.
      if (sortsInIndexOrder && base && (row.Extra ?? '').includes('filesort'))
        problems.push(`${page}: sorts ${row.table} (${row.rows} rows) instead of reading an index in order`);
    }
  }
  return problems;
}

describe("the console's list queries on a large dataset", () => {
  it.each(PAGES)('%s (%s) reads by index', async (page, endpoint, body, sortsInIndexOrder) => {
    recorded.length = 0;
    const res = await adminPost(baseUrl, config, `/job/admin/${endpoint}`, body);
    expect([page, res.status, res.body.msg]).toEqual([page, 200, 'ok']);
    expect(await explainRecorded(page, sortsInIndexOrder)).toEqual([]);
  });

  it("xcron's task list reads by index", async () => {
    const tasks = await dataSource.query<{ n: string | number }[]>(
      `SELECT COUNT(*) AS n FROM chac_job_detail d JOIN chac_job_runtime_detail r ON r.job_id = d.job_id
        WHERE d.cluster_name = 'xcron' AND r.job_state <> ?`,
      [JobState.FINISHED],
    );
    recorded.length = 0;
    const res = await fetch(`${baseUrl}/xcron/listTasks?page=3&size=20`, {
      headers: { authorization: `Bearer ${config.adminToken ?? ''}` },
    });
    const body = (await res.json()) as { code: number; data: { rows: number } };
    expect([res.status, body.code, body.data.rows]).toEqual([200, 0, Number(tasks[0]?.n)]);
    expect(await explainRecorded('xcron tasks', true)).toEqual([]);
  });
});
