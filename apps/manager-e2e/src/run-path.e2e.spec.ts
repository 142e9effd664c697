import {
  PROTOCOL_VERSION,
  ProtocolHeader,
  RUN_REQUEST_CONTENT_TYPE,
  RunningState,
  WorkerRoutes,
} from '@chaconne/contracts';
import { SignatureDirection, signRequest } from '@chaconne/contracts/signing';
import { chaconneBody, queryDatabase, sleep, waitFor } from '@chaconne/testing';
import {
  adminPost,
  newStack,
  type ProcessHandle,
  startDemoWorker,
  startManager,
  tearDown,
} from './support/processes';

/**
 * The README's promise, with real processes: a job persisted with Chaconne's own JSON
 * runs EtlJob on the demo worker every five seconds, runs and logs stored in MySQL.
 */
const stack = newStack();
let manager: { handle: ProcessHandle; url: string };
let worker: { handle: ProcessHandle; url: string };
/** The demo worker's instance id, as the manager registered it: what run requests are signed for. */
let instanceId: string;

beforeAll(async () => {
  manager = await startManager(stack);
  worker = await startDemoWorker(stack, manager.url);
  const registered = await manager.handle.waitForLine(/registered \S+ \(demo-cluster\/demo-worker\)/, 30_000);
  instanceId = /registered (\S+) \(/.exec(registered)?.[1] ?? '';
}, 90_000);

afterAll(async () => {
  await tearDown(stack, worker, manager);
});

describe('the first run path', () => {
  const body = chaconneBody('etl', 'EtlJob', '*/5 * * * * ?', '{"initialParameter": "e2e-marker"}');

  it('runs a job persisted with Chaconne JSON at least twice within 15 s, with its log lines', async () => {
    const persisted = await adminPost<number>(stack, manager.url, '/job/admin/persistJob', body);
    expect(persisted.status).toBe(200);

    const completed = await waitFor(
      'two COMPLETED runs of EtlJob',
      async () => {
        const res = await adminPost<{ content: { traceId: number; runningState: number }[] }>(
          stack,
          manager.url,
          '/job/admin/selectJobTrace',
          {
            jobKey: body.jobKey,
            page: 1,
            size: 50,
          },
        );
        const done = res.body.data.content.filter((t) => t.runningState === RunningState.COMPLETED);
        return done.length >= 2 ? done : undefined;
      },
      15_000,
    );
    const first = completed[0];
    if (!first) throw new Error('no run');
    const logLines = await adminPost<{ log: string; level: number }[]>(
      stack,
      manager.url,
      '/job/admin/selectJobLog',
      {
        jobKey: body.jobKey,
        traceId: first.traceId,
      },
    );
    expect(logLines.status).toBe(200);
    expect(logLines.body.data.map((l) => l.log).join('\n')).toContain('e2e-marker');
  }, 30_000);

  it('updates the job, not duplicates it, when the same body is persisted twice', async () => {
    const a = await adminPost<number>(stack, manager.url, '/job/admin/persistJob', body);
    const b = await adminPost<number>(stack, manager.url, '/job/admin/persistJob', {
      ...body,
      description: 'again',
    });
    expect(b.body.data).toBe(a.body.data);
    const rows = await queryDatabase<{ n: number }>(
      stack.mysqlUrl,
      "SELECT COUNT(*) AS n FROM chac_job_detail WHERE job_name = 'etl' AND job_class_name = 'EtlJob'",
    );
    expect(Number(rows[0]?.n)).toBe(1);
  });

  it('registers and runs the demo worker annotated cron job without any API call', async () => {
    const runs = await waitFor(
      'a COMPLETED run of the annotated DemoCronJob',
      async () => {
        const rows = await queryDatabase<{ running_state: number }>(
          stack.mysqlUrl,
          `SELECT r.running_state FROM chac_job_run r JOIN chac_job_detail d ON d.job_id = r.job_id
            WHERE d.job_class_name = 'DemoCronJob' AND r.running_state = ?`,
          [RunningState.COMPLETED],
        );
        return rows.length > 0 ? rows : undefined;
      },
      15_000,
    );
    expect(runs.length).toBeGreaterThan(0);
  }, 20_000);

  it('triggerJob runs EtlJob now with an attachment override and answers the trace id', async () => {
    const onDemand = { ...chaconneBody('etlNow', 'EtlJob'), trigger: { triggerType: 0 } };
    expect((await adminPost(stack, manager.url, '/job/admin/persistJob', onDemand)).status).toBe(200);
    const triggered = await adminPost<number>(stack, manager.url, '/job/admin/triggerJob', {
      jobKey: onDemand.jobKey,
      attachment: '{"override": true}',
    });
    expect(triggered.status).toBe(200);
    const traceId = triggered.body.data;
    const run = await waitFor(
      'the triggered run to complete',
      async () => {
        const rows = await queryDatabase<{ running_state: number; result: string | null }>(
          stack.mysqlUrl,
          'SELECT running_state, result FROM chac_job_run WHERE run_id = ?',
          [traceId],
        );
        return rows[0]?.running_state === RunningState.COMPLETED ? rows[0] : undefined;
      },
      10_000,
    );
    expect(JSON.parse(run.result ?? 'null')).toMatchObject({ parameter: { override: true } });
  }, 20_000);

  it('refuses unsigned, tampered and misaddressed run requests with 401 and never invokes the handler', async () => {
    const request = (runId: number) =>
      JSON.stringify({
        runId,
        jobId: 1,
        jobKey: body.jobKey,
        attempt: 0,
        plannedAt: new Date().toISOString(),
        attachment: `{"probe": "run-${runId}"}`,
        timeoutMs: -1,
        retries: 0,
      });
    const signBody = (secret: string, text: string, recipient = instanceId) =>
      signRequest(
        secret,
        {
          direction: SignatureDirection.MANAGER_TO_WORKER,
          method: 'POST',
          path: WorkerRoutes.runs,
          recipient,
        },
        text,
      );
    const send = (text: string, headers: Record<string, string>) =>
      fetch(worker.url + WorkerRoutes.runs, {
        method: 'POST',
        headers: {
          'content-type': RUN_REQUEST_CONTENT_TYPE,
          [ProtocolHeader.PROTOCOL]: String(PROTOCOL_VERSION),
          ...headers,
        },
        body: text,
      });

    const unsigned = await send(request(900001), {});
    expect(unsigned.status).toBe(401);
    // Each body is built once: it holds the current time, so a second build may differ.
    const signed = request(900002);
    const tampered = await send(signed.replace('run-900002', 'run-evil'), {
      ...signBody(stack.secret, signed),
    });
    expect(tampered.status).toBe(401);
    const otherSecret = request(900003);
    const wrongSecret = await send(otherSecret, { ...signBody('z'.repeat(64), otherSecret) });
    expect(wrongSecret.status).toBe(401);
    const otherInstance = request(900005);
    const wrongInstance = await send(otherInstance, {
      ...signBody(stack.secret, otherInstance, 'another-instance'),
    });
    expect(wrongInstance.status).toBe(401);

    // Control: a correctly signed request for an unknown run is accepted and its handler
    // runs, which the worker shows when the manager refuses that run's logs or report.
    const controlBody = request(900004);
    const control = await send(controlBody, { ...signBody(stack.secret, controlBody) });
    expect(control.status).toBe(202);
    await worker.handle.waitForLine(/900004/, 10_000);
    await sleep(1_000);
    for (const refused of [900001, 900002, 900003, 900005])
      expect(worker.handle.output).not.toContain(String(refused));
  }, 20_000);
});
