import { ManagerRoutes, RUN_REQUEST_CONTENT_TYPE, WorkerRoutes } from '@chaconne/contracts';
import { SignatureDirection, signRequest } from '@chaconne/contracts/signing';
import {
  FakeManager,
  recordingLogger,
  refusal,
  withProtocol,
  SECRET,
  signedHeaders,
  type Envelope,
} from '@chaconne/testing';
import type { JobContext } from '../src/core/job';
import { onDemandTrigger } from '../src/core/trigger';
import { createWorker, type ChaconneHttpWorker } from '../src/http';
import { SDK_BAD_INPUTS, SDK_CLUSTER, SDK_GROUP, type SdkBadInput } from './bad-input.cases';

let manager: FakeManager;
let worker: ChaconneHttpWorker;
let base: string;
const handler = jest.fn((ctx: JobContext) => ctx.attachment);
/** The paths of every outcome the worker reported (alone or in a batch, recorded one by one). */
const reported = (): string[] =>
  manager.requests.map((r) => r.path).filter((path) => /^\/worker\/(reports|runs\/\d+\/report)$/.test(path));

/** The headers of a case: signed as it says, with its protocol header. */
function headersOf(c: SdkBadInput, text: string): Record<string, string> {
  const instanceId = worker.instanceId;
  const now = Date.now();
  const signing = c.signing ?? 'valid';
  const signed = (() => {
    switch (signing) {
      case 'valid':
        return signedHeaders(instanceId, c.path, text);
      case 'none':
        return { 'content-type': RUN_REQUEST_CONTENT_TYPE };
      case 'stale':
        return signedHeaders(instanceId, c.path, text, { now: now - 10 * 60_000 });
      case 'other-instance':
        return signedHeaders(`${instanceId}-other`, c.path, text);
      case 'other-path':
        return signedHeaders(
          instanceId,
          c.path === WorkerRoutes.runs ? WorkerRoutes.runBatch : WorkerRoutes.runs,
          text,
        );
      case 'other-direction':
        return {
          'content-type': RUN_REQUEST_CONTENT_TYPE,
          ...signRequest(
            SECRET,
            {
              direction: SignatureDirection.WORKER_TO_MANAGER,
              method: 'POST',
              path: c.path,
              recipient: instanceId,
            },
            text,
            now,
          ),
        };
    }
  })();
  return withProtocol(signed, c.protocol);
}

async function send(c: SdkBadInput): Promise<{ status: number; body: Envelope<unknown> }> {
  const method = c.method ?? 'POST';
  const text = c.body === undefined ? '' : typeof c.body === 'string' ? c.body : JSON.stringify(c.body);
  const response = await fetch(base + c.path, {
    method,
    headers: headersOf(c, text),
    ...(method === 'POST' ? { body: text } : {}),
  });
  return { status: response.status, body: (await response.json()) as Envelope<unknown> };
}

beforeAll(async () => {
  manager = await FakeManager.start();
  worker = createWorker({
    managerUrl: manager.url,
    secret: SECRET,
    clusterName: SDK_CLUSTER,
    groupName: SDK_GROUP,
    logger: recordingLogger(),
  });
  worker.addJob({ jobClassName: 'EtlJob', trigger: onDemandTrigger(), execute: handler });
  const { port } = await worker.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${port}`;
  await manager.waitFor('the registration', () => manager.to(ManagerRoutes.register)[0]);
});

afterAll(async () => {
  await worker.close();
  await manager.close();
});

describe("bad input on the worker SDK's endpoints: 4xx, a stable code, every field named, nothing run", () => {
  it('has a table of cases across every SDK route', () => {
    const routes = new Set(
      SDK_BAD_INPUTS.map((c) => c.path.replace(/\/runs\/\d+\/cancel$/, '/runs/:runId/cancel')),
    );
    for (const route of [WorkerRoutes.runs, WorkerRoutes.runBatch, '/chaconne/runs/:runId/cancel'])
      expect(routes.has(route)).toBe(true);
    expect(new Set(SDK_BAD_INPUTS.map((c) => c.name)).size).toBe(SDK_BAD_INPUTS.length);
  });

  it.each(SDK_BAD_INPUTS.map((c) => [`${c.path}: ${c.name}`, c] as const))('%s', async (_name, c) => {
    const res = await send(c);
    expect(refusal(res)).toEqual({
      status: c.status,
      code: c.code,
      success: false,
      fields: c.fields,
      unnamedInMessage: [],
    });
    // Nothing ran and nothing was reported.
    expect(handler).not.toHaveBeenCalled();
    expect(reported()).toEqual([]);
  });

  it('still runs a valid request afterwards (so the refusals above are not a dead worker)', async () => {
    const text = JSON.stringify({
      runId: 77,
      jobId: 7,
      jobKey: { clusterName: SDK_CLUSTER, groupName: SDK_GROUP, jobName: 'etl', jobClassName: 'EtlJob' },
      attempt: 0,
      plannedAt: new Date().toISOString(),
      attachment: 'ok',
      timeoutMs: -1,
      retries: 0,
    });
    const response = await fetch(base + WorkerRoutes.runs, {
      method: 'POST',
      headers: signedHeaders(worker.instanceId, WorkerRoutes.runs, text),
      body: text,
    });
    expect(response.status).toBe(202);
    await manager.waitFor('the report of run 77', () => manager.to(ManagerRoutes.report(77))[0]);
    expect(handler).toHaveBeenCalledTimes(1);
  });
});
