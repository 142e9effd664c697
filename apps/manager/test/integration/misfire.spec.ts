import { RunningState } from '@chaconne/contracts';
import { chaconneBody, queryDatabase } from '@chaconne/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FireService } from '../../src/modules/run/fire.service';
import { adminPost, cleanUp, startManagerApp, testConfig } from '../support/test-env';

/**
 * A recurring tick handed over more than a period late (an overloaded manager) runs, and
 * the occurrences it overtook, which BullMQ will not tick, are recorded once as a misfire.
 */
const config = testConfig();
let app: NestFastifyApplication;
let baseUrl: string;

beforeAll(async () => {
  ({ app, baseUrl } = await startManagerApp(config));
});

afterAll(async () => {
  await app.close();
  await cleanUp(config);
});

it('records the occurrences a late tick overtook as one SKIPPED misfire, and runs the tick', async () => {
  const persisted = await adminPost<number>(baseUrl, config, '/job/admin/persistJob', {
    ...chaconneBody('overtaken', 'OvertakenJob', '* * * * * ?'),
    overlapPolicy: 'ALLOW',
  });
  expect(persisted.status).toBe(200);
  const jobId = persisted.body.data;
  const planned = Math.floor(Date.now() / 1000) * 1000 - 4_000;
  // Handed over 3.5 s after its second: 3 later occurrences get no tick of their own.
  await app
    .get(FireService)
    .fire({ jobId, plannedAt: planned, recurring: true, activatedAt: planned + 3_500 });

  const rows = await queryDatabase<{ planned_at: Date; running_state: number; reason: string | null }>(
    config.mysqlUrl,
    // Only this tick's window: the job's own schedule keeps ticking meanwhile.
    `SELECT planned_at, running_state, reason FROM chac_job_run
      WHERE job_id = ? AND planned_at BETWEEN ? AND ? ORDER BY planned_at`,
    [jobId, new Date(planned), new Date(planned + 3_000)],
  );
  expect(rows.map((r) => r.planned_at.getTime())).toEqual([planned, planned + 1_000]);
  // The tick itself ran (FAILED here: no worker is registered in this test).
  expect(rows[0]?.running_state).toBe(RunningState.FAILED);
  expect(rows[0]?.reason).toMatch(/^no worker available/);
  expect(rows[1]?.running_state).toBe(RunningState.SKIPPED);
  expect(rows[1]?.reason).toBe(
    `misfire: 3 occurrences from ${new Date(planned + 1_000).toISOString()} to ${new Date(planned + 3_000).toISOString()} skipped: the tick of ${new Date(planned).toISOString()} started 3500 ms late`,
  );
});
