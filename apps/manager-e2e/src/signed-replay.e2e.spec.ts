import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ErrorCode,
  ManagerRoutes,
  OverlapPolicy,
  PROTOCOL_VERSION,
  ProtocolHeader,
  RUN_REQUEST_CONTENT_TYPE,
  RunningState,
  WorkerRoutes,
  type JobKey,
} from '@chaconne/contracts';
import { recordingLogger, runRequest, signedHeaders, sleep, waitFor } from '@chaconne/testing';
import { createWorker, type ChaconneHttpWorker } from '@chaconne/worker/http';
import {
  tearDown,
  jobTraces,
  newStack,
  persistOnDemandJob,
  type ProcessHandle,
  startManager,
  triggerJob,
} from './support/processes';

/**
 * Issue 11: every route in both directions refuses a replay of a request that was valid for
 * any other route, recipient or direction.
 *
 * 1. Capture: a real manager process and a real SDK worker (`@chaconne/worker/http`) talk
 *    through two recording proxies, and every route is exercised for real: the worker
 *    registers, beats, ships logs, reports (in a batch and alone) and deregisters; the manager
 *    dispatches runs (alone and in a batch) and cancels one. Each captured request was
 *    accepted (2xx) where it was meant to go.
 * 2. Replay, against fresh receivers (a second manager on its own database and Redis prefix,
 *    started before the capture, and two new workers, `worker-a` again and `worker-b`), so no
 *    nonce was ever seen there:
 *    each captured request, its body and signature headers unchanged (the content type
 *    adapted to the target, as an attacker would), is sent to every other route of both
 *    sides and to the other instance. Every one must be 401 BAD_SIGNATURE.
 * 3. Control: each captured request sent where it was meant to go on the fresh receivers
 *    still passes authentication, so the refusals are due to what the signature binds.
 */
jest.setTimeout(180_000);

const CLUSTER = 'replay';
const GROUP = 'replay';
const INSTANCE = 'worker-a';
const OTHER_INSTANCE = 'worker-b';
const SIGNATURE_HEADERS = [
  ProtocolHeader.PROTOCOL,
  ProtocolHeader.TIMESTAMP,
  ProtocolHeader.NONCE,
  ProtocolHeader.SIGNATURE,
] as const;

interface Captured {
  path: string;
  headers: Record<string, string>;
  raw: Buffer;
  /** What the real receiver answered. */
  status: number;
}

/**
 * A reverse proxy that records every request with the answer of its target. `intercept`
 * may answer in the target's place; `hold` may delay forwarding.
 */
class RecordingProxy {
  readonly captured: Captured[] = [];
  target = '';
  intercept: (path: string) => { status: number; body: unknown } | undefined = () => undefined;
  hold: (path: string) => Promise<void> = () => Promise.resolve();
  private readonly server: Server;
  url = '';

  constructor() {
    this.server = createServer((req, res) => {
      void this.forward(req, res);
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** The first capture of `path` that its receiver accepted. */
  accepted(path: string | RegExp): Captured | undefined {
    return this.captured.find(
      (c) => (typeof path === 'string' ? c.path === path : path.test(c.path)) && c.status < 300,
    );
  }

  private async forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const path = req.url ?? '/';
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name))
        headers[name] = value;
    }
    const intercepted = this.intercept(path);
    if (intercepted) {
      res.writeHead(intercepted.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(intercepted.body));
      return;
    }
    await this.hold(path);
    try {
      const answer = await fetch(this.target + path, { method: req.method ?? 'POST', headers, body: raw });
      const text = await answer.text();
      this.captured.push({ path, headers, raw, status: answer.status });
      res.writeHead(answer.status, {
        'content-type': answer.headers.get('content-type') ?? 'application/json',
      });
      res.end(text);
    } catch {
      res.writeHead(502).end();
    }
  }
}

const stack = newStack();
const freshStack = { ...newStack(), secret: stack.secret };
let manager: { handle: ProcessHandle; url: string };
let freshManager: { handle: ProcessHandle; url: string } | undefined;
const toManager = new RecordingProxy();
const toWorker = new RecordingProxy();
const workers: ChaconneHttpWorker[] = [];

function worker(managerUrl: string, instanceId: string, baseUrl?: string): ChaconneHttpWorker {
  const created = createWorker({
    managerUrl,
    secret: stack.secret,
    clusterName: CLUSTER,
    groupName: GROUP,
    instanceId,
    ...(baseUrl ? { baseUrl } : {}),
    logger: recordingLogger(),
    shutdownGraceMs: 200,
    logShipping: { flushIntervalMs: 10 },
    retryBackoff: { initialMs: 50, maxMs: 200 },
  })
    .addDynamicJob('EchoJob', (ctx) => {
      ctx.log.info('echo {}', ctx.runId);
      return { runId: ctx.runId };
    })
    .addDynamicJob(
      'WaitJob',
      (ctx) =>
        new Promise((resolve) => {
          ctx.signal.addEventListener('abort', () => {
            resolve('stopped');
          });
        }),
    );
  workers.push(created);
  return created;
}

const echoKey: JobKey = { clusterName: CLUSTER, groupName: GROUP, jobName: 'echo', jobClassName: 'EchoJob' };
const waitKey: JobKey = { clusterName: CLUSTER, groupName: GROUP, jobName: 'wait', jobClassName: 'WaitJob' };

/** One captured request of each route, by name. */
const originals = new Map<string, Captured & { side: 'manager' | 'worker' }>();

/** What the proxies saw, for failure messages. */
function seen(): string {
  const list = (proxy: RecordingProxy) => proxy.captured.map((c) => `${c.path} ${c.status}`).join(', ');
  return `to the manager: [${list(toManager)}]; to the worker: [${list(toWorker)}]`;
}

beforeAll(async () => {
  try {
    await capture();
  } catch (error) {
    throw new Error(
      `${(error as Error).message}; captured ${seen()}\n${manager.handle.output.slice(-3_000)}`,
    );
  }
}, 150_000);

async function capture(): Promise<void> {
  // Both managers first: the fresh one's replay protection (its Redis epoch) must predate the
  // captured requests, or it refuses them all as signed before it began, whatever they bind.
  [manager, freshManager] = await Promise.all([startManager(stack), startManager(freshStack)]);
  await toManager.start();
  await toWorker.start();
  toManager.target = manager.url;
  const first = worker(toManager.url, INSTANCE, toWorker.url);
  const { port } = await first.listen(0, '127.0.0.1');
  toWorker.target = `http://127.0.0.1:${port}`;
  await first.ready;

  await persistOnDemandJob(stack, manager.url, echoKey, { overlapPolicy: OverlapPolicy.ALLOW });
  await persistOnDemandJob(stack, manager.url, waitKey, { overlapPolicy: OverlapPolicy.REPLACE });

  // A run alone: POST /chaconne/runs, then its logs and a batch of reports.
  await triggerJob(stack, manager.url, echoKey);
  await waitFor(
    'a run, its logs and its report',
    () =>
      Promise.resolve(
        toWorker.accepted(WorkerRoutes.runs) &&
          toManager.accepted(/^\/worker\/runs\/\d+\/logs$/) &&
          toManager.accepted(ManagerRoutes.reports)
          ? true
          : undefined,
      ),
    15_000,
    50,
  );

  // A report alone: the next batch is refused whole (as a manager would a body over its
  // limit), so the SDK sends its report to the single-report route.
  let refuseReports = true;
  toManager.intercept = (path) => {
    if (path !== ManagerRoutes.reports || !refuseReports) return undefined;
    refuseReports = false;
    return {
      status: 413,
      body: { success: false, msg: 'too large', code: ErrorCode.PAYLOAD_TOO_LARGE, data: null },
    };
  };
  await triggerJob(stack, manager.url, echoKey);
  await waitFor(
    'a report sent alone',
    () => Promise.resolve(toManager.accepted(/^\/worker\/runs\/\d+\/report$/)),
    15_000,
    50,
  );

  // A batch of runs: while two run requests are held on their way, the next ones queue up
  // in the manager and go together.
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  toWorker.hold = (path) =>
    path === WorkerRoutes.runs ? Promise.race([released, sleep(3_000)]) : Promise.resolve();
  for (let round = 0; round < 3 && !toWorker.accepted(WorkerRoutes.runBatch); round++) {
    await Promise.all([1, 2, 3, 4, 5].map(() => triggerJob(stack, manager.url, echoKey)));
    await waitFor(
      'a batch of runs',
      () => Promise.resolve(toWorker.accepted(WorkerRoutes.runBatch)),
      10_000,
      50,
    ).catch(() => undefined);
  }
  release();
  toWorker.hold = () => Promise.resolve();

  // A cancel: a REPLACE job's second run makes the manager cancel the first.
  const waiting = await triggerJob(stack, manager.url, waitKey);
  await waitFor(
    `run ${waiting} executing on the worker`,
    async () =>
      (await jobTraces(stack, manager.url, waitKey)).find(
        (t) => t.traceId === waiting && t.runningState === RunningState.RUNNING && t.instanceId === INSTANCE,
      ),
    15_000,
    50,
  );
  await triggerJob(stack, manager.url, waitKey);
  await waitFor(
    'a cancel',
    () => Promise.resolve(toWorker.accepted(/^\/chaconne\/runs\/\d+\/cancel$/)),
    15_000,
    50,
  );

  await waitFor(
    'a heartbeat',
    () => Promise.resolve(toManager.accepted(ManagerRoutes.heartbeat)),
    15_000,
    50,
  );
  await first.close();

  const pick = (side: 'manager' | 'worker', name: string, path: string | RegExp): void => {
    const captured = (side === 'manager' ? toManager : toWorker).accepted(path);
    if (!captured) throw new Error(`no accepted ${name} request was captured`);
    originals.set(name, { ...captured, side });
  };
  pick('manager', 'register', ManagerRoutes.register);
  pick('manager', 'heartbeat', ManagerRoutes.heartbeat);
  pick('manager', 'deregister', ManagerRoutes.deregister);
  pick('manager', 'logs', /^\/worker\/runs\/\d+\/logs$/);
  pick('manager', 'report', /^\/worker\/runs\/\d+\/report$/);
  pick('manager', 'reports', ManagerRoutes.reports);
  pick('worker', 'runs', WorkerRoutes.runs);
  pick('worker', 'runBatch', WorkerRoutes.runBatch);
  pick('worker', 'cancel', /^\/chaconne\/runs\/\d+\/cancel$/);
}

afterAll(async () => {
  await tearDown([stack, freshStack], workers, toManager, toWorker, manager, freshManager);
});

interface Target {
  name: string;
  url: string;
  side: 'manager' | 'worker';
  path: string;
  /** The worker instance that receives it (workers only). */
  instance?: string;
}

async function send(
  target: Target,
  captured: Captured,
  headerOverrides: Record<string, string> = {},
): Promise<{ status: number; code: unknown }> {
  const headers: Record<string, string> = {
    'content-type': target.side === 'manager' ? 'application/json' : RUN_REQUEST_CONTENT_TYPE,
  };
  for (const name of SIGNATURE_HEADERS) {
    const value = captured.headers[name];
    if (value !== undefined) headers[name] = value;
  }
  const response = await fetch(target.url + target.path, {
    method: 'POST',
    headers: { ...headers, ...headerOverrides },
    body: captured.raw,
  });
  const body = (await response.json()) as { code?: unknown };
  return { status: response.status, code: body.code };
}

it('captured an accepted request of every route in both directions', () => {
  expect([...originals.keys()].sort()).toEqual(
    ['cancel', 'deregister', 'heartbeat', 'logs', 'register', 'report', 'reports', 'runBatch', 'runs'].sort(),
  );
  for (const captured of originals.values()) {
    expect(captured.status).toBeGreaterThanOrEqual(200);
    expect(captured.status).toBeLessThan(300);
    expect(captured.headers[ProtocolHeader.PROTOCOL]).toBe(String(PROTOCOL_VERSION));
  }
});

it('refuses every captured request on every other route, at another instance and in the other direction, and takes it where it was meant to go', async () => {
  if (!freshManager) throw new Error('the fresh manager did not start');
  const workerA = worker(freshManager.url, INSTANCE);
  const workerB = worker(freshManager.url, OTHER_INSTANCE);
  const urlOf = async (w: ChaconneHttpWorker) => `http://127.0.0.1:${(await w.listen(0, '127.0.0.1')).port}`;
  const [urlA, urlB] = [await urlOf(workerA), await urlOf(workerB)];

  const runOf = (name: string) => Number(/\/runs\/(\d+)\//.exec(originals.get(name)?.path ?? '')?.[1]);
  const otherRun = 987_654;
  const managerPaths = [
    ManagerRoutes.register,
    ManagerRoutes.heartbeat,
    ManagerRoutes.deregister,
    ManagerRoutes.logs(runOf('logs')),
    ManagerRoutes.logs(otherRun),
    ManagerRoutes.report(runOf('report')),
    ManagerRoutes.report(otherRun),
    ManagerRoutes.reports,
  ];
  const workerPaths = [
    WorkerRoutes.runs,
    WorkerRoutes.runBatch,
    WorkerRoutes.cancel(runOf('cancel')),
    WorkerRoutes.cancel(otherRun),
  ];
  const freshUrl = freshManager.url;
  const targets: Target[] = [
    ...managerPaths.map((path) => ({
      name: `manager ${path}`,
      url: freshUrl,
      side: 'manager' as const,
      path,
    })),
    ...workerPaths.map((path) => ({
      name: `${INSTANCE} ${path}`,
      url: urlA,
      side: 'worker' as const,
      path,
      instance: INSTANCE,
    })),
    ...workerPaths.map((path) => ({
      name: `${OTHER_INSTANCE} ${path}`,
      url: urlB,
      side: 'worker' as const,
      path,
      instance: OTHER_INSTANCE,
    })),
  ];
  const ownTarget = (captured: Captured & { side: string }): Target | undefined =>
    targets.find(
      (t) =>
        t.side === captured.side &&
        t.path === captured.path &&
        (t.side === 'manager' || t.instance === INSTANCE),
    );

  const wrong: string[] = [];
  let replays = 0;
  for (const [name, captured] of originals) {
    const own = ownTarget(captured);
    expect(own).toBeDefined();
    for (const target of targets) {
      if (target === own) continue;
      replays++;
      const answer = await send(target, captured);
      if (answer.status !== 401 || answer.code !== ErrorCode.BAD_SIGNATURE)
        wrong.push(`${name} replayed to ${target.name}: ${answer.status} ${String(answer.code)}`);
    }
  }
  expect(wrong).toEqual([]);
  expect(replays).toBe(9 * (targets.length - 1));

  // Another protocol version is refused on both sides, before the signature is looked at.
  for (const name of ['heartbeat', 'runs']) {
    const captured = originals.get(name);
    if (!captured) throw new Error(name);
    const own = ownTarget(captured);
    if (!own) throw new Error(name);
    expect(await send(own, captured, { [ProtocolHeader.PROTOCOL]: '1' })).toEqual({
      status: 400,
      code: ErrorCode.INCOMPATIBLE_PROTOCOL,
    });
  }

  // The control: where it was meant to go, each request passes authentication on the fresh
  // receivers too (its run may be unknown there: that is answered after the signature).
  const expected: Record<string, { status: number; code: unknown }> = {
    register: { status: 200, code: undefined },
    heartbeat: { status: 200, code: undefined },
    deregister: { status: 200, code: undefined },
    logs: { status: 404, code: ErrorCode.RUN_NOT_FOUND },
    report: { status: 404, code: ErrorCode.RUN_NOT_FOUND },
    reports: { status: 200, code: undefined },
    runs: { status: 202, code: undefined },
    runBatch: { status: 200, code: undefined },
    cancel: { status: 404, code: ErrorCode.RUN_NOT_FOUND },
  };
  const answers: Record<string, { status: number; code: unknown }> = {};
  for (const [name, captured] of originals) {
    const own = ownTarget(captured);
    if (own) answers[name] = await send(own, captured);
  }
  expect(answers).toEqual(expected);
});

it('refuses a run for a cluster or group the worker does not serve with 409 WRONG_RECIPIENT', async () => {
  const w = worker(freshManager?.url ?? 'http://127.0.0.1:1', 'worker-c');
  const { port } = await w.listen(0, '127.0.0.1');
  for (const jobKey of [
    { ...echoKey, groupName: 'another-group' },
    { ...echoKey, clusterName: 'another-cluster' },
  ]) {
    const body = JSON.stringify(runRequest({ runId: 123_456, jobKey }));
    const response = await fetch(`http://127.0.0.1:${port}${WorkerRoutes.runs}`, {
      method: 'POST',
      headers: signedHeaders('worker-c', WorkerRoutes.runs, body, { secret: stack.secret }),
      body,
    });
    expect([response.status, ((await response.json()) as { code: string }).code]).toEqual([
      409,
      ErrorCode.WRONG_RECIPIENT,
    ]);
  }
});
