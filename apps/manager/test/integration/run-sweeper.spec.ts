import { RunningState } from '@chaconne/contracts';
import { chaconneBody, sleep } from '@chaconne/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { RunSweeper } from '../../src/modules/run/run-sweeper.service';
import {
  adminPost,
  closeAndCleanUp,
  registration,
  signedPost as signedPostTo,
  startManagerApp,
  testConfig,
} from '../support/test-env';

const config = testConfig({ CHACONNE_HEARTBEAT_INTERVAL_MS: '1000' });
let app: NestFastifyApplication;
let baseUrl: string;
let dataSource: DataSource;

async function signedPost(path: string, body: unknown): Promise<number> {
  return (await signedPostTo(baseUrl, config.secret, path, body)).status;
}

async function register(instanceId: string): Promise<void> {
  expect(await signedPost('/worker/register', registration(instanceId))).toBe(200);
}

async function insertRun(
  jobId: number,
  plannedAt: Date,
  instanceId: string | null,
  ageMs: number,
): Promise<number> {
  const at = new Date(Date.now() - ageMs);
  const result = await dataSource.query<{ insertId: number }>(
    `INSERT INTO chac_job_run (job_id, planned_at, attempt, running_state, instance_id, created_at, dispatched_at)
     VALUES (?, ?, 0, ?, ?, ?, ?)`,
    [jobId, plannedAt, RunningState.RUNNING, instanceId, at, instanceId ? at : null],
  );
  return result.insertId;
}

async function stateOf(runId: number): Promise<{ running_state: number; reason: string | null }> {
  const rows = await dataSource.query<{ running_state: number; reason: string | null }[]>(
    'SELECT running_state, reason FROM chac_job_run WHERE run_id = ?',
    [runId],
  );
  if (!rows[0]) throw new Error(`no run ${runId}`);
  return rows[0];
}

beforeAll(async () => {
  ({ app, baseUrl } = await startManagerApp(config));
  dataSource = app.get(DataSource);
});

afterAll(() => closeAndCleanUp(config, app));

it('fails runs whose worker stopped beating, leaves live workers alone, and fails runs never dispatched', async () => {
  const on = await adminPost<number>(baseUrl, config, '/job/admin/persistJob', {
    ...chaconneBody('swept'),
    trigger: { triggerType: 0 },
  });
  const jobId = on.body.data;
  await register('ghost');
  await register('alive');
  const beating = setInterval(() => {
    void signedPost('/worker/heartbeat', { instanceId: 'alive', activeRuns: 1, draining: false });
  }, 300);
  try {
    await sleep(3_500); // 'ghost' misses three 1 s beats; 'alive' keeps beating
    const onGhost = await insertRun(jobId, new Date(Date.UTC(2030, 0, 1)), 'ghost', 10_000);
    const onAlive = await insertRun(jobId, new Date(Date.UTC(2030, 0, 2)), 'alive', 10_000);
    const undispatched = await insertRun(jobId, new Date(Date.UTC(2030, 0, 3)), null, 180_000);
    const fresh = await insertRun(jobId, new Date(Date.UTC(2030, 0, 4)), null, 5_000);

    expect(await app.get(RunSweeper).sweep()).toEqual({ timedOut: 0, ended: 2, thawed: 0 });

    expect(await stateOf(onGhost)).toEqual({
      running_state: RunningState.FAILED,
      reason: 'worker lost: instance ghost missed 3 heartbeats',
    });
    expect((await stateOf(onAlive)).running_state).toBe(RunningState.RUNNING);
    expect(await stateOf(undispatched)).toEqual({
      running_state: RunningState.FAILED,
      reason: 'not dispatched: the manager handling this fire stopped before sending it',
    });
    expect((await stateOf(fresh)).running_state).toBe(RunningState.RUNNING);
  } finally {
    clearInterval(beating);
  }
}, 20_000);
