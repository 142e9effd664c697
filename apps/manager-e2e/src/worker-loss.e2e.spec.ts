import {
  type ApiSuccess,
  type JobTrace,
  ManagerRoutes,
  PROTOCOL_VERSION,
  ProtocolHeader,
  RunningState,
  type RunReport,
} from '@chaconne/contracts';
import { MANAGER_RECIPIENT, SignatureDirection, signRequest } from '@chaconne/contracts/signing';
import { queryDatabase, waitFor } from '@chaconne/testing';
import {
  demoJobKey,
  jobTraces,
  newStack,
  persistOnDemandJob,
  type ProcessHandle,
  startManager,
  startWorkerRuntime,
  triggerJob,
  tearDown,
} from './support/processes';

/**
 * A worker killed with SIGKILL in the middle of a run, under the production heartbeat
 * interval (5 s, which the workers take from the manager's answer to their registration):
 * the sweeper declares the instance lost after 3 missed beats (15 s) and ends the run
 * FAILED 'worker lost'; the retry goes to the surviving instance and completes. A report
 * the lost instance sends afterwards changes nothing and is kept as the run's late report.
 */
const HEARTBEAT_MS = 5_000;
/** 3 missed beats (15 s) + one sweep (1 s) + margin for a loaded 2-core machine. */
const LOST_WITHIN_MS = 20_000;

const stack = newStack();
const jobKey = demoJobKey('demo-worker', 'slowLost', 'SlowJob');
let manager: { handle: ProcessHandle; url: string } | undefined;
const workers: { handle: ProcessHandle; url: string }[] = [];

beforeAll(async () => {
  manager = await startManager(stack, { CHACONNE_HEARTBEAT_INTERVAL_MS: String(HEARTBEAT_MS) });
  await persistOnDemandJob(stack, manager.url, jobKey, {
    attachment: '{"ms": 10000}',
    retries: 1,
    retryBackoff: { policy: 'FIXED', delayMs: 500 },
  });
  // Default worker settings: each takes its heartbeat interval from the manager's register answer.
  for (let i = 0; i < 2; i++) workers.push(await startWorkerRuntime(stack, manager.url, 'nest'));
  const registered = manager.handle;
  await Promise.all(
    workers.map((worker) =>
      registered.waitForLine(
        new RegExp(`registered \\S+ \\(demo-cluster/demo-worker\\) at ${worker.url.replace(/\./g, '\\.')} `),
        30_000,
      ),
    ),
  );
}, 90_000);

afterAll(async () => {
  await tearDown(stack, workers, manager);
}, 60_000);

function managerUrl(): string {
  if (!manager) throw new Error('manager not started');
  return manager.url;
}

/** POSTs a run report to the manager's worker API, signed with the stack's secret as the SDK does. */
async function postReport(
  runId: number,
  report: RunReport,
): Promise<{ status: number; body: ApiSuccess<{ accepted: boolean }> }> {
  const body = JSON.stringify(report);
  const path = ManagerRoutes.report(runId);
  const target = {
    direction: SignatureDirection.WORKER_TO_MANAGER,
    method: 'POST',
    path,
    recipient: MANAGER_RECIPIENT,
  };
  const response = await fetch(managerUrl() + path, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [ProtocolHeader.PROTOCOL]: String(PROTOCOL_VERSION),
      ...signRequest(stack.secret, target, body),
    },
    body,
  });
  return { status: response.status, body: (await response.json()) as ApiSuccess<{ accepted: boolean }> };
}

it('fails the run of a SIGKILLed worker as "worker lost" within 20 s, retries it elsewhere, and keeps a late report aside', async () => {
  const firstId = await triggerJob(stack, managerUrl(), jobKey);
  const dispatched = await waitFor(
    `run ${firstId} dispatched to an instance`,
    async () => {
      const run = (await jobTraces(stack, managerUrl(), jobKey)).find((t) => t.traceId === firstId);
      return run?.runningState === RunningState.RUNNING && run.instanceId !== null ? run : undefined;
    },
    15_000,
    100,
  );
  const instanceA = dispatched.instanceId ?? '';
  const victim = workers.find((w) => w.url === dispatched.address);
  const survivor = workers.find((w) => w.url !== dispatched.address);
  if (!victim || !survivor)
    throw new Error(`run ${firstId} went to an unknown address ${dispatched.address}`);

  victim.handle.child.kill('SIGKILL');
  const killedAt = Date.now();
  expect(await victim.handle.waitForExit(5_000)).toEqual({ code: null, signal: 'SIGKILL' });

  const runs = (): Promise<JobTrace[]> => jobTraces(stack, managerUrl(), jobKey);
  const first = await waitFor(
    `run ${firstId} to end after the kill`,
    async () => (await runs()).find((t) => t.traceId === firstId && t.runningState !== RunningState.RUNNING),
    LOST_WITHIN_MS + 10_000,
    250,
  );
  expect(first.runningState).toBe(RunningState.FAILED);
  expect(first.reason).toMatch(/^worker lost/);
  expect(first.reason).toContain(instanceA);
  expect(first.instanceId).toBe(instanceA);
  expect(first.attempt).toBe(0);
  const failedAfterMs = Date.parse(first.completionTime ?? '') - killedAt;
  console.info(`worker-loss: attempt 0 ended FAILED ${(failedAfterMs / 1000).toFixed(1)} s after the kill`);
  // Not before 2 missed beats (the last beat may be up to one interval before the kill), not after 20 s.
  expect(failedAfterMs).toBeGreaterThanOrEqual(2 * HEARTBEAT_MS);
  expect(failedAfterMs).toBeLessThanOrEqual(LOST_WITHIN_MS);

  // The retry: same occurrence, next attempt, on the other instance, and it completes (10 s of work).
  const retry = await waitFor(
    'the retry of the lost run to complete',
    async () =>
      (await runs()).find((t) => t.firstTraceId === firstId && t.runningState !== RunningState.RUNNING),
    30_000,
    250,
  );
  expect(retry.attempt).toBe(1);
  expect(retry.runningState).toBe(RunningState.COMPLETED);
  expect(retry.plannedTime).toBe(first.plannedTime);
  expect(retry.instanceId).not.toBeNull();
  expect(retry.instanceId).not.toBe(instanceA);
  expect(retry.address).toBe(survivor.url);
  expect(JSON.parse(retry.result ?? 'null')).toEqual({ workedMs: 10_000 });

  const rows = await queryDatabase<{ run_id: number | string; attempt: number; running_state: number }>(
    stack.mysqlUrl,
    `SELECT r.run_id, r.attempt, r.running_state FROM chac_job_run r JOIN chac_job_detail d ON d.job_id = r.job_id
      WHERE d.job_name = ? ORDER BY r.attempt`,
    [jobKey.jobName],
  );
  expect(rows.map((r) => [Number(r.run_id), r.attempt, r.running_state])).toEqual([
    [firstId, 0, RunningState.FAILED],
    [retry.traceId, 1, RunningState.COMPLETED],
  ]);

  // The lost instance reports attempt 0 after all (as if it had come back): refused, kept aside.
  const finishedAt = new Date();
  const report: RunReport = {
    instanceId: instanceA,
    runningState: RunningState.COMPLETED,
    result: { workedMs: 10_000 },
    startedAt: dispatched.executionTime ?? new Date(killedAt).toISOString(),
    finishedAt: finishedAt.toISOString(),
  };
  const answer = await postReport(firstId, report);
  expect(answer.status).toBe(200);
  expect(answer.body.data).toEqual({ accepted: false });

  const after = await runs();
  const firstAfter = after.find((t) => t.traceId === firstId);
  const retryAfter = after.find((t) => t.traceId === retry.traceId);
  expect(firstAfter?.runningState).toBe(RunningState.FAILED);
  expect(firstAfter?.reason).toBe(first.reason);
  expect(firstAfter?.completionTime).toBe(first.completionTime);
  expect(firstAfter?.result).toBeNull();
  expect(retryAfter?.runningState).toBe(RunningState.COMPLETED);
  expect(retryAfter?.lateReport).toBeNull();
  expect(after.filter((t) => t.runningState === RunningState.RUNNING)).toEqual([]);
  expect(JSON.parse(firstAfter?.lateReport ?? 'null')).toMatchObject({
    instanceId: instanceA,
    runningState: RunningState.COMPLETED,
    finishedAt: finishedAt.toISOString(),
  });
}, 90_000);
