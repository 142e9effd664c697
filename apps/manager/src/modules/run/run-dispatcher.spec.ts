import {
  ErrorCode,
  type RunBatchResult,
  type RunRequest,
  type RunRequestBatch,
  WorkerRoutes,
} from '@chaconne/contracts';
import { SignatureDirection, verifyRequest } from '@chaconne/contracts/signing';
import { freePort, runRequest, waitFor } from '@chaconne/testing';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ManagerConfig } from '../../config/manager-config';
import type { WorkerCandidate } from '../worker-registry/worker-registry.service';
import { RunDispatcher } from './run-dispatcher.service';

const SECRET = 'dispatcher-spec-secret-0123456789abcdef';

interface Seen {
  path: string;
  runIds: number[];
  /** The instance the request was signed for (of those tried), or null. */
  signedFor: string | null;
  body: unknown;
}

const INSTANCES = ['w-1', 'w-2'];

/**
 * A worker endpoint over real HTTP that records each request and answers each run with
 * `answer(runId)`; `batches: false` answers 404 to the batch route.
 */
class WorkerEndpoint {
  readonly seen: Seen[] = [];
  private server: Server | undefined;
  url = '';
  /** Requests are answered only once this resolves (to let runs pile up). */
  gate: Promise<void> = Promise.resolve();

  constructor(
    private readonly options: {
      batches: boolean;
      answer?: (runId: number) => Pick<RunBatchResult, 'status' | 'answer'>;
    },
  ) {}

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      void this.serve(request).then(({ status, body }) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  candidate(instanceId = 'w-1'): WorkerCandidate {
    return { instanceId, baseUrl: this.url, weight: 1, labels: {}, startedAt: 0, activeRuns: 0 };
  }

  private async serve(request: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const path = request.url ?? '';
    const signedFor =
      INSTANCES.find(
        (recipient) =>
          verifyRequest(
            SECRET,
            { direction: SignatureDirection.MANAGER_TO_WORKER, method: 'POST', path, recipient },
            request.headers,
            raw,
          ).ok,
      ) ?? null;
    const parsed = JSON.parse(raw.toString('utf8')) as RunRequest | RunRequestBatch | { reason: string };
    const runIds =
      'runs' in parsed ? parsed.runs.map((r) => r.runId) : 'runId' in parsed ? [parsed.runId] : [];
    this.seen.push({ path, runIds, signedFor, body: parsed });
    await this.gate;
    const answer =
      this.options.answer ?? (() => ({ status: 202, answer: { accepted: true, duplicate: false } }));
    if (path === WorkerRoutes.runBatch) {
      if (!this.options.batches) {
        return {
          status: 404,
          body: { success: false, msg: `no Chaconne route ${path}`, code: ErrorCode.NOT_FOUND, data: null },
        };
      }
      return { status: 200, body: { results: runIds.map((runId) => ({ runId, ...answer(runId) })) } };
    }
    const single = answer(runIds[0] ?? 0);
    return { status: single.status, body: single.answer };
  }
}

function dispatcher(): RunDispatcher {
  return new RunDispatcher({ secret: SECRET, dispatchTimeoutMs: 2_000 } as ManagerConfig);
}

describe('RunDispatcher', () => {
  const endpoints: WorkerEndpoint[] = [];
  const started = async (endpoint: WorkerEndpoint) => {
    endpoints.push(endpoint);
    return endpoint.start();
  };
  let sender: RunDispatcher;

  beforeEach(() => {
    sender = dispatcher();
  });

  afterEach(async () => {
    sender.onApplicationShutdown();
    await Promise.all(endpoints.splice(0).map((e) => e.close()));
  });

  it('sends runs at once while two requests are under way, and those that wait together, each with its own answer', async () => {
    const worker = await started(
      new WorkerEndpoint({
        batches: true,
        answer: (runId) =>
          runId === 4
            ? {
                status: 429,
                answer: { success: false, msg: 'at its limit', code: ErrorCode.RATE_LIMITED, data: null },
              }
            : { status: 202, answer: { accepted: true, duplicate: runId === 5 } },
      }),
    );
    let open: () => void = () => undefined;
    worker.gate = new Promise((resolve) => (open = resolve));
    const results = [1, 2, 3, 4, 5].map((runId) => sender.send(worker.candidate(), runRequest({ runId })));
    // Two requests under way (one run each); runs 3 to 5 wait for one of them to end (the gate
    // holds every answer, so no third request can leave before open()).
    await waitFor(
      'two requests at the worker',
      () => Promise.resolve(worker.seen.length >= 2 ? true : undefined),
      5_000,
      10,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(worker.seen.map((s) => s.runIds)).toEqual([[1], [2]]);
    open();
    expect(await Promise.all(results)).toEqual([
      { ok: true, duplicate: false },
      { ok: true, duplicate: false },
      { ok: true, duplicate: false },
      { ok: false, reason: `HTTP 429 ${ErrorCode.RATE_LIMITED}`, atCapacity: true },
      { ok: true, duplicate: true },
    ]);
    expect(worker.seen.map((s) => s.runIds)).toEqual([[1], [2], [3, 4, 5]]);
    expect(worker.seen.map((s) => [s.path, s.signedFor])).toEqual([
      [WorkerRoutes.runs, 'w-1'],
      [WorkerRoutes.runs, 'w-1'],
      [WorkerRoutes.runBatch, 'w-1'],
    ]);
  });

  it('sends a run ahead with the time left to its start, measured when it leaves, and a late one to start at once', async () => {
    const worker = await started(new WorkerEndpoint({ batches: true }));
    let open: () => void = () => undefined;
    worker.gate = new Promise((resolve) => (open = resolve));
    const startAt = Date.now() + 5_000;
    const first = [1, 2].map((runId) => sender.send(worker.candidate(), runRequest({ runId }), startAt));
    // Runs 3 and 4 wait in the lane behind the two requests under way.
    const waiting = [
      sender.send(worker.candidate(), runRequest({ runId: 3 }), startAt),
      sender.send(worker.candidate(), runRequest({ runId: 4 }), Date.now() - 10),
    ];
    await new Promise((resolve) => setTimeout(resolve, 300));
    const leftAt = Date.now();
    open();
    await Promise.all([...first, ...waiting]);
    const bodies = worker.seen.map((s) => s.body as RunRequest | RunRequestBatch);
    const single = bodies[0] as RunRequest;
    expect(single.startInMs).toBeGreaterThan(4_000);
    expect(single.startInMs).toBeLessThanOrEqual(5_000);
    const batch = bodies[2] as RunRequestBatch;
    expect(batch.runs.map((r) => r.runId)).toEqual([3, 4]);
    // Measured when the batch left (300 ms later), not when run 3 was handed over.
    expect(batch.runs[0]?.startInMs).toBeLessThanOrEqual(startAt - leftAt);
    expect(batch.runs[0]?.startInMs).toBeGreaterThan(0);
    expect(batch.runs[1]).not.toHaveProperty('startInMs');
  });

  it('fails the runs of a batch answered 404, with no fallback to one request per run', async () => {
    const worker = await started(new WorkerEndpoint({ batches: false }));
    let open: () => void = () => undefined;
    worker.gate = new Promise((resolve) => (open = resolve));
    const results = [1, 2, 3, 4].map((runId) => sender.send(worker.candidate(), runRequest({ runId })));
    await new Promise((resolve) => setTimeout(resolve, 100));
    open();
    expect(await Promise.all(results)).toEqual([
      { ok: true, duplicate: false },
      { ok: true, duplicate: false },
      { ok: false, reason: `HTTP 404 ${ErrorCode.NOT_FOUND}` },
      { ok: false, reason: `HTTP 404 ${ErrorCode.NOT_FOUND}` },
    ]);
    expect(worker.seen.map((s) => s.path)).toEqual([
      WorkerRoutes.runs,
      WorkerRoutes.runs,
      WorkerRoutes.runBatch,
    ]);
  });

  it('signs each request for the instance it goes to: two instances at one address get their own', async () => {
    const worker = await started(new WorkerEndpoint({ batches: true }));
    let open: () => void = () => undefined;
    worker.gate = new Promise((resolve) => (open = resolve));
    const results = [1, 2, 3, 4].map((runId) =>
      sender.send(worker.candidate(runId % 2 === 0 ? 'w-2' : 'w-1'), runRequest({ runId })),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    open();
    expect(await Promise.all(results)).toEqual([1, 2, 3, 4].map(() => ({ ok: true, duplicate: false })));
    const byInstance = (id: string) =>
      worker.seen
        .filter((s) => s.signedFor === id)
        .flatMap((s) => s.runIds)
        .sort();
    expect([byInstance('w-1'), byInstance('w-2')]).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(worker.seen.every((s) => s.signedFor !== null)).toBe(true);
  });

  it("sends a cancel with its reason, signed for the instance and the run's cancel route", async () => {
    const worker = await started(
      new WorkerEndpoint({
        batches: true,
        answer: () => ({ status: 200, answer: { accepted: true, duplicate: false } }),
      }),
    );
    expect(await sender.cancel(worker.candidate('w-2'), 42, 'timeout after 3000 ms')).toEqual({
      ok: true,
      duplicate: false,
    });
    expect(worker.seen).toEqual([
      {
        path: WorkerRoutes.cancel(42),
        runIds: [],
        signedFor: 'w-2',
        body: { reason: 'timeout after 3000 ms' },
      },
    ]);
  });

  it('gives every run of a request that got no answer the reason', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const candidate: WorkerCandidate = {
      instanceId: 'gone',
      baseUrl: url,
      weight: 1,
      labels: {},
      startedAt: 0,
      activeRuns: 0,
    };
    const results = await Promise.all(
      [1, 2, 3].map((runId) => sender.send(candidate, runRequest({ runId }))),
    );
    expect(results).toEqual([1, 2, 3].map(() => ({ ok: false, reason: 'ECONNREFUSED' })));
  });
});
