import { type RunRequest, RunningState, WorkerRoutes } from '@chaconne/contracts';
import { chaconneBody, queryDatabase, waitFor } from '@chaconne/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  adminPost,
  closeAndCleanUp,
  registration,
  signedPost,
  startManagerApp,
  testConfig,
} from '../support/test-env';

/**
 * Runs sent ahead (README, "On time"): what the manager sends and when, the cancels it sends
 * when a job is paused, deleted or re-planned before a run starts, and a run every instance
 * refuses at its concurrency limit waiting for capacity. The worker is a stub that records
 * what it receives (it starts nothing, so the runs it takes stay RUNNING).
 */
const LEAD_MS = 1_500;
const CAPACITY_WAIT_MS = 2_500;
const config = testConfig({
  CHACONNE_HEARTBEAT_INTERVAL_MS: '1000',
  CHACONNE_DISPATCH_LEAD_MS: String(LEAD_MS),
  CHACONNE_CAPACITY_WAIT_MS: String(CAPACITY_WAIT_MS),
});
const INSTANCE = 'ahead-1';
let app: NestFastifyApplication;
let baseUrl: string;

interface Received {
  run: RunRequest;
  receivedAt: number;
}

/** A worker endpoint: records run requests and cancels; answers runs 202, or 429 while `busy`. */
class StubWorker {
  readonly runs: Received[] = [];
  readonly cancels: { runId: number; reason: string }[] = [];
  busy = false;
  url = '';
  private readonly server: Server = createServer((request, response) => {
    void this.serve(request).then(({ status, body }) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    });
  });

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  runsOf(jobId: number): Received[] {
    return this.runs.filter((r) => r.run.jobId === jobId);
  }

  private async serve(request: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const receivedAt = Date.now();
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as
      RunRequest | { runs: RunRequest[] } | { reason: string };
    const cancel = /^\/chaconne\/runs\/(\d+)\/cancel$/.exec(request.url ?? '');
    if (cancel && 'reason' in body) {
      this.cancels.push({ runId: Number(cancel[1]), reason: body.reason });
      return { status: 202, body: { cancelled: true } };
    }
    const runs = 'runs' in body ? body.runs : 'runId' in body ? [body] : [];
    const answer = this.busy
      ? { status: 429, answer: { success: false, msg: 'at its limit', code: 'RATE_LIMITED', data: null } }
      : { status: 202, answer: { accepted: true, duplicate: false } };
    for (const run of runs) this.runs.push({ run, receivedAt });
    if (request.url === WorkerRoutes.runBatch) {
      return { status: 200, body: { results: runs.map((r) => ({ runId: r.runId, ...answer })) } };
    }
    return { status: answer.status, body: answer.answer };
  }
}

const worker = new StubWorker();
let beats: NodeJS.Timeout | undefined;

interface RunRow {
  run_id: number;
  planned_at: Date;
  running_state: number;
  reason: string | null;
  dispatched_at: Date | null;
  deadline_at: Date | null;
  instance_id: string | null;
}

const runRows = (jobId: number): Promise<RunRow[]> =>
  queryDatabase<RunRow>(
    config.mysqlUrl,
    `SELECT run_id, planned_at, running_state, reason, dispatched_at, deadline_at, instance_id
       FROM chac_job_run WHERE job_id = ? ORDER BY run_id`,
    [jobId],
  );

beforeAll(async () => {
  await worker.start();
  ({ app, baseUrl } = await startManagerApp(config));
  const registered = await signedPost(baseUrl, config.secret, '/worker/register', {
    ...registration(INSTANCE),
    baseUrl: worker.url,
  });
  if (registered.status !== 200) throw new Error(`registration answered ${registered.status}`);
  beats = setInterval(() => {
    void signedPost(baseUrl, config.secret, '/worker/heartbeat', {
      instanceId: INSTANCE,
      activeRuns: 0,
      draining: false,
    });
  }, 500);
});

afterAll(async () => {
  clearInterval(beats);
  await closeAndCleanUp(config, app, worker);
});

let jobCount = 0;
/** An every-second job (runs may overlap: the stub never ends them) with a timeout; answers its id. */
async function everySecondJob(timeout = -1): Promise<{ jobId: number; jobName: string }> {
  const jobName = `ahead-${++jobCount}`;
  const persisted = await adminPost<number>(baseUrl, config, '/job/admin/persistJob', {
    ...chaconneBody(jobName, 'EtlJob', '* * * * * ?'),
    timeout,
    overlapPolicy: 'ALLOW',
  });
  expect(persisted.status).toBe(200);
  return { jobId: persisted.body.data, jobName };
}

const jobKeyOf = (jobName: string) => chaconneBody(jobName).jobKey;

/** Waits for a run of the job received ahead of its start by at least `marginMs`; answers it. */
function runSentAhead(jobId: number, marginMs = 300): Promise<Received> {
  return waitFor(
    `a run of job ${jobId} sent at least ${marginMs} ms ahead of its start`,
    () =>
      Promise.resolve(worker.runsOf(jobId).find((r) => Date.parse(r.run.plannedAt) - Date.now() > marginMs)),
    10_000,
  );
}

it('sends scheduled runs ahead with the time left to their occurrence, and counts their timeout from it', async () => {
  const { jobId, jobName } = await everySecondJob(4_000);
  await runSentAhead(jobId);
  expect((await adminPost(baseUrl, config, '/job/admin/pauseJob', jobKeyOf(jobName))).status).toBe(200);
  const received = worker.runsOf(jobId);
  for (const { run, receivedAt } of received) {
    const plannedAt = Date.parse(run.plannedAt);
    const startInMs = run.startInMs ?? 0;
    // Measured before the request left: the start the worker computes is never before the occurrence.
    expect(receivedAt + startInMs).toBeGreaterThanOrEqual(plannedAt - 1);
    expect(startInMs).toBeLessThanOrEqual(LEAD_MS);
  }
  expect(received.some(({ run }) => (run.startInMs ?? 0) > 0)).toBe(true);
  const rows = await runRows(jobId);
  for (const row of rows.filter(
    (r) => r.dispatched_at !== null && r.running_state === RunningState.RUNNING,
  )) {
    // Timeout 4 s from the start (the occurrence), plus the manager's 1 s grace.
    expect(row.deadline_at?.getTime()).toBeGreaterThanOrEqual(row.planned_at.getTime() + 5_000);
  }
});

it('applies the overlap policy at the occurrence, not when it is handled ahead: a SKIP is decided at its time', async () => {
  const jobName = `ahead-${++jobCount}`;
  const persisted = await adminPost<number>(baseUrl, config, '/job/admin/persistJob', {
    ...chaconneBody(jobName, 'EtlJob', '* * * * * ?'),
    overlapPolicy: 'SKIP',
  });
  expect(persisted.status).toBe(200);
  const jobId = persisted.body.data;
  // The stub never ends its runs: the first one holds the job, and the next ones are skipped.
  const skipped = await waitFor(
    'an occurrence skipped for overlap',
    async () =>
      (
        await queryDatabase<{ planned_at: Date; finished_at: Date; reason: string }>(
          config.mysqlUrl,
          'SELECT planned_at, finished_at, reason FROM chac_job_run WHERE job_id = ? AND running_state = ?',
          [jobId, RunningState.SKIPPED],
        )
      )[0],
    10_000,
  );
  expect((await adminPost(baseUrl, config, '/job/admin/pauseJob', jobKeyOf(jobName))).status).toBe(200);
  expect(skipped.reason).toMatch(/^overlap: run \d+ is still running$/);
  // Handled up to the lead ahead, but decided once the occurrence had come (the run in flight might have ended).
  expect(skipped.finished_at.getTime()).toBeGreaterThanOrEqual(skipped.planned_at.getTime());
});

it('cancels a run sent ahead when its job is paused before it starts: SKIPPED, and the worker is told', async () => {
  const { jobId, jobName } = await everySecondJob();
  const ahead = await runSentAhead(jobId);
  const paused = await adminPost(baseUrl, config, '/job/admin/pauseJob', jobKeyOf(jobName));
  expect(paused.status).toBe(200);
  const row = (await runRows(jobId)).find((r) => r.run_id === ahead.run.runId);
  expect(row?.running_state).toBe(RunningState.SKIPPED);
  expect(row?.reason).toBe('cancelled before start: job is paused');
  expect(worker.cancels).toContainEqual({ runId: ahead.run.runId, reason: 'job is paused' });
  // Runs whose start had come are left to run.
  const started = (await runRows(jobId)).filter(
    (r) => r.dispatched_at !== null && r.planned_at.getTime() < Date.parse(ahead.run.plannedAt) - 1_000,
  );
  for (const r of started) expect(r.reason ?? '').not.toMatch(/cancelled before start/);
});

it('cancels a run sent ahead when its job is deleted before it starts', async () => {
  const { jobId, jobName } = await everySecondJob();
  const ahead = await runSentAhead(jobId);
  expect((await adminPost(baseUrl, config, '/job/admin/deleteJob', jobKeyOf(jobName))).status).toBe(200);
  const row = (await runRows(jobId)).find((r) => r.run_id === ahead.run.runId);
  expect(row?.running_state).toBe(RunningState.SKIPPED);
  expect(row?.reason).toBe('cancelled before start: job is deleted');
  expect(worker.cancels).toContainEqual({ runId: ahead.run.runId, reason: 'job is deleted' });
});

it('cancels a run sent ahead whose occurrence the new trigger no longer plans', async () => {
  const { jobId, jobName } = await everySecondJob();
  const ahead = await runSentAhead(jobId);
  // Midnight on January 1st only: no occurrence within the lead of this test.
  const replanned = await adminPost(baseUrl, config, '/job/admin/persistJob', {
    ...chaconneBody(jobName, 'EtlJob', '0 0 0 1 1 ?'),
    overlapPolicy: 'ALLOW',
  });
  expect(replanned.status).toBe(200);
  const row = (await runRows(jobId)).find((r) => r.run_id === ahead.run.runId);
  expect(row?.running_state).toBe(RunningState.SKIPPED);
  expect(row?.reason).toBe('cancelled before start: the trigger changed and no longer plans this occurrence');
  expect(worker.cancels.map((c) => c.runId)).toContain(ahead.run.runId);
  expect((await adminPost(baseUrl, config, '/job/admin/deleteJob', jobKeyOf(jobName))).status).toBe(200);
});

describe('capacity', () => {
  afterEach(() => {
    worker.busy = false;
  });

  /** An on-demand job (SIMPLE, no start date) triggered once; answers the run id. */
  async function triggeredRun(): Promise<{ jobId: number; runId: number }> {
    const jobName = `capacity-${++jobCount}`;
    const body = chaconneBody(jobName);
    const persisted = await adminPost<number>(baseUrl, config, '/job/admin/persistJob', {
      ...body,
      trigger: { ...body.trigger, triggerType: 0, triggerDescription: {} },
    });
    expect(persisted.status).toBe(200);
    const triggered = await adminPost<number>(baseUrl, config, '/job/admin/triggerJob', {
      jobKey: body.jobKey,
    });
    expect(triggered.status).toBe(200);
    return { jobId: persisted.body.data, runId: triggered.body.data };
  }

  it('a run refused at the concurrency limit waits, visibly, and is sent once a slot frees', async () => {
    worker.busy = true;
    const { jobId, runId } = await triggeredRun();
    await waitFor(
      'the run to be refused twice',
      () => Promise.resolve(worker.runsOf(jobId).length >= 2 || undefined),
      5_000,
    );
    const waiting = (await runRows(jobId)).find((r) => r.run_id === runId);
    expect(waiting?.running_state).toBe(RunningState.RUNNING);
    expect(waiting?.dispatched_at).toBeNull();
    const logs = await queryDatabase<{ message: string }>(
      config.mysqlUrl,
      'SELECT message FROM chac_job_log WHERE run_id = ?',
      [runId],
    );
    expect(logs.map((l) => l.message)).toEqual([
      `every instance is at the job's concurrency limit: the run waits for a free slot (up to ${CAPACITY_WAIT_MS} ms)`,
    ]);
    worker.busy = false;
    const sent = await waitFor(
      'the waiting run to be taken',
      async () => (await runRows(jobId)).find((r) => r.run_id === runId && r.dispatched_at !== null),
      5_000,
    );
    expect(sent.instance_id).toBe(INSTANCE);
    expect(sent.running_state).toBe(RunningState.RUNNING);
    // One run record; a manual run starts at once (no startInMs).
    expect((await runRows(jobId)).length).toBe(1);
    expect(worker.runsOf(jobId).every((r) => r.run.runId === runId && r.run.startInMs === undefined)).toBe(
      true,
    );
  });

  it('a run still refused when its wait is over ends FAILED with the reason', async () => {
    worker.busy = true;
    const { jobId, runId } = await triggeredRun();
    const ended = await waitFor(
      'the waiting run to fail',
      async () =>
        (await runRows(jobId)).find((r) => r.run_id === runId && r.running_state !== RunningState.RUNNING),
      CAPACITY_WAIT_MS + 5_000,
    );
    expect(ended.running_state).toBe(RunningState.FAILED);
    expect(ended.reason).toMatch(
      new RegExp(
        `^no worker available: dispatch failed on every instance \\(${INSTANCE}: HTTP 429 RATE_LIMITED\\) after waiting \\d+ ms for capacity$`,
      ),
    );
    expect(worker.runsOf(jobId).length).toBeGreaterThanOrEqual(2);
    expect((await runRows(jobId)).length).toBe(1);
  }, 15_000);
});
