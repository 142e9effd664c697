import type { AddressInfo } from 'node:net';
import {
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type INestApplication,
  type Type,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  ManagerRoutes,
  RUN_REQUEST_CONTENT_TYPE,
  RunningState,
  TriggerType,
  WorkerRoutes,
  type RegisterRequest,
  type RunReport,
} from '@chaconne/contracts';
import {
  FakeManager,
  recordingLogger,
  runRequest,
  SECRET,
  signedHeaders,
  signedRun,
} from '@chaconne/testing';
import type { JobContext, NotManagedJob } from '../core/job';
import { ChaconneWorker } from '../chaconne-worker';
import { ChacJob, ChacTrigger, Run } from '../decorators';
import { ManagedJob } from '../managed-job';
import { ChaconneWorkerModule } from './chaconne-worker.module';

@Injectable()
class Greeter {
  greet(name: string | null): string {
    return `hi ${name ?? 'nobody'}`;
  }
}

/** A ManagedJob provider with an injected dependency. */
@Injectable()
class GreetingJob extends ManagedJob {
  constructor(private readonly greeter: Greeter) {
    super();
  }
  override getConcurrency(): number {
    return 1;
  }
  execute(ctx: JobContext): string {
    return this.greeter.greet(ctx.attachment);
  }
}

@ChacJob({ timeout: 5_000 })
@ChacTrigger({ cron: '*/5 * * * * ?' })
class HelloJob {
  @Run() run(ctx: JobContext): string {
    ctx.log.info('hello {}', ctx.attachment);
    return 'hello';
  }
}

class EchoJob implements NotManagedJob {
  execute(ctx: JobContext): unknown {
    return { echoed: ctx.attachment };
  }
}

@ChacJob({ name: 'same' })
class FirstJob {
  @Run() run(): number {
    return 1;
  }
}

@ChacJob({ name: 'same' })
class SecondJob {
  @Run() run(): number {
    return 2;
  }
}

/** The instance id of the apps that serve runs here: the recipient requests are signed for. */
const INSTANCE = 'nest-worker-1';

function appModule(managerUrl: string, providers: Type[]): DynamicModule {
  @Module({})
  class TestAppModule {}
  return {
    module: TestAppModule,
    imports: [
      ChaconneWorkerModule.forRoot({
        managerUrl,
        secret: SECRET,
        clusterName: 'test-cluster',
        groupName: 'test-group',
        instanceId: INSTANCE,
        dynamicJobs: [EchoJob],
        logger: recordingLogger(),
        retryBackoff: { initialMs: 10, maxMs: 20 },
      }),
    ],
    providers,
  };
}

async function post(
  url: string,
  body: string,
  contentType = RUN_REQUEST_CONTENT_TYPE,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...signedHeaders(INSTANCE, WorkerRoutes.runs, body), 'content-type': contentType },
    body,
  });
  return { status: response.status, body: await response.json() };
}

describe('ChaconneWorkerModule', () => {
  let manager: FakeManager;
  let app: INestApplication | undefined;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    manager = await FakeManager.start();
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    manager.reset();
  });

  afterAll(async () => {
    await manager.close();
  });

  it('registers discovered jobs only once the server listens, and serves signed runs inside the app', async () => {
    app = await NestFactory.create(appModule(manager.url, [HelloJob]));
    await app.init();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(manager.to(ManagerRoutes.register)).toHaveLength(0);

    await app.listen(0, '127.0.0.1');
    const { port } = (app.getHttpServer() as { address(): AddressInfo }).address();
    const registration = await manager.waitFor(
      'the registration',
      () => manager.to(ManagerRoutes.register)[0],
    );
    const body = registration.body as RegisterRequest;
    expect(body.baseUrl).toMatch(new RegExp(`:${port}$`));
    expect(body.baseUrlSource).toBe('detected');
    expect(body.jobs).toEqual([
      { jobClassName: 'EchoJob' },
      {
        jobClassName: 'HelloJob',
        definition: expect.objectContaining({
          jobKey: {
            clusterName: 'test-cluster',
            groupName: 'test-group',
            jobName: 'helloJob',
            jobClassName: 'HelloJob',
          },
          timeout: 5_000,
          trigger: expect.objectContaining({
            triggerType: TriggerType.CRON,
            triggerDescription: { cron: { expression: '*/5 * * * * ?' } },
          }) as unknown,
        }) as unknown,
      },
    ]);
    // The manager records the request before the worker has read the answer.
    await expect(app.get(ChaconneWorker).ready).resolves.toBeUndefined();
    expect(app.get(ChaconneWorker).isRegistered).toBe(true);

    // Express' JSON parser is on; the Chaconne media type keeps the raw bytes for the signature.
    const run = runRequest({
      runId: 41,
      jobKey: { ...runRequest().jobKey, jobClassName: 'com.acme.EchoJob' },
    });
    const accepted = await post(`http://127.0.0.1:${port}${WorkerRoutes.runs}`, JSON.stringify(run));
    expect(accepted).toEqual({ status: 202, body: { accepted: true, duplicate: false } });
    const report = await manager.waitFor(
      'the report of run 41',
      () => manager.to(ManagerRoutes.report(41))[0],
    );
    expect(report.body).toMatchObject<Partial<RunReport>>({
      runningState: RunningState.COMPLETED,
      result: { echoed: '{"day":"2024-05-01"}' },
    });

    const unsigned = await fetch(`http://127.0.0.1:${port}${WorkerRoutes.runs}`, {
      method: 'POST',
      headers: { 'content-type': RUN_REQUEST_CONTENT_TYPE },
      body: JSON.stringify(runRequest({ runId: 42 })),
    });
    expect(unsigned.status).toBe(401);

    const parsedByHost = await post(
      `http://127.0.0.1:${port}${WorkerRoutes.runs}`,
      JSON.stringify(runRequest({ runId: 43 })),
      'application/json',
    );
    expect(parsedByHost.status).toBe(415);

    await app.close();
    app = undefined;
    expect(manager.to(ManagerRoutes.deregister)).toHaveLength(1);
  });

  it('serves the endpoints under a global prefix', async () => {
    app = await NestFactory.create(appModule(manager.url, []));
    app.setGlobalPrefix('api');
    await app.listen(0, '127.0.0.1');
    const { port } = (app.getHttpServer() as { address(): AddressInfo }).address();
    const run = runRequest({ runId: 51, jobKey: { ...runRequest().jobKey, jobClassName: 'EchoJob' } });
    const accepted = await post(`http://127.0.0.1:${port}/api${WorkerRoutes.runs}`, JSON.stringify(run));
    expect(accepted.status).toBe(202);
    await manager.waitFor('the report of run 51', () => manager.to(ManagerRoutes.report(51))[0]);
  });

  it('takes its options from a factory and does not register when autoStart is false', async () => {
    const CONFIG = Symbol('CONFIG');
    @Module({ providers: [{ provide: CONFIG, useValue: manager.url }], exports: [CONFIG] })
    class ConfigModule {}
    @Module({
      imports: [
        ChaconneWorkerModule.forRootAsync({
          imports: [ConfigModule],
          inject: [CONFIG],
          useFactory: (managerUrl: string) => ({
            managerUrl,
            secret: SECRET,
            clusterName: 'async-cluster',
            groupName: 'async-group',
            autoStart: false,
            logger: recordingLogger(),
          }),
        }),
      ],
      providers: [HelloJob],
    })
    class AsyncAppModule {}
    app = await NestFactory.create(AsyncAppModule);
    await app.listen(0, '127.0.0.1');
    const worker = app.get(ChaconneWorker);
    expect(worker.jobs.map((j) => j.definition?.jobKey.clusterName)).toEqual(['async-cluster']);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(manager.to(ManagerRoutes.register)).toHaveLength(0);
  });

  it("hands the module's listeners and dynamic job options to the worker", async () => {
    @Module({
      imports: [
        ChaconneWorkerModule.forRoot({
          managerUrl: manager.url,
          secret: SECRET,
          clusterName: 'test-cluster',
          groupName: 'test-group',
          autoStart: false,
          logger: recordingLogger(),
          listeners: [{ beforeRun: (ctx) => ctx.attachment === 'global stop' && 'stopped globally' }],
          dynamicJobs: [
            { jobClass: EchoJob, listeners: [{ beforeRun: (ctx) => ctx.attachment === 'job stop' }] },
          ],
        }),
      ],
    })
    class ListenedAppModule {}
    app = await NestFactory.create(ListenedAppModule);
    await app.init();
    const worker = app.get(ChaconneWorker);
    const reasonOf = async (runId: number, attachment: string): Promise<string | undefined> => {
      const run = runRequest({
        runId,
        attachment,
        jobKey: { ...runRequest().jobKey, jobClassName: 'EchoJob' },
      });
      expect((await worker.handle(signedRun(worker.instanceId, run))).status).toBe(202);
      const report = await manager.waitFor(
        `the report of run ${runId}`,
        () => manager.to(ManagerRoutes.report(runId))[0]?.body as RunReport | undefined,
      );
      expect(report.runningState).toBe(RunningState.FINISHED);
      return report.reason;
    };
    expect(await reasonOf(71, 'global stop')).toBe('stopped globally');
    expect(await reasonOf(72, 'job stop')).toBe('terminated by beforeRun listener');
  });

  it('discovers ManagedJob providers, with their injected dependencies', async () => {
    app = await NestFactory.create(appModule(manager.url, [Greeter, GreetingJob]));
    await app.listen(0, '127.0.0.1');
    const { port } = (app.getHttpServer() as { address(): AddressInfo }).address();
    const registration = await manager.waitFor(
      'the registration',
      () => manager.to(ManagerRoutes.register)[0]?.body as RegisterRequest | undefined,
    );
    expect(registration.jobs.map((job) => job.definition?.jobKey.jobName)).toEqual([
      undefined,
      'greetingJob',
    ]);
    const run = runRequest({
      runId: 61,
      attachment: 'Ada',
      jobKey: { ...runRequest().jobKey, jobClassName: 'GreetingJob' },
    });
    expect((await post(`http://127.0.0.1:${port}${WorkerRoutes.runs}`, JSON.stringify(run))).status).toBe(
      202,
    );
    const report = await manager.waitFor(
      'the report of run 61',
      () => manager.to(ManagerRoutes.report(61))[0]?.body as RunReport | undefined,
    );
    expect(report).toMatchObject({ runningState: RunningState.COMPLETED, result: 'hi Ada' });
  });

  it('fails start-up on a duplicate job name, naming both classes', async () => {
    app = await NestFactory.create(appModule(manager.url, [FirstJob, SecondJob]));
    await expect(app.init()).rejects.toThrow(
      'Duplicate job name "same": declared by class FirstJob and by class SecondJob',
    );
  });
});
