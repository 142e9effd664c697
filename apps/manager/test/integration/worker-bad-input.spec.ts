import { randomBytes } from 'node:crypto';
import { ManagerRoutes } from '@chaconne/contracts';
import { MANAGER_RECIPIENT, SignatureDirection, signRequest } from '@chaconne/contracts/signing';
import { refusal, withProtocol, type Envelope } from '@chaconne/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import {
  closeAndCleanUp,
  registration,
  signedPost,
  startManagerApp,
  tablesChecksum,
  testConfig,
  workerHeaders,
} from '../support/test-env';
import { WORKER_BAD_INPUTS, type WorkerBadInput } from './worker-bad-input.cases';

jest.setTimeout(120_000);

const config = testConfig();
let app: NestFastifyApplication;
let baseUrl: string;
let dataSource: DataSource;

/** The headers of a case: signed as it says, with its protocol header. */
function headersOf(c: WorkerBadInput, text: string): Record<string, string> {
  const now = Date.now();
  const signing = c.signing ?? 'valid';
  const signed = (() => {
    switch (signing) {
      case 'valid':
        return workerHeaders(config.secret, c.path, text, now);
      case 'none':
        return {};
      case 'stale':
        return workerHeaders(config.secret, c.path, text, now - 10 * 60_000);
      case 'other-path': {
        const other = c.path === ManagerRoutes.heartbeat ? ManagerRoutes.register : ManagerRoutes.heartbeat;
        return workerHeaders(config.secret, other, text, now);
      }
      case 'other-secret':
        return workerHeaders(randomBytes(32).toString('hex'), c.path, text, now);
      case 'other-direction':
        return signRequest(
          config.secret,
          {
            direction: SignatureDirection.MANAGER_TO_WORKER,
            method: 'POST',
            path: c.path,
            recipient: MANAGER_RECIPIENT,
          },
          text,
          now,
        );
    }
  })();
  return withProtocol({ 'content-type': 'application/json', ...signed }, c.protocol);
}

async function send(c: WorkerBadInput): Promise<{ status: number; body: Envelope<unknown> }> {
  const text = typeof c.body === 'string' ? c.body : JSON.stringify(c.body);
  const response = await fetch(baseUrl + c.path, { method: 'POST', headers: headersOf(c, text), body: text });
  return { status: response.status, body: (await response.json()) as Envelope<unknown> };
}

beforeAll(async () => {
  ({ app, baseUrl } = await startManagerApp(config));
  dataSource = app.get(DataSource);
  // A live instance, so that a refused deregistration or heartbeat has something to leave alone.
  const registered = await signedPost(
    baseUrl,
    config.secret,
    ManagerRoutes.register,
    registration('corpus-worker-1'),
  );
  if (registered.status !== 200)
    throw new Error(`the corpus worker did not register: ${registered.body.msg}`);
});

afterAll(() => closeAndCleanUp(config, app));

describe('bad worker-protocol input on the manager: 4xx, a stable code, every field named, nothing stored', () => {
  it('has a table of cases across every worker route', async () => {
    const covered = (await tablesChecksum(dataSource)).split(' ').map((entry) => entry.split('=')[0]);
    expect(covered).toEqual(expect.arrayContaining(['chac_worker_instance', 'chac_job_run', 'chac_job_log']));
    const routes = new Set(WORKER_BAD_INPUTS.map((c) => c.path.replace(/\/runs\/[^/]+\//, '/runs/:runId/')));
    expect([...routes].sort()).toEqual(
      [
        ManagerRoutes.register,
        ManagerRoutes.heartbeat,
        ManagerRoutes.deregister,
        '/worker/runs/:runId/logs',
        '/worker/runs/:runId/report',
        ManagerRoutes.reports,
      ].sort(),
    );
    expect(new Set(WORKER_BAD_INPUTS.map((c) => c.name)).size).toBe(WORKER_BAD_INPUTS.length);
  });

  it.each(WORKER_BAD_INPUTS.map((c) => [`${c.path}: ${c.name}`, c] as const))('%s', async (_name, c) => {
    const before = await tablesChecksum(dataSource);
    const res = await send(c);
    expect(refusal(res)).toEqual({
      status: c.status,
      code: c.code,
      success: false,
      fields: c.fields,
      unnamedInMessage: [],
    });
    expect(await tablesChecksum(dataSource)).toBe(before);
  });
});
