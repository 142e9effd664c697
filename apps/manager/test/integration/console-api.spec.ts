import {
  ChaconneApiError,
  type JobLogTailEvent,
  JobManager,
  RunningState,
  XcronClient,
  XcronType,
} from '@chaconne/client';
import { waitFor } from '@chaconne/testing';
import { createWorker, type ChaconneHttpWorker } from '@chaconne/worker/http';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { LogTailService } from '../../src/modules/run/log-tail.service';
import {
  adminPost,
  closeAndCleanUp,
  registration,
  signedPost,
  startManagerApp,
  testConfig,
} from '../support/test-env';

/**
 * The console's API against a real manager (MySQL, Redis, HTTP) and a real worker SDK
 * instance, through @chaconne/client: a run in full, runs of every job, cancelling a run in
 * flight, the live log tail (server-sent events), the worker overview, xcron's task list and
 * the job list by next fire time.
 */
jest.setTimeout(60_000);

const HEARTBEAT_MS = 300;
const config = testConfig({
  CHACONNE_HEARTBEAT_INTERVAL_MS: String(HEARTBEAT_MS),
  CHACONNE_LOG_TAIL_LIMIT: '2',
});
const SLOW = { clusterName: 'console', groupName: 'api', jobName: 'slow', jobClassName: 'SlowJob' };

/** What a running SlowJob handler lets the test do: log a line, finish; and whether it was aborted. */
interface RunControl {
  log: (message: string) => void;
  finish: () => void;
  abortReason?: string;
}
const controls = new Map<number, RunControl>();

let app: NestFastifyApplication;
let baseUrl: string;
let dataSource: DataSource;
let worker: ChaconneHttpWorker;
let server: Server;
let jobs: JobManager;

beforeAll(async () => {
  ({ app, baseUrl } = await startManagerApp(config));
  dataSource = app.get(DataSource);
  jobs = new JobManager({ baseUrl, token: config.adminToken ?? '' });
  const persisted = await adminPost(baseUrl, config, '/job/admin/persistJob', {
    jobKey: SLOW,
    retries: 2,
    // Several runs at once: the tests run one while another is still open.
    overlapPolicy: 'ALLOW',
    trigger: { triggerType: 0 },
  });
  if (persisted.status !== 200) throw new Error(`SlowJob not created: ${persisted.body.msg}`);
  server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  worker = createWorker({
    managerUrl: baseUrl,
    secret: config.secret,
    clusterName: SLOW.clusterName,
    groupName: SLOW.groupName,
    instanceId: 'console-sdk-1',
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    labels: { zone: 'eu-1' },
    logger: { log: () => undefined, warn: () => undefined, error: () => undefined },
  });
  // Runs until the test finishes it, or until its signal aborts (cancelRun).
  worker.addDynamicJob(
    'SlowJob',
    async (ctx) => {
      ctx.log.info('started');
      await new Promise<void>((resolve, reject) => {
        const control: RunControl = {
          log: (message) => {
            ctx.log.info(message);
          },
          finish: resolve,
        };
        controls.set(ctx.runId, control);
        ctx.signal.addEventListener(
          'abort',
          () => {
            control.abortReason = String(ctx.signal.reason);
            reject(new Error(`aborted: ${String(ctx.signal.reason)}`));
          },
          { once: true },
        );
      });
      ctx.log.info('finished');
      return 'done';
    },
    { concurrency: 3 },
  );
  worker.attach(server);
  await worker.ready;
});

afterAll(async () => {
  for (const control of controls.values()) control.finish();
  const worksServer = {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
  // The worker before the server it is attached to, the manager last.
  await closeAndCleanUp(config, worker, worksServer, app);
});

/** Waits (10 s at most) until `check` answers a value. */
function until<T>(what: string, check: () => T | undefined): Promise<T> {
  return waitFor(what, () => Promise.resolve(check()), 10_000, 50);
}

async function startRun(): Promise<{ runId: number; control: RunControl }> {
  const res = await adminPost<number>(baseUrl, config, '/job/admin/triggerJob', { jobKey: SLOW });
  if (res.status !== 200) throw new Error(`triggerJob: ${res.status} ${res.body.msg}`);
  const runId = res.body.data;
  const control = await until(`run ${runId} to start on the worker`, () => controls.get(runId));
  return { runId, control };
}

/** Every event of a tail, in the background; `done` settles when the iterator ends. */
function follow(
  manager: JobManager,
  runId: number,
  signal?: AbortSignal,
): { events: JobLogTailEvent[]; done: Promise<void> } {
  const events: JobLogTailEvent[] = [];
  const done = (async () => {
    for await (const event of manager.tailJobLog(runId, signal ? { signal } : {})) events.push(event);
  })();
  return { events, done };
}

const lines = (events: JobLogTailEvent[]): string[] =>
  events.flatMap((e) => (e.type === 'log' ? [e.log.log] : [`end ${e.runningState}`]));

async function refusalOf(call: Promise<unknown>): Promise<ChaconneApiError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ChaconneApiError))
    throw new Error(`expected a ChaconneApiError, got ${String(error)}`);
  return error;
}

describe('tailJobLog: the log lines of a run as server-sent events', () => {
  it('sends the stored lines, then each new one live, then end with the outcome, and closes', async () => {
    const { runId, control } = await startRun();
    const tail = follow(jobs, runId);
    await until('the stored line', () => (lines(tail.events).includes('started') ? true : undefined));
    control.log('second line');
    await until('the live line', () => (lines(tail.events).includes('second line') ? true : undefined));
    // The run is still in flight: no end yet.
    expect(tail.events.some((e) => e.type === 'end')).toBe(false);
    control.finish();
    await tail.done;
    expect(lines(tail.events)).toEqual([
      'started',
      'second line',
      'finished',
      `end ${RunningState.COMPLETED}`,
    ]);
    const first = tail.events[0];
    expect(first?.type === 'log' && first.log).toMatchObject({
      traceId: runId,
      level: expect.any(Number) as unknown,
    });

    // A run that already ended: its lines and end at once.
    const again = follow(jobs, runId);
    await again.done;
    expect(lines(again.events)).toEqual(lines(tail.events));
  });

  it('resumes after Last-Event-ID, with text/event-stream and event ids', async () => {
    const { runId, control } = await startRun();
    control.finish();
    await waitFor(
      'the run to complete',
      async () =>
        (await jobs.getJobTraceDetail(runId)).runningState === RunningState.COMPLETED ? true : undefined,
      10_000,
      50,
    );
    const headers = { authorization: `Bearer ${config.adminToken ?? ''}` };
    const full = await fetch(`${baseUrl}/job/admin/tailJobLog?traceId=${runId}`, { headers });
    expect(full.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(full.headers.get('x-content-type-options')).toBe('nosniff');
    const text = await full.text();
    const ids = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => m[1]);
    expect(ids).toHaveLength(2);
    const resumed = await fetch(`${baseUrl}/job/admin/tailJobLog?traceId=${runId}`, {
      headers: { ...headers, 'last-event-id': ids[0] ?? '' },
    });
    const rest = await resumed.text();
    expect(rest).not.toContain('"log":"started"');
    expect(rest).toContain('"log":"finished"');
    expect(rest).toMatch(/event: end\ndata: \{"runningState":1,"reason":null\}\n\n$/);
  });

  it('answers JSON errors before streaming: 401 without a token, 404 for an unknown run, 400 naming bad fields', async () => {
    const anonymous = new JobManager({ baseUrl });
    const unauthorized = await refusalOf(follow(anonymous, 1).done);
    expect([unauthorized.status, unauthorized.code]).toEqual([401, 'UNAUTHORIZED']);
    const unknown = await refusalOf(follow(jobs, 987_654_321).done);
    expect([unknown.status, unknown.code]).toEqual([404, 'RUN_NOT_FOUND']);
    const bad = await fetch(`${baseUrl}/job/admin/tailJobLog?traceId=abc&follow=1`, {
      headers: { authorization: `Bearer ${config.adminToken ?? ''}`, 'last-event-id': 'x' },
    });
    const body = (await bad.json()) as { code: string; errors: { field: string }[] };
    expect([bad.status, body.code, body.errors.map((e) => e.field).sort()]).toEqual([
      400,
      'VALIDATION_FAILED',
      ['follow', 'traceId'],
    ]);
    const badHeader = await fetch(`${baseUrl}/job/admin/tailJobLog?traceId=1`, {
      headers: { authorization: `Bearer ${config.adminToken ?? ''}`, 'last-event-id': 'x' },
    });
    expect([badHeader.status, ((await badHeader.json()) as { errors: { field: string }[] }).errors]).toEqual([
      400,
      [{ field: 'Last-Event-ID', reason: 'must be the id of a log line (digits)' }],
    ]);
  });

  it('stops polling when the client goes away, and refuses tails above the limit with 429', async () => {
    const tails = app.get(LogTailService);
    const { runId, control } = await startRun();
    const first = new AbortController();
    const second = new AbortController();
    const a = follow(jobs, runId, first.signal);
    const b = follow(jobs, runId, second.signal);
    await until('two open tails', () => (tails.openTails === 2 ? true : undefined));
    const third = await refusalOf(follow(jobs, runId).done);
    expect([third.status, third.code, third.details]).toEqual([429, 'RATE_LIMITED', { limit: 2 }]);
    first.abort();
    await a.done;
    await until('the aborted tail to stop', () => (tails.openTails === 1 ? true : undefined));
    second.abort();
    await b.done;
    await until('every tail to stop', () => (tails.openTails === 0 ? true : undefined));
    control.finish();
  });

  it('ends every open stream when the manager shuts down (before its HTTP server closes)', async () => {
    const tails = app.get(LogTailService);
    const { runId, control } = await startRun();
    const tail = follow(jobs, runId);
    await until('the tail to open', () => (tails.openTails === 1 ? true : undefined));
    await tails.beforeApplicationShutdown();
    // The stream ended without an `end` event: the client's iterator simply returns.
    await tail.done;
    expect([tails.openTails, tail.events.some((e) => e.type === 'end')]).toEqual([0, false]);
    control.finish();
  });
});

describe('cancelRun: an operator stops a run in flight', () => {
  it('tells the worker (the handler sees its signal abort), records FAILED with the reason, and does not retry', async () => {
    const { runId, control } = await startRun();
    expect(await jobs.cancelRun(runId, 'stuck on a lock')).toBe(RunningState.FAILED);
    const reason = 'cancelled by an operator (token bootstrap): stuck on a lock';
    await until('the handler to see the abort', () => control.abortReason);
    expect(control.abortReason).toContain(reason);
    const detail = await jobs.getJobTraceDetail(runId);
    expect(detail).toMatchObject({
      traceId: runId,
      runningState: RunningState.FAILED,
      reason,
      jobRetries: 2,
      attempt: 0,
    });
    // The job allows 2 retries: none was made, and the failure does not count toward terminating the job.
    const retries = await dataSource.query<{ n: string | number }[]>(
      'SELECT COUNT(*) AS n FROM chac_job_run WHERE first_run_id = ?',
      [runId],
    );
    expect(Number(retries[0]?.n)).toBe(0);
    const runtime = await jobs.getJobRuntimeDetail(SLOW);
    expect(runtime.consecutiveFailures).toBe(0);
    // Counted as failed in the statistics.
    const stats = await jobs.selectJobStat({ clusterName: SLOW.clusterName });
    expect(stats.failedCount).toBeGreaterThanOrEqual(1);

    const again = await refusalOf(jobs.cancelRun(runId));
    expect([again.status, again.code, again.details]).toEqual([
      409,
      'RUN_FINISHED',
      { runningState: RunningState.FAILED },
    ]);
    const unknown = await refusalOf(jobs.cancelRun(987_654_321));
    expect([unknown.status, unknown.code]).toEqual([404, 'RUN_NOT_FOUND']);
  });
});

describe('getJobTraceDetail and selectRuns', () => {
  it('answers one run with every timing and its job key; 404 for an unknown run', async () => {
    const { runId, control } = await startRun();
    control.finish();
    const detail = await waitFor(
      'the run to complete',
      async () => {
        const d = await jobs.getJobTraceDetail(runId);
        return d.runningState === RunningState.COMPLETED ? d : undefined;
      },
      10_000,
      50,
    );
    expect(detail).toMatchObject({
      traceId: runId,
      jobKey: SLOW,
      jobRetries: 2,
      timeout: -1,
      deadlineTime: null,
      errorMessage: null,
      instanceId: 'console-sdk-1',
      result: '"done"',
    });
    expect(Date.parse(detail.createdTime)).toBeLessThanOrEqual(Date.parse(detail.dispatchedTime ?? ''));
    expect(detail.latenessMs).toBe(Date.parse(detail.executionTime ?? '') - Date.parse(detail.plannedTime));
    const unknown = await refusalOf(jobs.getJobTraceDetail(987_654_321));
    expect([unknown.status, unknown.code]).toEqual([404, 'RUN_NOT_FOUND']);
  });

  it('lists runs of every job newest first, with their job keys, filtered by cluster, outcome and dates', async () => {
    const all = await jobs.selectRuns({ clusterName: SLOW.clusterName, size: 1000 });
    const stored = await dataSource.query<{ run_id: string | number }[]>(
      'SELECT run_id FROM chac_job_run ORDER BY planned_at DESC, run_id DESC',
    );
    expect(all.content.map((r) => r.traceId)).toEqual(stored.map((r) => Number(r.run_id)));
    expect(all.rows).toBe(stored.length);
    expect(all.content.every((r) => r.jobKey.jobName === SLOW.jobName)).toBe(true);

    const failed = await jobs.selectRuns({ runningState: RunningState.FAILED });
    expect(failed.content.length).toBeGreaterThanOrEqual(1);
    expect(failed.content.every((r) => r.runningState === RunningState.FAILED)).toBe(true);

    const paged = await jobs.selectRuns({ size: 2, page: 1 });
    expect(paged.nextPage).toBe(2);
    const second = await jobs.selectRuns({ size: 2, page: 2 });
    expect(second.content.map((r) => r.traceId)).toEqual(all.content.slice(2, 4).map((r) => r.traceId));

    const none = await jobs.selectRuns({ clusterName: 'no-such-cluster' });
    expect([none.rows, none.content, none.nextPage]).toEqual([0, [], null]);
    const future = await jobs.selectRuns({ startDate: Date.now() + 86_400_000 });
    expect(future.rows).toBe(0);
  });
});

describe('selectWorkers', () => {
  it('lists the live SDK instance with its heartbeat numbers, and instances lost or deregistered in the last hour', async () => {
    const ghost = registration('ghost-1', { clusterName: 'console', groupName: 'ghosts' });
    const leaver = registration('leaver-1', { clusterName: 'console', groupName: 'ghosts' });
    for (const body of [ghost, leaver])
      expect((await signedPost(baseUrl, config.secret, '/worker/register', body)).status).toBe(200);
    expect(
      (await signedPost(baseUrl, config.secret, '/worker/deregister', { instanceId: 'leaver-1' })).status,
    ).toBe(200);
    // The SDK instance runs one run while it beats: its heartbeat says so.
    const { control } = await startRun();
    const overview = await waitFor(
      'a heartbeat with a run in flight, and the ghost lost',
      async () => {
        const o = await jobs.selectWorkers({ clusterName: 'console' });
        const sdk = o.live.find((w) => w.instanceId === 'console-sdk-1');
        return sdk?.activeRuns === 1 && o.lost.some((w) => w.instanceId === 'ghost-1') ? o : undefined;
      },
      10_000,
      100,
    );
    control.finish();
    const sdk = overview.live.find((w) => w.instanceId === 'console-sdk-1');
    expect(sdk).toMatchObject({
      clusterName: 'console',
      groupName: 'api',
      labels: { zone: 'eu-1' },
      jobs: ['SlowJob'],
      capacity: 3,
      draining: false,
      protocolVersion: 2,
    });
    expect(sdk?.heartbeatAgeMs).toBeLessThan(10 * HEARTBEAT_MS);
    expect(overview.live.map((w) => w.instanceId)).toEqual(['console-sdk-1']);
    expect(overview.lost.map((w) => [w.instanceId, w.reason]).sort()).toEqual([
      ['ghost-1', 'heartbeat-lost'],
      ['leaver-1', 'deregistered'],
    ]);
    const ghosts = await jobs.selectWorkers({ clusterName: 'console', groupName: 'api' });
    expect([ghosts.live.length, ghosts.lost]).toEqual([1, []]);
    expect(await jobs.selectWorkers({ clusterName: 'elsewhere' })).toEqual({ live: [], lost: [] });
  });
});

describe('xcron listTasks', () => {
  it('lists tasks newest first, without deleted ones unless asked, paged', async () => {
    const xcron = new XcronClient({ baseUrl, token: config.adminToken ?? '' });
    const inAnHour = String(Math.floor(Date.now() / 1000) + 3600);
    const callback = { url: 'http://192.0.2.10:8810/hook', body: {} };
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await xcron.createTask({ type: XcronType.ONE_SHOT, format: inAnHour, callback })).taskId);
    await xcron.deleteTask(ids[0] ?? '');
    const live = await xcron.listTasks();
    expect(live.content.map((t) => t.task_id)).toEqual([ids[2], ids[1]]);
    expect([live.rows, live.size, live.nextPage]).toEqual([2, 20, null]);
    expect(live.content[0]).toEqual(await xcron.queryTask(ids[2] ?? ''));
    const every = await xcron.listTasks({ includeDeleted: true, size: 2 });
    expect([every.rows, every.nextPage, every.content.map((t) => t.task_id)]).toEqual([
      3,
      2,
      [ids[2], ids[1]],
    ]);
    const last = await xcron.listTasks({ includeDeleted: true, size: 2, page: 2 });
    expect(last.content.map((t) => [t.task_id, t.deleted])).toEqual([[ids[0], true]]);
  });
});

describe('selectJobDetail by next fire time', () => {
  it('filters by [nextFireFrom, nextFireTo) and sorts by the next fire time', async () => {
    const base = Math.ceil((Date.now() + 86_400_000) / 1000) * 1000;
    const hour = 3_600_000;
    for (const [name, offset] of [
      ['late', 3],
      ['early', 1],
      ['middle', 2],
    ] as const) {
      const res = await adminPost(baseUrl, config, '/job/admin/persistJob', {
        jobKey: { clusterName: 'next-fire', groupName: 'g', jobName: name, jobClassName: 'EtlJob' },
        trigger: {
          triggerType: 1,
          triggerDescription: { cron: { expression: '0 0 * * * ?' } },
          startDate: base + offset * hour - 1000,
          timeZone: 'UTC',
        },
      });
      expect(res.status).toBe(200);
    }
    const sorted = await jobs.selectJobDetail({
      clusterName: 'next-fire',
      sort: 'nextFireTime',
      order: 'asc',
    });
    expect(sorted.content.map((j) => j.jobKey.jobName)).toEqual(['early', 'middle', 'late']);
    const times = sorted.content.map((j) => Date.parse(j.jobRuntime.nextExecutionTime ?? ''));
    const window = await jobs.selectJobDetail({
      clusterName: 'next-fire',
      nextFireFrom: new Date(times[1] ?? 0),
      nextFireTo: new Date(times[2] ?? 0),
    });
    expect(window.content.map((j) => j.jobKey.jobName)).toEqual(['middle']);
    const desc = await jobs.selectJobDetail({ nextFireFrom: new Date(times[0] ?? 0), sort: 'nextFireTime' });
    expect(desc.content.map((j) => j.jobKey.jobName)).toEqual(['late', 'middle', 'early']);
  });
});
