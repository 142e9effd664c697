import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import {
  ErrorCode,
  ManagerRoutes,
  RUN_REQUEST_CONTENT_TYPE,
  RunningState,
  WorkerRoutes,
  type RegisterRequest,
  type RunReport,
} from '@chaconne/contracts';
import { FakeManager, recordingLogger, runRequest, SECRET, signedHeaders } from '@chaconne/testing';
import type { JobContext } from '../core/job';
import { ChaconneWorker } from '../chaconne-worker';
import { chaconneExpress } from './index';

describe('chaconneExpress', () => {
  let manager: FakeManager;
  let worker: ChaconneWorker;
  let server: Server;
  let base: string;
  const handler = jest.fn((ctx: JobContext) => ({ echoed: ctx.attachment }));

  async function post(
    path: string,
    body: string,
    headers: Record<string, string>,
  ): Promise<{ status: number; body: unknown }> {
    const response = await fetch(base + path, { method: 'POST', headers, body });
    return { status: response.status, body: await response.json() };
  }

  const signed = (body: string, path: string = WorkerRoutes.runs): Record<string, string> =>
    signedHeaders(worker.instanceId, path, body);

  async function serve(app: express.Express): Promise<void> {
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  beforeAll(async () => {
    manager = await FakeManager.start();
  });

  beforeEach(() => {
    handler.mockClear();
    manager.reset();
    worker = new ChaconneWorker({
      managerUrl: manager.url,
      secret: SECRET,
      clusterName: 'test-cluster',
      groupName: 'test-group',
      logger: recordingLogger(),
      retryBackoff: { initialMs: 10, maxMs: 20 },
    });
    worker.addDynamicJob('EtlJob', handler);
    worker.addDynamicJob(
      'WaitJob',
      (ctx) =>
        new Promise((_resolve, reject) => {
          ctx.signal.addEventListener('abort', () => {
            reject(ctx.signal.reason as Error);
          });
        }),
    );
  });

  afterEach(async () => {
    await worker.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  afterAll(async () => {
    await manager.close();
  });

  describe("next to express.json() and the app's own routes", () => {
    beforeEach(async () => {
      const app = express();
      app.use(express.json());
      app.use(chaconneExpress(worker));
      app.post('/orders', (req, res) => {
        res.json({ route: 'orders', parsed: req.body as unknown });
      });
      await serve(app);
      await worker.start({ port: (server.address() as AddressInfo).port });
    });

    it('registers with the port the app listens on', () => {
      const body = manager.to(ManagerRoutes.register)[0]?.body as RegisterRequest;
      expect(body.baseUrl).toMatch(new RegExp(`:${(server.address() as AddressInfo).port}$`));
    });

    it('passes a signed run request to the handler, reading the raw body itself', async () => {
      const body = JSON.stringify(runRequest({ runId: 601 }));
      expect(await post(WorkerRoutes.runs, body, signed(body))).toEqual({
        status: 202,
        body: { accepted: true, duplicate: false },
      });
      const report = await manager.waitFor(
        'the report of run 601',
        () => manager.to(ManagerRoutes.report(601))[0]?.body as RunReport | undefined,
      );
      expect(report).toMatchObject({
        runningState: RunningState.COMPLETED,
        result: { echoed: '{"day":"2024-05-01"}' },
      });
      expect(handler).toHaveBeenCalledTimes(1);
    });

    it('answers an unsigned run request 401 without running the handler', async () => {
      const body = JSON.stringify(runRequest({ runId: 602 }));
      const refused = await post(WorkerRoutes.runs, body, { 'content-type': RUN_REQUEST_CONTENT_TYPE });
      expect(refused).toEqual({
        status: 401,
        body: expect.objectContaining({ code: ErrorCode.BAD_SIGNATURE }) as unknown,
      });
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(handler).not.toHaveBeenCalled();
      expect(manager.to(ManagerRoutes.report(602))).toHaveLength(0);
    });

    it("cancels a run with the manager's reason, the cancel body read raw", async () => {
      const body = JSON.stringify(
        runRequest({ runId: 605, jobKey: { ...runRequest().jobKey, jobClassName: 'WaitJob' } }),
      );
      expect((await post(WorkerRoutes.runs, body, signed(body))).status).toBe(202);
      const reason = '{"reason":"timeout after 3000 ms"}';
      expect(await post(WorkerRoutes.cancel(605), reason, signed(reason, WorkerRoutes.cancel(605)))).toEqual({
        status: 200,
        body: { runId: 605, cancelled: true },
      });
      const report = await manager.waitFor(
        'the report of run 605',
        () => manager.to(ManagerRoutes.report(605))[0]?.body as RunReport | undefined,
      );
      expect(report).toMatchObject({ runningState: RunningState.FAILED, reason: 'timeout after 3000 ms' });
    });

    it('leaves other paths to the app, JSON bodies parsed as usual', async () => {
      expect(await post('/orders', '{"id":7}', { 'content-type': 'application/json' })).toEqual({
        status: 200,
        body: { route: 'orders', parsed: { id: 7 } },
      });
      const missing = await fetch(`${base}/nowhere`);
      await missing.arrayBuffer();
      expect(missing.status).toBe(404); // Express' own 404, not the SDK's JSON
      expect(missing.headers.get('content-type')).not.toContain('application/json');
    });

    it('refuses with 415 a run body that a JSON parser consumed', async () => {
      const body = JSON.stringify(runRequest({ runId: 603 }));
      const parsed = await post(WorkerRoutes.runs, body, {
        ...signed(body),
        'content-type': 'application/json',
      });
      expect(parsed).toEqual({
        status: 415,
        body: expect.objectContaining({ code: ErrorCode.UNSUPPORTED_MEDIA_TYPE }) as unknown,
      });
      expect(handler).not.toHaveBeenCalled();
    });
  });

  it('uses the Buffer a raw parser left in req.body, also under a prefix', async () => {
    const app = express();
    app.use(express.raw({ type: RUN_REQUEST_CONTENT_TYPE }));
    app.use('/api', chaconneExpress(worker));
    await serve(app);
    const body = JSON.stringify(runRequest({ runId: 604 }));
    expect((await post(`/api${WorkerRoutes.runs}`, body, signed(body))).status).toBe(202);
    await manager.waitFor('the report of run 604', () => manager.to(ManagerRoutes.report(604))[0]);
    expect(handler).toHaveBeenCalledTimes(1);
  });
});
