import { once } from 'node:events';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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
import { onDemandTrigger } from '../core/trigger';
import { createWorker, type ChaconneHttpWorker } from './index';

describe('@chaconne/worker/http', () => {
  let manager: FakeManager;
  let worker: ChaconneHttpWorker;
  const handler = jest.fn((ctx: JobContext) => ({ echoed: ctx.attachment }));

  async function post(
    url: string,
    body: string,
    headers: Record<string, string>,
  ): Promise<{ status: number; body: unknown }> {
    const response = await fetch(url, { method: 'POST', headers, body });
    return { status: response.status, body: await response.json() };
  }

  const signed = (body: string, path: string = WorkerRoutes.runs): Record<string, string> =>
    signedHeaders(worker.instanceId, path, body);

  // This test's worker only: a previous test's registration may still land after reset().
  const registrations = (): RegisterRequest[] =>
    manager
      .to(ManagerRoutes.register)
      .map((r) => r.body as RegisterRequest)
      .filter((body) => body.instanceId === worker.instanceId);
  const registration = (): Promise<RegisterRequest> =>
    manager.waitFor('the registration', () => registrations()[0]);

  beforeAll(async () => {
    manager = await FakeManager.start();
  });

  beforeEach(() => {
    handler.mockClear();
    manager.reset();
    worker = createWorker({
      managerUrl: manager.url,
      secret: SECRET,
      clusterName: 'test-cluster',
      groupName: 'test-group',
      logger: recordingLogger(),
      retryBackoff: { initialMs: 10, maxMs: 20 },
    });
    worker.addJob({ jobClassName: 'EtlJob', trigger: onDemandTrigger(), execute: handler });
  });

  afterEach(async () => {
    await worker.close();
  });

  afterAll(async () => {
    await manager.close();
  });

  describe('listen()', () => {
    let base: string;
    let port: number;

    beforeEach(async () => {
      ({ port } = await worker.listen(0, '127.0.0.1'));
      base = `http://127.0.0.1:${port}`;
    });

    it('registers once listening, with the bound port', async () => {
      expect((await registration()).baseUrl).toMatch(new RegExp(`^http://[\\d.]+:${port}$`));
      await expect(worker.ready).resolves.toBeUndefined();
      expect((await registration()).jobs).toEqual([expect.objectContaining({ jobClassName: 'EtlJob' })]);
    });

    it('passes a signed run request to the handler and reports it', async () => {
      const body = JSON.stringify(runRequest({ runId: 701 }));
      expect(await post(base + WorkerRoutes.runs, body, signed(body))).toEqual({
        status: 202,
        body: { accepted: true, duplicate: false },
      });
      const report = await manager.waitFor(
        'the report of run 701',
        () => manager.to(ManagerRoutes.report(701))[0]?.body as RunReport | undefined,
      );
      expect(report).toMatchObject({
        runningState: RunningState.COMPLETED,
        result: { echoed: '{"day":"2024-05-01"}' },
      });
      expect(handler).toHaveBeenCalledTimes(1);
    });

    it('answers an unsigned run request 401 without running the handler', async () => {
      const body = JSON.stringify(runRequest({ runId: 702 }));
      const refused = await post(base + WorkerRoutes.runs, body, {
        'content-type': RUN_REQUEST_CONTENT_TYPE,
      });
      expect(refused).toEqual({
        status: 401,
        body: expect.objectContaining({ code: ErrorCode.BAD_SIGNATURE }) as unknown,
      });
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(handler).not.toHaveBeenCalled();
    });

    it('answers a body declared over 1 MiB 413 with the limit before it is sent, and checks the signature before parsing', async () => {
      const answer = await new Promise<{ status: number; body: unknown }>((resolve, reject) => {
        const request = httpRequest(`${base}${WorkerRoutes.runs}`, {
          method: 'POST',
          headers: { 'content-type': RUN_REQUEST_CONTENT_TYPE, 'content-length': String(2 * 1024 * 1024) },
        });
        request.on('response', (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            request.destroy();
            resolve({
              status: response.statusCode ?? 0,
              body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
            });
          });
        });
        request.on('error', (error) => {
          if (!request.destroyed) reject(error);
        });
        request.write('['.repeat(1024)); // the rest never comes: only an early answer settles this
      });
      expect(answer).toEqual({
        status: 413,
        body: expect.objectContaining({
          code: ErrorCode.PAYLOAD_TOO_LARGE,
          details: { limitBytes: 1024 * 1024 },
        }) as unknown,
      });
      // Not JSON and unsigned: refused for the signature, never parsed.
      const unsigned = await post(base + WorkerRoutes.runs, 'not json', {
        'content-type': RUN_REQUEST_CONTENT_TYPE,
      });
      expect(unsigned).toEqual({
        status: 401,
        body: expect.objectContaining({ code: ErrorCode.BAD_SIGNATURE }) as unknown,
      });
    });

    it('serves nothing but /chaconne/*', async () => {
      const other = await fetch(`${base}/health`);
      expect([other.status, await other.json()]).toEqual([
        404,
        expect.objectContaining({ code: ErrorCode.NOT_FOUND }),
      ]);
    });

    it('close() drains, deregisters, then closes the server', async () => {
      await registration();
      await worker.close();
      expect(manager.to(ManagerRoutes.deregister)).toHaveLength(1);
      await expect(fetch(`${base}/chaconne/runs`, { method: 'POST' })).rejects.toThrow();
    });

    it('refuses a second listen()', async () => {
      await expect(worker.listen(0)).rejects.toThrow('listen() was already called');
    });
  });

  describe('attach() and handler()', () => {
    let server: Server;
    let base: string;

    beforeEach(() => {
      server = createServer((req, res) => {
        res.setHeader('content-type', 'text/plain');
        res.end(`app saw ${req.url ?? ''}`);
      });
    });

    afterEach(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    async function listen(): Promise<number> {
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const { port } = server.address() as AddressInfo;
      base = `http://127.0.0.1:${port}`;
      return port;
    }

    it('attach() mounts /chaconne/* into an existing server, leaves other paths to it, registers once it listens', async () => {
      worker.attach(server);
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(registrations()).toHaveLength(0);
      const port = await listen();
      expect((await registration()).baseUrl).toMatch(new RegExp(`:${port}$`));

      const other = await fetch(`${base}/orders?id=1`);
      expect([other.status, await other.text()]).toEqual([200, 'app saw /orders?id=1']);
      const body = JSON.stringify(runRequest({ runId: 711 }));
      expect((await post(base + WorkerRoutes.runs, body, signed(body))).status).toBe(202);
      await manager.waitFor('the report of run 711', () => manager.to(ManagerRoutes.report(711))[0]);
      const unsigned = await post(base + WorkerRoutes.runs, body, {
        'content-type': RUN_REQUEST_CONTENT_TYPE,
      });
      expect(unsigned.status).toBe(401);
      expect(handler).toHaveBeenCalledTimes(1);

      await worker.close();
      expect(server.listening).toBe(true); // the app's server stays the app's
    });

    it('handler() falls through to next() for other paths', async () => {
      server.removeAllListeners('request');
      server.on('request', (req, res) => {
        worker.handler(req, res, () => {
          res.end('next');
        });
      });
      await listen();
      expect(await (await fetch(`${base}/anything`)).text()).toBe('next');
      const body = JSON.stringify(runRequest({ runId: 721 }));
      expect((await post(base + WorkerRoutes.runs, body, signed(body))).status).toBe(202);
      await manager.waitFor('the report of run 721', () => manager.to(ManagerRoutes.report(721))[0]);
    });
  });
});
