import { RunningState } from '@chaconne/contracts';
import { chaconneBody, queryDatabase, sleep, waitFor } from '@chaconne/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FireService } from '../../src/modules/run/fire.service';
import { SqlBatcher } from '../../src/modules/sql/sql-batcher.service';
import { adminPost, closeAndCleanUp, startManagerApp, testConfig } from '../support/test-env';

/**
 * A recurring tick handled late but within the misfire threshold (an overloaded manager)
 * runs, and queues the occurrence right after it: the schedule catches up, one run per
 * occurrence, and skips none. (Ticks later than the threshold: the manager-e2e misfire test.)
 */
const config = testConfig();
let app: NestFastifyApplication;
let baseUrl: string;

beforeAll(async () => {
  ({ app, baseUrl } = await startManagerApp(config));
});

afterAll(() => closeAndCleanUp(config, app));

interface Row {
  planned_at: Date;
  running_state: number;
  reason: string | null;
}

it('catches up after a tick handled 2 s late: it and every occurrence after it run once, none is skipped', async () => {
  // Three occurrences, the last two seconds and this one (UTC), and none again until tomorrow:
  // the job's own chain waits a day, so only the late tick below and what it queues fire.
  while (new Date().getUTCSeconds() < 3 || new Date().getUTCSeconds() > 55) await sleep(500);
  const planned = Math.floor(Date.now() / 1000) * 1000 - 2_000;
  const at = new Date(planned);
  const seconds = [0, 1, 2].map((i) => at.getUTCSeconds() + i).join(',');
  const persisted = await adminPost<number>(baseUrl, config, '/job/admin/persistJob', {
    ...chaconneBody('late', 'LateJob', `${seconds} ${at.getUTCMinutes()} ${at.getUTCHours()} * * ?`),
    overlapPolicy: 'ALLOW',
  });
  expect(persisted.status).toBe(200);
  const jobId = persisted.body.data;
  await app.get(FireService).fire({ jobId, plannedAt: planned, recurring: true });

  const window = (): Promise<Row[]> =>
    queryDatabase<Row>(
      config.mysqlUrl,
      `SELECT planned_at, running_state, reason FROM chac_job_run
        WHERE job_id = ? AND planned_at BETWEEN ? AND ? ORDER BY planned_at`,
      [jobId, new Date(planned), new Date(planned + 2_000)],
    );
  const rows = await waitFor(
    'the three occurrences to have ended runs',
    async () => {
      const found = await window();
      // Each run is created RUNNING and ends FAILED once no worker took it: wait for the ends.
      return found.length >= 3 && found.every((r) => r.running_state !== RunningState.RUNNING)
        ? found
        : undefined;
    },
    10_000,
  );
  expect(rows.map((r) => r.planned_at.getTime())).toEqual([0, 1, 2].map((i) => planned + i * 1_000));
  // Each ran (FAILED here: no worker is registered in this test), none was skipped as a misfire.
  expect(rows.map((r) => r.running_state)).toEqual(rows.map(() => RunningState.FAILED));
  for (const row of rows) expect(row.reason).toMatch(/^no worker available/);
}, 20_000);

it('decides a late tick again when another manager moved the watermark after it read it: no stretch counts runs twice', async () => {
  // Ten occurrences, each more than the 5 s misfire threshold old, and none again until tomorrow.
  while (new Date().getUTCSeconds() < 20 || new Date().getUTCSeconds() > 55) await sleep(500);
  const first = Math.floor(Date.now() / 1000) * 1000 - 19_000;
  const at = new Date(first);
  const seconds = `${at.getUTCSeconds()}-${at.getUTCSeconds() + 9}`;
  const persisted = await adminPost<number>(baseUrl, config, '/job/admin/persistJob', {
    ...chaconneBody('raced', 'RacedJob', `${seconds} ${at.getUTCMinutes()} ${at.getUTCHours()} * * ?`),
    overlapPolicy: 'ALLOW',
  });
  expect(persisted.status).toBe(200);
  const jobId = persisted.body.data;
  const last = first + 9_000;
  const setWatermark = (ms: number): Promise<unknown> =>
    queryDatabase(
      config.mysqlUrl,
      'UPDATE chac_job_runtime_detail SET last_planned_at = ? WHERE job_id = ?',
      [new Date(ms), jobId],
    );
  // This manager handled the first occurrence; the tick of the second reaches it late.
  await setWatermark(first);
  // Between this manager's read of the watermark and its write, another manager handles the
  // later occurrences (a manager frozen mid-fire wakes up to this): their runs exist, and the
  // watermark is past them.
  const sql = app.get(SqlBatcher);
  const query = sql.query.bind(sql);
  let raced = false;
  const spy = jest
    .spyOn(sql, 'query')
    .mockImplementation(async (text: string, params?: readonly unknown[]) => {
      if (!raced && text.startsWith('UPDATE chac_job_runtime_detail SET last_planned_at')) {
        raced = true;
        await setWatermark(last);
      }
      return query(text, params);
    });
  try {
    await app.get(FireService).fire({ jobId, plannedAt: first + 1_000, recurring: true });
  } finally {
    spy.mockRestore();
  }
  expect(raced).toBe(true);
  const rows = await queryDatabase<Row>(
    config.mysqlUrl,
    'SELECT planned_at, running_state, reason FROM chac_job_run WHERE job_id = ? ORDER BY planned_at',
    [jobId],
  );
  // The late tick stands for its own occurrence only: it is not a stretch reaching over the runs
  // the other manager made.
  expect(rows.map((r) => [r.planned_at.getTime(), r.running_state])).toEqual([
    [first + 1_000, RunningState.SKIPPED],
  ]);
  expect(rows[0]?.reason).toMatch(/^misfire: handled \d+ ms late, after later occurrences had run/);
  expect(
    (
      await queryDatabase<{ last_planned_at: Date }>(
        config.mysqlUrl,
        'SELECT last_planned_at FROM chac_job_runtime_detail WHERE job_id = ?',
        [jobId],
      )
    )[0]?.last_planned_at.getTime(),
  ).toBe(last);
}, 70_000);
