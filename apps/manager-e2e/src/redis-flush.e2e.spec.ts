import { chaconneBody, dropDatabase, queryDatabase, waitFor } from '@chaconne/testing';
import { Redis } from 'ioredis';
import {
  adminPost,
  newStack,
  type ProcessHandle,
  startDemoWorker,
  startManager,
  startRedis,
} from './support/processes';

/**
 * Redis holds nothing that cannot be rebuilt from MySQL: after FLUSHALL (on a Redis this
 * test started itself) every active schedule fires again within 30 s, no restart.
 */
let redis: { handle: ProcessHandle; url: string };
const handles: ProcessHandle[] = [];
let stack: ReturnType<typeof newStack>;
let managerUrl = '';

beforeAll(async () => {
  redis = await startRedis();
  stack = newStack(redis.url);
  const manager = await startManager(stack);
  managerUrl = manager.url;
  const worker = await startDemoWorker(stack, manager.url);
  handles.push(worker.handle, manager.handle);
  await manager.handle.waitForLine(/registered .*demo-cluster\/demo-worker/, 30_000);
}, 90_000);

afterAll(async () => {
  // Undefined when beforeAll failed before they were set. The test's own Redis goes with its
  // keys; the database is dropped whatever happened.
  const created = stack as typeof stack | undefined;
  try {
    for (const handle of handles) await handle.stop();
    await (redis as typeof redis | undefined)?.handle.stop();
  } finally {
    if (created) await dropDatabase(created.mysqlUrl);
  }
});

async function completedAfter(since: Date): Promise<number> {
  const rows = await queryDatabase<{ n: number | string }>(
    stack.mysqlUrl,
    `SELECT COUNT(*) AS n FROM chac_job_run r JOIN chac_job_detail d ON d.job_id = r.job_id
      WHERE d.job_name = 'flushed' AND r.running_state = 1 AND r.planned_at > ?`,
    [since],
  );
  return Number(rows[0]?.n ?? 0);
}

it('fires again within 30 s of a Redis FLUSHALL without restarting the manager', async () => {
  expect(
    (
      await adminPost(
        stack,
        managerUrl,
        '/job/admin/persistJob',
        chaconneBody('flushed', 'EtlJob', '*/1 * * * * ?'),
      )
    ).status,
  ).toBe(200);
  await waitFor(
    'the job to run before the flush',
    async () => ((await completedAfter(new Date(0))) > 0 ? true : undefined),
    10_000,
  );

  const client = new Redis(redis.url);
  try {
    await client.flushall();
  } finally {
    await client.quit();
  }
  const flushedAt = new Date();
  // Runs planned up to a second after the flush may come from fires already in flight.
  const after = new Date(flushedAt.getTime() + 1_500);
  await waitFor(
    'a run planned after the flush',
    async () => ((await completedAfter(after)) > 0 ? true : undefined),
    30_000,
    500,
  );
  expect(Date.now() - flushedAt.getTime()).toBeLessThanOrEqual(30_000);
}, 60_000);
