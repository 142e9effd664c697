import type { AddressInfo } from 'node:net';
import { Logger, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  ManagerRoutes,
  RunningState,
  TriggerType,
  WorkerRoutes,
  type LogBatch,
  type RegisterRequest,
  type RunReport,
  type RunRequest,
} from '@chaconne/contracts';
import { FakeManager, SECRET, signedHeaders } from '@chaconne/testing';
import { AppModule } from '../src/app.module';
import { parseDemoWorkerConfig } from '../src/demo-worker.config';

describe('demo-worker', () => {
  let manager: FakeManager;
  let app: INestApplication | undefined;
  let port: number;

  async function dispatch(run: RunRequest): Promise<number> {
    const body = JSON.stringify(run);
    // Signed for the instance the worker registered as, as the manager does it.
    const { instanceId } = (
      await manager.waitFor('the registration', () => manager.to(ManagerRoutes.register)[0])
    ).body as RegisterRequest;
    const response = await fetch(`http://127.0.0.1:${port}${WorkerRoutes.runs}`, {
      method: 'POST',
      headers: signedHeaders(instanceId, WorkerRoutes.runs, body),
      body,
    });
    await response.arrayBuffer();
    return response.status;
  }

  const logLines = (runId: number): string[] =>
    manager.to(ManagerRoutes.logs(runId)).flatMap((r) => (r.body as LogBatch).lines.map((l) => l.message));

  beforeAll(async () => {
    Logger.overrideLogger(false);
    manager = await FakeManager.start();
    const config = parseDemoWorkerConfig({
      CHACONNE_SECRET: SECRET,
      CHACONNE_MANAGER_URL: manager.url,
      DEMO_WORKER_PORT: '0',
    });
    app = await NestFactory.create(AppModule.forRoot(config));
    await app.listen(config.port, '127.0.0.1');
    port = (app.getHttpServer() as { address(): AddressInfo }).address().port;
  });

  afterAll(async () => {
    await app?.close();
    await manager.close();
  });

  it('registers DemoCronJob with its cron trigger and EtlJob as a dynamic job', async () => {
    const registration = await manager.waitFor(
      'the registration',
      () => manager.to(ManagerRoutes.register)[0],
    );
    const body = registration.body as RegisterRequest;
    expect(registration.signed).toBe(true);
    expect(body).toMatchObject({
      clusterName: 'demo-cluster',
      groupName: 'demo-worker',
      baseUrlSource: 'detected',
    });
    expect(body.jobs).toContainEqual({ jobClassName: 'EtlJob' });
    expect(body.jobs.find((j) => j.jobClassName === 'DemoCronJob')?.definition).toMatchObject({
      jobKey: {
        clusterName: 'demo-cluster',
        groupName: 'demo-worker',
        jobName: 'demoCronJob',
        jobClassName: 'DemoCronJob',
      },
      trigger: {
        triggerType: TriggerType.CRON,
        triggerDescription: { cron: { expression: '*/5 * * * * ?' } },
      },
    });
  });

  it('runs EtlJob by its qualified class name and reports rows and the parameter', async () => {
    const status = await dispatch({
      runId: 1,
      jobId: 2,
      jobKey: {
        clusterName: 'demo-cluster',
        groupName: 'demo-worker',
        jobName: 'etl',
        jobClassName: 'com.example.EtlJob',
      },
      attempt: 0,
      plannedAt: new Date().toISOString(),
      attachment: '{"initialParameter": "test"}',
      timeoutMs: -1,
      retries: 0,
    });
    expect(status).toBe(202);
    const report = await manager.waitFor('the EtlJob report', () => manager.to(ManagerRoutes.report(1))[0]);
    const outcome = report.body as RunReport;
    expect(outcome.runningState).toBe(RunningState.COMPLETED);
    expect(outcome.result).toEqual({
      rows: expect.any(Number) as unknown,
      parameter: { initialParameter: 'test' },
    });
    expect(logLines(1)[0]).toBe(
      'JobKey:{"clusterName":"demo-cluster","groupName":"demo-worker","jobName":"etl","jobClassName":"com.example.EtlJob"}, Parameter: {"initialParameter": "test"}',
    );
  });

  it('runs DemoCronJob and its onSuccess hook', async () => {
    const status = await dispatch({
      runId: 3,
      jobId: 4,
      jobKey: {
        clusterName: 'demo-cluster',
        groupName: 'demo-worker',
        jobName: 'demoCronJob',
        jobClassName: 'DemoCronJob',
      },
      attempt: 0,
      plannedAt: new Date().toISOString(),
      attachment: null,
      timeoutMs: 10_000,
      retries: 0,
    });
    expect(status).toBe(202);
    const report = await manager.waitFor(
      'the DemoCronJob report',
      () => manager.to(ManagerRoutes.report(3))[0],
    );
    const result = (report.body as RunReport).result;
    expect(typeof result).toBe('number');
    expect(logLines(3)).toEqual([
      expect.stringMatching(/^DemoCronJob is running at: \d{4}-/),
      `DemoCronJob's return value is: ${String(result)}`,
    ]);
  });
});
