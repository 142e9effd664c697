import { RunningState } from '@chaconne/contracts';
import { queryDatabase, waitFor } from '@chaconne/testing';
import {
  adminPost,
  demoJobKey,
  newStack,
  persistOnDemandJob,
  type ProcessHandle,
  runLogs,
  startManager,
  startWorkerRuntimes,
  triggerJob,
  WORKER_RUNTIMES,
  type WorkerRuntime,
  waitForOutcome,
  tearDown,
} from './support/processes';

/**
 * Graceful shutdown with real processes, for each runtime: SIGTERM during a 5 s run lets
 * the run complete, the draining worker gets no new run, and it deregisters. Each runtime
 * is alone in its group, so "no other worker" holds for its jobs.
 */
const stack = newStack();
let manager: { handle: ProcessHandle; url: string } | undefined;
let workers = new Map<WorkerRuntime, { handle: ProcessHandle; url: string }>();
const runtimes: readonly WorkerRuntime[] = ['nest', 'express', 'http'];

beforeAll(async () => {
  manager = await startManager(stack);
  // One after the other: the manager answers concurrent persistJob calls with a deadlock (500) at times.
  for (const runtime of runtimes) {
    await persistOnDemandJob(
      stack,
      managerUrl(),
      demoJobKey(WORKER_RUNTIMES[runtime].groupName, 'slow', 'SlowJob'),
      {
        attachment: '{"ms": 5000}',
      },
    );
  }
  workers = await startWorkerRuntimes(stack, manager, runtimes);
}, 60_000);

afterAll(async () => {
  await tearDown(stack, [...workers.values()], manager);
});

/** The manager of this file's stack (started in beforeAll). */
function managerUrl(): string {
  if (!manager) throw new Error('manager not started');
  return manager.url;
}

describe.each(runtimes)('SIGTERM to the %s runtime during a 5 s run', (runtime) => {
  const jobKey = demoJobKey(WORKER_RUNTIMES[runtime].groupName, 'slow', 'SlowJob');

  it('completes the run, routes no new run to the draining worker, then deregisters', async () => {
    const worker = workers.get(runtime);
    if (!worker) throw new Error(`${runtime} worker not started`);
    const traceId = await triggerJob(stack, managerUrl(), jobKey);
    // The handler is executing once its first line reached the manager.
    await waitFor(
      'the slow run to start',
      async () =>
        (await runLogs(stack, managerUrl(), jobKey, traceId)).includes('SlowJob: working for 5000 ms')
          ? true
          : undefined,
      5_000,
      100,
    );

    worker.handle.child.kill('SIGTERM');
    // The slow run, and at times a run of the runtime's own cron jobs (every 5 and 10 s)
    // that is executing or still reporting.
    await worker.handle.waitForLine(/closing: waiting up to \d+ ms for [1-9]\d* run\(s\)/, 5_000);

    // While it drains, a new run is not routed to it: with no other worker in the group it
    // fails. (`force`: the job's overlap policy, SKIP, would refuse a second run in flight.)
    const forced = await adminPost<number>(stack, managerUrl(), '/job/admin/triggerJob', {
      jobKey,
      force: true,
    });
    expect(forced.status).toBe(200);
    const refusedId = forced.body.data;
    const refused = await waitForOutcome(stack, managerUrl(), jobKey, refusedId, 5_000);
    expect(refused.runningState).toBe(RunningState.FAILED);
    expect(refused.reason).toMatch(/^no worker available/);
    expect(refused.instanceId).toBeNull();

    const run = await waitForOutcome(stack, managerUrl(), jobKey, traceId, 10_000);
    expect(run.runningState).toBe(RunningState.COMPLETED);
    const logs = await runLogs(stack, managerUrl(), jobKey, traceId);
    expect(logs).toContainEqual(expect.stringMatching(/^SlowJob: done after \d+ ms$/));
    expect(logs.join('\n')).not.toContain('signal aborted');

    const instanceId = run.instanceId;
    const state = await waitFor(
      `the deregistration of ${instanceId ?? '?'}`,
      async () => {
        const rows = await queryDatabase<{ state: number }>(
          stack.mysqlUrl,
          'SELECT state FROM chac_worker_instance WHERE instance_id = ?',
          [instanceId],
        );
        return rows[0]?.state === 2 ? rows[0].state : undefined;
      },
      5_000,
    );
    expect(state).toBe(2); // DEREGISTERED
    const exit = await worker.handle.waitForExit(5_000);
    // Nest re-raises the signal once closed; the other runtimes exit with status 0.
    expect(exit).toEqual(runtime === 'nest' ? { code: null, signal: 'SIGTERM' } : { code: 0, signal: null });
  }, 25_000);
});
