import { RunningState } from '@chaconne/contracts';
import { chaconneBody, queryDatabase, sleep } from '@chaconne/testing';
import {
  adminPost,
  newStack,
  type ProcessHandle,
  startDemoWorker,
  startManager,
  tearDown,
} from './support/processes';

/**
 * Two manager processes share one MySQL and one Redis. A per-second job must fire once
 * for every second: no duplicate, no gap.
 */
const stack = newStack();
const handles: ProcessHandle[] = [];
let managerUrl = '';

beforeAll(async () => {
  const [a, b] = await Promise.all([startManager(stack), startManager(stack)]);
  handles.push(a.handle, b.handle);
  managerUrl = a.url;
  const worker = await startDemoWorker(stack, b.url);
  handles.push(worker.handle);
  await b.handle.waitForLine(/registered .*demo-cluster\/demo-worker/, 30_000);
}, 90_000);

afterAll(async () => {
  await tearDown(stack, ...handles.reverse());
});

it('fires a */1 job for 20 s across two managers with no duplicate and no missing second', async () => {
  const body = chaconneBody('everySecond', 'EtlJob', '*/1 * * * * ?');
  expect((await adminPost(stack, managerUrl, '/job/admin/persistJob', body)).status).toBe(200);
  await sleep(20_000);
  // Stop the schedule before counting, so the window is closed.
  await adminPost(stack, managerUrl, '/job/admin/persistJob', { ...body, trigger: { triggerType: 0 } });
  await sleep(2_000);

  const runs = await queryDatabase<{ planned_at: Date; running_state: number; n: number }>(
    stack.mysqlUrl,
    `SELECT r.planned_at, r.running_state FROM chac_job_run r JOIN chac_job_detail d ON d.job_id = r.job_id
      WHERE d.job_name = 'everySecond' ORDER BY r.planned_at`,
  );
  const seconds = runs.map((r) => r.planned_at.getTime());
  expect(seconds.length).toBeGreaterThanOrEqual(18);
  // No duplicate: every planned second appears once.
  expect(new Set(seconds).size).toBe(seconds.length);
  // No gap: consecutive occurrences are exactly one second apart.
  const gaps = seconds
    .slice(1)
    .map((t, i) => t - (seconds[i] ?? t))
    .filter((d) => d !== 1000);
  expect(gaps).toEqual([]);
  // Every occurrence ran (the last one or two may still be in flight).
  const notCompleted = runs.slice(0, -2).filter((r) => r.running_state !== RunningState.COMPLETED);
  expect(notCompleted).toEqual([]);
}, 60_000);
