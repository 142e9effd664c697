import {
  type ApiSuccess,
  type JobKey,
  type JobTrace,
  ManagerRoutes,
  PROTOCOL_VERSION,
  ProtocolHeader,
  RunningState,
  type RunReport,
} from '@chaconne/contracts';
import { MANAGER_RECIPIENT, SignatureDirection, signRequest } from '@chaconne/contracts/signing';
import { queryDatabase, sleep, waitFor } from '@chaconne/testing';
import { jobTraces, triggerJob } from '../support/processes';
import { type CheckReport, type CheckWindow, describeReport } from '@chaconne/testing';
import { FAULT_CLUSTER, FAULT_GROUP, FAULT_JOB_CLASS } from './fault-job';
import { FAULT_HEARTBEAT_MS, FaultCluster, type FaultJobSpec, jobSpecs, tickJobs } from './harness';

/**
 * Process and network faults against a cluster of real processes: 2 managers on one
 * database and Redis prefix, 2 fault workers, each behind a TCP proxy pair (worker ->
 * managers, health-checked round robin like a load balancer; managers -> worker). The
 * schedules run through every case; each case injects one fault and the checker compares,
 * over a window around it, every planned occurrence with the manager's run records and the
 * workers' own ledgers of handler starts:
 * - every occurrence ends with exactly one final record (COMPLETED, or FAILED/SKIPPED with
 *   a reason), and no handler starts twice for one (occurrence, attempt);
 * - the steady jobs are back to completing every occurrence within the case's stated bound.
 *
 * Bounds come from the configuration: heartbeat 1 s, so an instance is lost after 3 missed
 * beats (3 s) and the sweeper (every 1 s) ends its runs; a manager's BullMQ fire lock lasts
 * 10 s and stalled fires are taken back every 5 s; recurring fires later than 5 s are
 * misfires (one SKIPPED record for the stretch).
 */
const LOSS_WINDOW_MS = 3 * FAULT_HEARTBEAT_MS;
/** Loss window + one sweep (1 s) + 4 s for a loaded 2-core machine. */
const LOST_WITHIN_MS = LOSS_WINDOW_MS + 1_000 + 4_000;
/** A dead or frozen manager's fires come back after its lock (10 s) and a stalled check (5 s); + 1 tick, + 4 s. */
const FIRES_BACK_WITHIN_MS = 10_000 + 5_000 + 1_000 + 4_000;
/** The freeze of the SIGSTOP case. */
const FREEZE_MS = 30_000;
/** Time for the records of a window's last occurrences to be stored. */
const SETTLE_MS = 30_000;

const TICKS = tickJobs(6);
const LONG = jobSpecs('long', 2, { everySeconds: 5, ms: 3_000, retries: 2 });
/** On demand: a 10 s run that the worker-loss case kills half-way. */
const SLOW_LOST: FaultJobSpec = { name: 'slowLost', ms: 10_000, retries: 1 };
/** On demand: a 5 s run that the partition case cuts off from the managers. */
const CUT_OFF: FaultJobSpec = { name: 'cutOff', ms: 5_000, retries: 1 };

let cluster: FaultCluster | undefined;

function faultCluster(): FaultCluster {
  if (!cluster) throw new Error('cluster not started');
  return cluster;
}

const keyOf = (name: string): JobKey => ({
  clusterName: FAULT_CLUSTER,
  groupName: FAULT_GROUP,
  jobName: name,
  jobClassName: FAULT_JOB_CLASS,
});

beforeAll(async () => {
  cluster = await FaultCluster.start({ managers: 2, workers: 2 });
  await cluster.persist([...TICKS, ...LONG, SLOW_LOST, CUT_OFF]);
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
}, 90_000);

/** The checker's verdict on a window, logged, with the violations as the assertion's subject. */
async function expectWindowHolds(
  name: string,
  window: CheckWindow,
  recoveryBoundMs: number,
): Promise<CheckReport> {
  const report = await faultCluster().settledCheck(window, SETTLE_MS);
  console.info(describeReport(name, report));
  expect(report.violations).toEqual([]);
  expect(report.occurrences).toBeGreaterThan(0);
  expect(report.recoveryMs).not.toBeNull();
  expect(report.recoveryMs ?? Infinity).toBeLessThanOrEqual(recoveryBoundMs);
  return report;
}

/** Waits until run `runId` is RUNNING on an instance, and answers it. */
function dispatched(key: JobKey, runId: number): Promise<JobTrace> {
  const c = faultCluster();
  return waitFor(
    `run ${runId} dispatched to an instance`,
    async () => {
      const run = (await jobTraces(c.stack, c.adminUrl, key)).find((t) => t.traceId === runId);
      return run?.runningState === RunningState.RUNNING && run.instanceId !== null ? run : undefined;
    },
    15_000,
    100,
  );
}

/** POSTs a run report to a manager's worker API, signed as the SDK does. */
async function postReport(
  runId: number,
  report: RunReport,
): Promise<{ status: number; body: ApiSuccess<{ accepted: boolean }> }> {
  const c = faultCluster();
  const body = JSON.stringify(report);
  const path = ManagerRoutes.report(runId);
  const target = {
    direction: SignatureDirection.WORKER_TO_MANAGER,
    method: 'POST',
    path,
    recipient: MANAGER_RECIPIENT,
  };
  const response = await fetch(c.adminUrl + path, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [ProtocolHeader.PROTOCOL]: String(PROTOCOL_VERSION),
      ...signRequest(c.stack.secret, target, body),
    },
    body,
  });
  return { status: response.status, body: (await response.json()) as ApiSuccess<{ accepted: boolean }> };
}

it('a worker SIGKILLed mid-run: its runs fail "worker lost" within the loss window and are retried elsewhere; a late report is kept aside', async () => {
  const c = faultCluster();
  const key = keyOf(SLOW_LOST.name);
  const from = Date.now() + 1_000;
  const firstId = await triggerJob(c.stack, c.adminUrl, key);
  const running = await dispatched(key, firstId);
  const instanceA = running.instanceId ?? '';
  const victim = c.workerAt(running.address);
  const survivor = c.workers.find((w) => w !== victim);
  if (!survivor) throw new Error('no second worker');
  await sleep(2_000); // well into its 10 s of work

  const killedAt = Date.now();
  expect(await c.killWorker(victim)).toEqual({ code: null, signal: 'SIGKILL' });

  const runs = (): Promise<JobTrace[]> => jobTraces(c.stack, c.adminUrl, key);
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
  console.info(`worker kill: attempt 0 ended FAILED ${(failedAfterMs / 1000).toFixed(1)} s after the kill`);
  // Not before 2 missed beats (the last beat may be up to one interval before the kill).
  expect(failedAfterMs).toBeGreaterThanOrEqual(2 * FAULT_HEARTBEAT_MS);
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
  expect(retry.instanceId).toBe(survivor.instanceId);
  expect(retry.address).toBe(survivor.url);
  expect(JSON.parse(retry.result ?? 'null')).toEqual({ workedMs: SLOW_LOST.ms });
  const rows = await queryDatabase<{ run_id: number | string; attempt: number; running_state: number }>(
    c.stack.mysqlUrl,
    `SELECT r.run_id, r.attempt, r.running_state FROM chac_job_run r JOIN chac_job_detail d ON d.job_id = r.job_id
      WHERE d.job_name = ? ORDER BY r.attempt`,
    [SLOW_LOST.name],
  );
  expect(rows.map((r) => [Number(r.run_id), r.attempt, r.running_state])).toEqual([
    [firstId, 0, RunningState.FAILED],
    [retry.traceId, 1, RunningState.COMPLETED],
  ]);
  // Each attempt started its handler once, the first on the victim, the retry on the survivor.
  const starts = c.ledger().filter((e) => e.event === 'start' && e.jobName === SLOW_LOST.name);
  expect(starts.map((s) => [s.attempt, s.instanceId]).sort()).toEqual([
    [0, instanceA],
    [1, survivor.instanceId],
  ]);

  // The lost instance reports attempt 0 after all (as if it had come back): refused, kept aside.
  const finishedAt = new Date();
  const answer = await postReport(firstId, {
    instanceId: instanceA,
    runningState: RunningState.COMPLETED,
    result: { workedMs: SLOW_LOST.ms },
    startedAt: running.executionTime ?? new Date(killedAt).toISOString(),
    finishedAt: finishedAt.toISOString(),
  });
  expect(answer.status).toBe(200);
  expect(answer.body.data).toEqual({ accepted: false });
  const after = await runs();
  const firstAfter = after.find((t) => t.traceId === firstId);
  expect(firstAfter?.runningState).toBe(RunningState.FAILED);
  expect(firstAfter?.reason).toBe(first.reason);
  expect(firstAfter?.completionTime).toBe(first.completionTime);
  expect(firstAfter?.result).toBeNull();
  expect(after.find((t) => t.traceId === retry.traceId)?.lateReport).toBeNull();
  expect(after.filter((t) => t.runningState === RunningState.RUNNING)).toEqual([]);
  expect(JSON.parse(firstAfter?.lateReport ?? 'null')).toMatchObject({
    instanceId: instanceA,
    runningState: RunningState.COMPLETED,
    finishedAt: finishedAt.toISOString(),
  });

  // The schedules: every occurrence around the kill ended once; the ticks on the victim
  // were lost with it (FAILED, no retries), the long jobs' runs retried.
  const to = Date.now() - 2_000;
  await expectWindowHolds('worker kill', { from, to, faultAt: killedAt }, LOST_WITHIN_MS);
  await c.startWorker();
}, 120_000);

it('a manager SIGKILLed while another runs: its fires come back to the other, nothing runs twice', async () => {
  const c = faultCluster();
  const from = Date.now() + 1_000;
  await sleep(3_000);
  const [victim] = c.managers;
  if (!victim) throw new Error('no manager');
  const stalledBefore = await c.stalledFires();
  // Killed in the middle of handling fires: stopped while it holds some, then killed.
  const held = await c.freezeHoldingFires(victim, 20_000);
  const killedAt = Date.now();
  victim.handle.child.kill('SIGKILL');
  expect(await victim.handle.waitForExit(5_000)).toEqual({ code: null, signal: 'SIGKILL' });
  c.thaw(victim); // no longer frozen: gone

  await sleep(FIRES_BACK_WITHIN_MS + 3_000);
  const to = Date.now() - 2_000;
  await expectWindowHolds('manager kill', { from, to, faultAt: killedAt }, FIRES_BACK_WITHIN_MS);
  console.info(
    `manager kill: killed holding ${held} fire(s); ${(await c.stalledFires()) - stalledBefore} fires taken back`,
  );
  await c.replaceManager(victim);
}, 120_000);

it('a manager frozen (SIGSTOP) for 30 s while another runs: no double fire and nothing corrupted when it wakes', async () => {
  const c = faultCluster();
  const from = Date.now() + 1_000;
  await sleep(3_000);
  const [victim] = c.managers;
  if (!victim) throw new Error('no manager');
  const stalledBefore = await c.stalledFires();
  // Frozen in the middle of handling fires, so that their locks expire while it sleeps.
  const held = await c.freezeHoldingFires(victim, 20_000);
  const frozenAt = Date.now();
  await sleep(FREEZE_MS);
  c.thaw(victim);
  const resumedAt = Date.now();

  // It carries on: its health endpoint answers again, and it serves the admin API.
  await waitFor(
    'the resumed manager to answer /health',
    async () => ((await fetch(`${victim.url}/health`)).status === 200 ? true : undefined),
    10_000,
  );
  await sleep(10_000);
  const to = Date.now() - 2_000;
  // The recovery bound runs from the freeze; the occurrences after the wake must all be
  // normal too, or the recovery would be later than 30 s.
  const report = await expectWindowHolds(
    'manager freeze',
    { from, to, faultAt: frozenAt },
    FIRES_BACK_WITHIN_MS,
  );
  console.info(
    `manager freeze: frozen holding ${held} fire(s), resumed ${((resumedAt - frozenAt) / 1000).toFixed(1)} s later; ` +
      `${(await c.stalledFires()) - stalledBefore} fires held by the frozen manager were taken back`,
  );
  expect(report.handlerStarts).toBeGreaterThan(0);
}, 120_000);

it('the network between a worker and the managers cut, then restored: its run is given up and retried elsewhere; its late report is kept aside', async () => {
  const c = faultCluster();
  const key = keyOf(CUT_OFF.name);
  const from = Date.now() + 1_000;
  const firstId = await triggerJob(c.stack, c.adminUrl, key);
  const running = await dispatched(key, firstId);
  const cutOff = c.workerAt(running.address);
  const other = c.workers.find((w) => w !== cutOff);
  if (!other) throw new Error('no second worker');
  await sleep(500);

  const cutAt = Date.now();
  cutOff.outbound.cut();
  cutOff.inbound.cut();
  const runs = (): Promise<JobTrace[]> => jobTraces(c.stack, c.adminUrl, key);
  const first = await waitFor(
    `run ${firstId} to be given up`,
    async () => (await runs()).find((t) => t.traceId === firstId && t.runningState !== RunningState.RUNNING),
    LOST_WITHIN_MS + 10_000,
    250,
  );
  expect(first.runningState).toBe(RunningState.FAILED);
  expect(first.reason).toMatch(/^worker lost/);
  expect(Date.parse(first.completionTime ?? '') - cutAt).toBeLessThanOrEqual(LOST_WITHIN_MS);
  const retry = await waitFor(
    'the retry of the cut-off run to complete',
    async () =>
      (await runs()).find((t) => t.firstTraceId === firstId && t.runningState !== RunningState.RUNNING),
    30_000,
    250,
  );
  expect([retry.attempt, retry.runningState, retry.instanceId]).toEqual([
    1,
    RunningState.COMPLETED,
    other.instanceId,
  ]);
  // Behind the partition the handler went on and ended, with no manager to tell.
  const ended = await waitFor(
    'the cut-off handler to end',
    () => Promise.resolve(c.ledger().find((e) => e.event === 'end' && e.runId === firstId)),
    15_000,
  );
  expect(ended.outcome).toBe('completed');

  cutOff.outbound.restore();
  cutOff.inbound.restore();
  const restoredAt = Date.now();
  // The report the worker kept retrying arrives: kept aside, the outcome unchanged.
  const late = await waitFor(
    `the late report of run ${firstId}`,
    async () => (await runs()).find((t) => t.traceId === firstId && t.lateReport !== null),
    15_000,
    250,
  );
  expect(JSON.parse(late.lateReport ?? 'null')).toMatchObject({
    instanceId: cutOff.instanceId,
    runningState: RunningState.COMPLETED,
  });
  expect([late.runningState, late.reason, late.completionTime, late.result]).toEqual([
    RunningState.FAILED,
    first.reason,
    first.completionTime,
    null,
  ]);
  // The worker is back: it beats again and gets runs.
  await waitFor(
    'a run started on the reconnected worker',
    () =>
      Promise.resolve(
        c
          .ledger()
          .find((e) => e.event === 'start' && e.instanceId === cutOff.instanceId && e.at > restoredAt),
      ),
    15_000,
    250,
  );
  const to = Date.now() - 2_000;
  await expectWindowHolds('partition', { from, to, faultAt: cutAt }, LOST_WITHIN_MS);
}, 120_000);
