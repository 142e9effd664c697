import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { Logger, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  ManagerRoutes,
  RunningState,
  WorkerRoutes,
  type LogBatch,
  type RegisterRequest,
  type RunReport,
} from '@chaconne/contracts';
import { FakeManager, SECRET, recordingLogger, runRequest, signedHeaders } from '@chaconne/testing';
import { AppModule } from '../src/app.module';
import { parseDemoWorkerConfig, type DemoWorkerConfig } from '../src/demo-worker.config';
import { EXPRESS_WORKER_GROUP, startExpressWorker } from '../src/runtimes/express-worker';
import { HTTP_WORKER_GROUP, startHttpWorker } from '../src/runtimes/http-worker';
import type { RunningWorker } from '../src/runtimes/runtime';

function configFor(manager: FakeManager, groupName: string): DemoWorkerConfig {
  const config = parseDemoWorkerConfig({
    CHACONNE_SECRET: SECRET,
    CHACONNE_MANAGER_URL: manager.url,
    DEMO_WORKER_PORT: '0',
    DEMO_WORKER_LABELS: 'region=eu,tier=gold',
    DEMO_WORKER_WEIGHT: '2',
  });
  return { ...config, groupName };
}

/** This host's non-loopback IPv4 addresses (none on a machine without a network). */
function externalAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((info) => info?.family === 'IPv4' && !info.internal)
    .map((info) => info!.address);
}

/** Whether a TCP connection to `host:port` is refused (nothing listens there). */
function refused(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      resolve(error.code === 'ECONNREFUSED');
    });
  });
}

function registrationOf(manager: FakeManager): Promise<RegisterRequest> {
  return manager.waitFor(
    'the registration',
    () => manager.to(ManagerRoutes.register)[0]?.body as RegisterRequest | undefined,
  );
}

async function dispatch(
  { port, worker }: RunningWorker,
  runId: number,
  groupName: string,
  jobClassName: string,
  attachment: string | null,
) {
  const body = JSON.stringify(
    runRequest({
      runId,
      jobKey: { clusterName: 'demo-cluster', groupName, jobName: jobClassName, jobClassName },
      attachment,
    }),
  );
  const response = await fetch(`http://127.0.0.1:${port}${WorkerRoutes.runs}`, {
    method: 'POST',
    headers: signedHeaders(worker.instanceId, WorkerRoutes.runs, body),
    body,
  });
  await response.arrayBuffer();
  return response.status;
}

describe('the Nest demo worker', () => {
  let manager: FakeManager;
  let app: INestApplication | undefined;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    manager = await FakeManager.start();
    app = await NestFactory.create(AppModule.forRoot(configFor(manager, 'demo-worker')));
    await app.listen(0, '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close();
    await manager.close();
  });

  it('registers one job of each style: @ChacJob, ManagedJob, Job and the dynamic ones', async () => {
    const registration = await registrationOf(manager);
    expect(registration).toMatchObject({
      groupName: 'demo-worker',
      labels: { region: 'eu', tier: 'gold' },
      weight: 2,
    });
    expect(registration.jobs.map((j) => [j.jobClassName, j.definition ? 'code' : 'dynamic']).sort()).toEqual([
      ['DemoCronJob', 'code'],
      ['EtlJob', 'dynamic'],
      ['EvenMinuteJob', 'code'],
      ['FlakyJob', 'dynamic'],
      ['HealthCheckJob', 'code'],
      ['HelloWorldJob', 'code'],
      ['SlowJob', 'dynamic'],
      ['TerminatingJob', 'dynamic'],
    ]);
  });

  it('schedules nothing faster than every 5 seconds', async () => {
    const registration = await registrationOf(manager);
    const triggers = registration.jobs.flatMap((j) => (j.definition ? [j.definition.trigger] : []));
    expect(triggers.map((t) => t.triggerDescription)).toEqual(
      expect.arrayContaining([
        { cron: { expression: '*/5 * * * * ?' } },
        { cron: { expression: '*/10 * * * * ?' } },
        { cron: { expression: '0 * * * * ?' } },
        { periodic: { period: 15, schedulingUnit: 0, fixedRate: true } },
      ]),
    );
    expect(triggers).toHaveLength(4);
  });
});

describe.each([
  {
    name: 'Express',
    start: startExpressWorker,
    group: EXPRESS_WORKER_GROUP,
    jobs: ['DemoCronJob', 'EtlJob', 'FlakyJob', 'HealthCheckJob', 'SlowJob'],
  },
  {
    name: 'node:http',
    start: startHttpWorker,
    group: HTTP_WORKER_GROUP,
    jobs: ['DemoCronJob', 'EtlJob', 'FlakyJob', 'HelloWorldJob', 'SlowJob'],
  },
])('the $name runtime', ({ name, start, group, jobs }) => {
  let manager: FakeManager;
  let running: RunningWorker;
  const logLines = (runId: number): string[] =>
    manager.to(ManagerRoutes.logs(runId)).flatMap((r) => (r.body as LogBatch).lines.map((l) => l.message));
  const reportOf = (runId: number) =>
    manager.waitFor(
      `the report of run ${runId}`,
      () => manager.to(ManagerRoutes.report(runId))[0]?.body as RunReport | undefined,
    );

  beforeAll(async () => {
    manager = await FakeManager.start();
    running = await start(configFor(manager, group), recordingLogger());
  });

  afterAll(async () => {
    await running.close();
    await manager.close();
  });

  it(`registers in its own group (${group}) with its jobs, labels and weight`, async () => {
    const registration = await registrationOf(manager);
    expect(registration).toMatchObject({
      clusterName: 'demo-cluster',
      groupName: group,
      labels: { region: 'eu', tier: 'gold' },
      weight: 2,
    });
    expect(registration.jobs.map((j) => j.jobClassName).sort()).toEqual(jobs);
    expect(
      registration.jobs.find((j) => j.jobClassName === 'DemoCronJob')?.definition?.trigger,
    ).toMatchObject({
      triggerDescription: { cron: { expression: '*/5 * * * * ?' } },
    });
  });

  it('listens on loopback only by default, and names the address it really bound', async () => {
    expect(running.url).toBe(`http://127.0.0.1:${running.port}`);
    const external = externalAddresses();
    const refusals = await Promise.all(external.map((address) => refused(address, running.port)));
    expect(refusals).toEqual(external.map(() => true));
  });

  it('runs a dynamic job with its hooks and reports it', async () => {
    expect(await dispatch(running, 11, group, 'EtlJob', `{"runtime": "${name}"}`)).toBe(202);
    const report = await reportOf(11);
    expect(report.runningState).toBe(RunningState.COMPLETED);
    expect(report.result).toMatchObject({ parameter: { runtime: name } });
    expect(logLines(11).at(-1)).toMatch(/^EtlJob's return value is: /);
  });

  it('runs FlakyJob: a failing attempt, then a completed one naming its instance', async () => {
    expect(await dispatch(running, 14, group, 'FlakyJob', '{"failUntilAttempt": 1}')).toBe(202);
    expect(await reportOf(14)).toMatchObject({
      runningState: RunningState.FAILED,
      reason: 'FlakyJob: failing attempt 0',
    });
    expect(await dispatch(running, 15, group, 'FlakyJob', null)).toBe(202);
    expect(await reportOf(15)).toMatchObject({
      runningState: RunningState.COMPLETED,
      result: { attempt: 0, instanceId: running.worker.instanceId },
    });
  });

  if (name === 'Express') {
    it("keeps serving the app's own routes", async () => {
      const response = await fetch(`http://127.0.0.1:${running.port}/health`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ registered: true, activeRuns: 0 });
    });
  }

  it('close() lets the run in flight finish, refuses new runs (503), then deregisters', async () => {
    expect(await dispatch(running, 12, group, 'SlowJob', '{"ms": 300}')).toBe(202);
    const closed = running.close();
    expect(await dispatch(running, 13, group, 'SlowJob', '{"ms": 300}')).toBe(503);
    await closed;
    const report = await reportOf(12);
    expect(report.runningState).toBe(RunningState.COMPLETED);
    const paths = manager.requests.map((r) => r.path);
    expect(paths.indexOf(ManagerRoutes.report(12))).toBeLessThan(paths.indexOf(ManagerRoutes.deregister));
    expect(paths).not.toContain(ManagerRoutes.report(13));
  });
});
