import {
  ErrorCode,
  LogLevel,
  ManagerRoutes,
  PROTOCOL_VERSION,
  ProtocolHeader,
  RunningState,
  TriggerType,
  type DeregisterRequest,
  type HeartbeatRequest,
  type LogBatch,
  type RegisterRequest,
  type RunReport,
} from '@chaconne/contracts';
import {
  errorAnswer,
  FakeManager,
  okAnswer,
  recordingLogger,
  runRequest,
  SECRET,
  signedCancel,
  signedRun,
  type RecordingLogger,
} from '@chaconne/testing';
import { ChacDependency, ChacFork, ChacJob, ChacTrigger, jobFromInstance, Run } from './decorators';
import { ManagedJob } from './managed-job';
import type { ChaconneWorkerOptions } from './core/options';
import type { JobContext } from './core/job';
import { RunAbortedError } from './core/errors';
import { SDK_VERSION } from './core/version';
import { ChaconneWorker, SHUTDOWN_BEFORE_START_REASON, SHUTDOWN_REASON } from './chaconne-worker';

@ChacJob()
@ChacTrigger({ triggerType: TriggerType.DEPENDENT })
@ChacDependency([{ name: 'extract', className: 'Extract' }])
class LoadJob {
  @Run() run(): number {
    return 1;
  }
}

@ChacFork([{ cluster: 'east', group: 'pdf', name: 'render', className: 'com.acme.Render' }], {
  completionRate: 0.5,
})
class PublishJob extends ManagedJob {
  execute(): number {
    return 2;
  }
}

/** A promise to release by hand, and whether the code waiting on it has started. */
function latch(): { wait: () => Promise<void>; release: () => void; started: () => boolean } {
  let release: () => void = () => undefined;
  let started = false;
  const opened = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    wait: () => {
      started = true;
      return opened;
    },
    release: () => {
      release();
    },
    started: () => started,
  };
}

describe('ChaconneWorker', () => {
  let manager: FakeManager;
  const workers: ChaconneWorker[] = [];
  let logger: RecordingLogger;

  function worker(options: Partial<ChaconneWorkerOptions> = {}): ChaconneWorker {
    const created = new ChaconneWorker({
      managerUrl: manager.url,
      secret: SECRET,
      clusterName: 'test-cluster',
      groupName: 'test-group',
      port: 8088,
      instanceId: 'worker-1',
      logger,
      retryBackoff: { initialMs: 10, maxMs: 40 },
      logShipping: { flushIntervalMs: 10 },
      ...options,
    });
    workers.push(created);
    return created;
  }

  const report = (runId: number): RunReport | undefined =>
    manager.to(ManagerRoutes.report(runId)).at(-1)?.body as RunReport | undefined;
  const waitForReport = (runId: number): Promise<RunReport> =>
    manager.waitFor(`the report of run ${runId}`, () => report(runId));

  beforeAll(async () => {
    manager = await FakeManager.start();
  });

  beforeEach(() => {
    manager.reset();
    logger = recordingLogger();
  });

  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.close()));
  });

  afterAll(async () => {
    await manager.close();
  });

  describe('start()', () => {
    it('registers every job, signed, with protocol headers and the detected base URL', async () => {
      const w = worker({ labels: { zone: 'a' }, weight: 3 });
      w.addJob({
        jobClassName: 'NightlyReport',
        trigger: {
          triggerType: TriggerType.CRON,
          triggerDescription: { cron: { expression: '0 0 2 * * ?' } },
        },
        execute: () => 'ok',
      });
      w.addDynamicJob('EtlJob', () => 1);
      await w.start();
      await expect(w.ready).resolves.toBeUndefined();
      const [request] = manager.to(ManagerRoutes.register);
      expect(request?.signed).toBe(true);
      expect(request?.headers[ProtocolHeader.PROTOCOL]).toBe(String(PROTOCOL_VERSION));
      expect(request?.headers[ProtocolHeader.SDK]).toBe(SDK_VERSION);
      expect(request?.headers['content-type']).toBe('application/json');
      const body = request?.body as RegisterRequest;
      expect(body).toMatchObject({
        instanceId: 'worker-1',
        clusterName: 'test-cluster',
        groupName: 'test-group',
        baseUrlSource: 'detected',
        weight: 3,
        labels: { zone: 'a' },
        sdkVersion: SDK_VERSION,
        protocolVersion: PROTOCOL_VERSION,
      });
      expect(body.baseUrl).toMatch(/^http:\/\/\d+\.\d+\.\d+\.\d+:8088$/);
      expect(body.jobs).toEqual([
        {
          jobClassName: 'NightlyReport',
          definition: expect.objectContaining({
            jobKey: {
              clusterName: 'test-cluster',
              groupName: 'test-group',
              jobName: 'nightlyReport',
              jobClassName: 'NightlyReport',
            },
          }) as unknown,
        },
        { jobClassName: 'EtlJob' },
      ]);
    });

    it('sends dependency declarations to the manager intact', async () => {
      const w = worker();
      w.addJob(jobFromInstance(new LoadJob()));
      w.addJob(new PublishJob());
      await w.start();
      const body = manager.to(ManagerRoutes.register)[0]?.body as RegisterRequest;
      expect(body.jobs.map((job) => job.definition)).toEqual([
        expect.objectContaining({
          jobKey: {
            clusterName: 'test-cluster',
            groupName: 'test-group',
            jobName: 'loadJob',
            jobClassName: 'LoadJob',
          },
          dependentKeys: [
            {
              clusterName: 'test-cluster',
              groupName: 'test-group',
              jobName: 'extract',
              jobClassName: 'Extract',
            },
          ],
          forkKeys: null,
          completionRate: -1,
          trigger: expect.objectContaining({ triggerType: TriggerType.DEPENDENT }) as unknown,
        }),
        expect.objectContaining({
          jobKey: {
            clusterName: 'test-cluster',
            groupName: 'test-group',
            jobName: 'publishJob',
            jobClassName: 'PublishJob',
          },
          dependentKeys: null,
          forkKeys: [
            { clusterName: 'east', groupName: 'pdf', jobName: 'render', jobClassName: 'com.acme.Render' },
          ],
          completionRate: 0.5,
        }),
      ]);
    });

    it('sends a configured base URL as configured', async () => {
      const w = worker({ baseUrl: 'https://jobs.example.com/app/' });
      await w.start();
      expect(manager.to(ManagerRoutes.register)[0]?.body).toMatchObject({
        baseUrl: 'https://jobs.example.com/app',
        baseUrlSource: 'configured',
      });
    });

    it('retries registration until the manager answers, warning once per failure streak', async () => {
      manager.on(ManagerRoutes.register, (_req, count) =>
        count <= 3 ? errorAnswer(503, ErrorCode.DEPENDENCY_UNAVAILABLE) : undefined,
      );
      const w = worker();
      await w.start();
      expect(manager.to(ManagerRoutes.register)).toHaveLength(4);
      expect(logger.lines.filter((l) => l.level === 'warn')).toHaveLength(1);
      expect(w.isRegistered).toBe(true);
    });

    it('stops with an error when the manager refuses the protocol', async () => {
      manager.on(ManagerRoutes.register, () =>
        errorAnswer(400, ErrorCode.INCOMPATIBLE_PROTOCOL, 'protocol 1 is not supported'),
      );
      const w = worker();
      await expect(w.start()).rejects.toThrow('registration refused');
      await expect(w.ready).rejects.toThrow('registration refused');
      expect(manager.to(ManagerRoutes.register)).toHaveLength(1);
      expect(logger.lines.find((l) => l.level === 'error')?.message).toContain('INCOMPATIBLE_PROTOCOL');
    });

    it('refuses to start without a base URL or a port', async () => {
      const w = worker({ port: undefined });
      await expect(w.start()).rejects.toThrow('set options.baseUrl or options.port');
    });

    it('throws at construction on a short secret', () => {
      expect(() => worker({ secret: 'too-short' })).toThrow(/secret must be at least 32 characters/);
    });

    it('refuses jobs added after start()', async () => {
      const w = worker();
      await w.start();
      expect(() => w.addDynamicJob('Late', () => 1)).toThrow('Register jobs before start()');
    });
  });

  describe('heartbeats', () => {
    it('heartbeats at the interval the manager asks for and re-registers when it is unknown', async () => {
      manager.on(ManagerRoutes.register, () =>
        okAnswer({ instanceId: 'worker-1', heartbeatIntervalMs: 50, jobs: [] }),
      );
      manager.on(ManagerRoutes.heartbeat, (_req, count) =>
        count === 2 ? okAnswer({ known: false }) : undefined,
      );
      const w = worker();
      await w.start();
      await manager.waitFor('a second registration', () => manager.to(ManagerRoutes.register).length >= 2);
      await manager.waitFor(
        'heartbeats after re-registering',
        () => manager.to(ManagerRoutes.heartbeat).length >= 3,
      );
      expect(manager.to(ManagerRoutes.heartbeat)[0]?.body).toEqual<HeartbeatRequest>({
        instanceId: 'worker-1',
        activeRuns: 0,
        draining: false,
        capacity: null,
        heldRuns: 0,
        waitingRuns: 0,
      });
      expect(w.isRegistered).toBe(true);
    });
  });

  describe('runs', () => {
    it('runs the handler with its context, ships its logs, then reports COMPLETED with the result', async () => {
      let seen: JobContext | undefined;
      const w = worker();
      w.addDynamicJob('EtlJob', async (ctx) => {
        seen = ctx;
        ctx.log.info('JobKey:{}, Parameter: {}', ctx.jobKey.jobName, ctx.attachment);
        await new Promise((resolve) => setTimeout(resolve, 5));
        return { rows: 3 };
      });
      const response = await w.handle(signedRun(w.instanceId, runRequest({ runId: 201, attempt: 2 })));
      expect(response.status).toBe(202);
      const outcome = await waitForReport(201);
      expect(outcome).toMatchObject({
        instanceId: 'worker-1',
        runningState: RunningState.COMPLETED,
        result: { rows: 3 },
      });
      expect(Date.parse(outcome.finishedAt)).toBeGreaterThanOrEqual(Date.parse(outcome.startedAt));
      expect(seen).toMatchObject({
        runId: 201,
        jobId: 7,
        attempt: 2,
        // retries 0: every attempt is the last.
        retries: 0,
        isLastAttempt: true,
        attachment: '{"day":"2024-05-01"}',
        instanceId: 'worker-1',
      });
      expect(seen?.plannedAt).toEqual(new Date('2024-05-01T10:00:00.000Z'));
      const paths = manager.requests.map((r) => r.path);
      expect(paths.indexOf(ManagerRoutes.logs(201))).toBeLessThan(paths.indexOf(ManagerRoutes.report(201)));
      const batch = manager.to(ManagerRoutes.logs(201))[0]?.body as LogBatch;
      expect(batch.lines[0]).toMatchObject({
        level: LogLevel.INFO,
        message: 'JobKey:etlJob, Parameter: {"day":"2024-05-01"}',
      });
      expect(manager.to(ManagerRoutes.report(201))[0]?.signed).toBe(true);
    });

    it('reports FAILED with the error, and calls onFailure', async () => {
      const failures: string[] = [];
      const w = worker();
      w.addJob({
        jobClassName: 'Flaky',
        trigger: { triggerType: TriggerType.SIMPLE },
        execute: () => {
          throw new RangeError('out of range');
        },
        onFailure: (_ctx, error) => {
          failures.push(error.message);
        },
      });
      await w.handle(
        signedRun(
          w.instanceId,
          runRequest({ runId: 202, jobKey: { ...runRequest().jobKey, jobClassName: 'Flaky' } }),
        ),
      );
      const outcome = await waitForReport(202);
      expect(outcome.runningState).toBe(RunningState.FAILED);
      expect(outcome.error).toMatchObject({ name: 'RangeError', message: 'out of range' });
      expect(outcome.error?.stack).toContain('RangeError: out of range');
      expect(failures).toEqual(['out of range']);
    });

    it('logs a failing onSuccess hook without failing the run', async () => {
      const w = worker();
      w.addJob({
        jobClassName: 'Hooked',
        trigger: { triggerType: TriggerType.SIMPLE },
        execute: () => 5,
        onSuccess: () => {
          throw new Error('hook broke');
        },
      });
      await w.handle(
        signedRun(
          w.instanceId,
          runRequest({ runId: 203, jobKey: { ...runRequest().jobKey, jobClassName: 'Hooked' } }),
        ),
      );
      expect(await waitForReport(203)).toMatchObject({ runningState: RunningState.COMPLETED, result: 5 });
      const lines = manager.to(ManagerRoutes.logs(203)).flatMap((r) => (r.body as LogBatch).lines);
      expect(
        lines.some(
          (l) =>
            l.level === LogLevel.ERROR && l.message.startsWith('onSuccess hook failed\nError: hook broke'),
        ),
      ).toBe(true);
    });

    it('aborts at the timeout and reports FAILED without waiting for a handler that ignores its signal', async () => {
      let signal: AbortSignal | undefined;
      const w = worker();
      w.addDynamicJob('EtlJob', (ctx) => {
        signal = ctx.signal;
        return new Promise(() => undefined); // never settles, ignores the signal
      });
      await w.handle(signedRun(w.instanceId, runRequest({ runId: 204, timeoutMs: 50 })));
      const outcome = await waitForReport(204);
      expect(outcome).toMatchObject({
        runningState: RunningState.FAILED,
        reason: 'timeout after 50 ms',
        error: { name: 'TimeoutError', message: 'timeout after 50 ms' },
      });
      expect(signal?.aborted).toBe(true);
      await manager.waitFor('the run to settle', () => w.activeRuns === 0);
    });

    it('aborts a run cancelled by the manager', async () => {
      const w = worker();
      w.addDynamicJob(
        'EtlJob',
        (ctx) =>
          new Promise((_resolve, reject) => {
            ctx.signal.addEventListener('abort', () => {
              reject(ctx.signal.reason as Error);
            });
          }),
      );
      await w.handle(signedRun(w.instanceId, runRequest({ runId: 205 })));
      await new Promise((resolve) => setTimeout(resolve, 10));
      const cancelled = await w.handle(signedCancel(w.instanceId, 205));
      expect([cancelled.status, JSON.parse(cancelled.body)]).toEqual([200, { runId: 205, cancelled: true }]);
      expect(await waitForReport(205)).toMatchObject({
        runningState: RunningState.FAILED,
        reason: 'cancelled by a test',
      });
    });

    it("aborts a cancelled run with a RunAbortedError carrying the manager's reason", async () => {
      const w = worker();
      let seen: unknown;
      w.addDynamicJob(
        'EtlJob',
        (ctx) =>
          new Promise((_resolve, reject) => {
            ctx.signal.addEventListener('abort', () => {
              seen = ctx.signal.reason;
              reject(ctx.signal.reason as Error);
            });
          }),
      );
      await w.handle(signedRun(w.instanceId, runRequest({ runId: 215 })));
      await new Promise((resolve) => setTimeout(resolve, 10));
      const cancelled = await w.handle(signedCancel(w.instanceId, 215, '{"reason":"replaced by run 42"}'));
      expect(cancelled.status).toBe(200);
      expect(await waitForReport(215)).toMatchObject({
        runningState: RunningState.FAILED,
        reason: 'replaced by run 42',
        error: { name: 'AbortError', message: 'replaced by run 42' },
      });
      expect(seen).toBeInstanceOf(RunAbortedError);
      expect((seen as Error).message).toBe('replaced by run 42');
    });

    it('retries the report with backoff until the manager accepts it', async () => {
      manager.on(ManagerRoutes.report(206), (_req, count) =>
        count <= 2 ? errorAnswer(503, ErrorCode.DEPENDENCY_UNAVAILABLE) : undefined,
      );
      const w = worker();
      w.addDynamicJob('EtlJob', () => 'done');
      await w.handle(signedRun(w.instanceId, runRequest({ runId: 206 })));
      await manager.waitFor('three report attempts', () => manager.to(ManagerRoutes.report(206)).length >= 3);
      await manager.waitFor('the run to settle', () => w.activeRuns === 0);
      expect(manager.to(ManagerRoutes.report(206))).toHaveLength(3);
      expect(manager.to(ManagerRoutes.report(206)).map((r) => (r.body as RunReport).result)).toEqual([
        'done',
        'done',
        'done',
      ]);
      expect(logger.lines.filter((l) => l.level === 'warn' && l.message.includes('run 206'))).toHaveLength(1);
    });

    it('keeps retrying a report while the manager is unreachable, warning once', async () => {
      const down = await FakeManager.start();
      const url = down.url;
      await down.close(); // nothing listens on this port any more
      const w = worker({ managerUrl: url, shutdownGraceMs: 50 });
      w.addDynamicJob('EtlJob', () => 'late');
      await w.handle(signedRun(w.instanceId, runRequest({ runId: 207 })));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(w.activeRuns).toBe(1); // still retrying the report
      expect(logger.lines.filter((l) => l.level === 'warn' && l.message.includes('run 207'))).toHaveLength(1);
      await w.close(); // gives up after the grace period
      expect(w.activeRuns).toBe(0);
      expect(
        logger.lines.some(
          (l) => l.level === 'error' && l.message.startsWith('run 207: report not delivered'),
        ),
      ).toBe(true);
    });

    it('stops retrying a report the manager refuses with 409', async () => {
      manager.on(ManagerRoutes.report(208), () =>
        errorAnswer(409, ErrorCode.STATE_CONFLICT, 'run already finished'),
      );
      const w = worker();
      w.addDynamicJob('EtlJob', () => 1);
      await w.handle(signedRun(w.instanceId, runRequest({ runId: 208 })));
      await manager.waitFor(
        'the run to settle',
        () => manager.to(ManagerRoutes.report(208)).length === 1 && w.activeRuns === 0,
      );
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(manager.to(ManagerRoutes.report(208))).toHaveLength(1);
      expect(logger.lines.some((l) => l.level === 'warn' && l.message.includes('STATE_CONFLICT'))).toBe(true);
    });
  });

  describe('close()', () => {
    it('waits for in-flight runs, reports them, deregisters, then refuses new runs with 503', async () => {
      const w = worker();
      w.addDynamicJob('EtlJob', async () => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        return 'finished';
      });
      await w.start();
      await w.handle(signedRun(w.instanceId, runRequest({ runId: 301 })));
      await w.close();
      expect(report(301)).toMatchObject({ runningState: RunningState.COMPLETED, result: 'finished' });
      const paths = manager.requests.map((r) => r.path);
      expect(paths.indexOf(ManagerRoutes.report(301))).toBeLessThan(paths.indexOf(ManagerRoutes.deregister));
      expect(manager.to(ManagerRoutes.deregister)[0]?.body).toEqual<DeregisterRequest>({
        instanceId: 'worker-1',
      });
      expect(manager.to(ManagerRoutes.heartbeat).some((r) => (r.body as HeartbeatRequest).draining)).toBe(
        true,
      );
      const refused = await w.handle(signedRun(w.instanceId, runRequest({ runId: 302 })));
      expect(refused.status).toBe(503);
    });

    it('sends a draining heartbeat at once, before the in-flight run finishes, and refuses new runs with 503', async () => {
      const gate = latch();
      const w = worker(); // the manager asks for a heartbeat every 60 s: any heartbeat seen here is close()'s
      w.addDynamicJob('EtlJob', async () => {
        await gate.wait();
        return 'drained';
      });
      await w.start();
      await w.handle(signedRun(w.instanceId, runRequest({ runId: 311 })));
      await manager.waitFor('the run to start', () => gate.started());
      const closing = w.close();
      const heartbeat = await manager.waitFor('the draining heartbeat', () =>
        manager.to(ManagerRoutes.heartbeat).find((r) => (r.body as HeartbeatRequest).draining),
      );
      expect(heartbeat.body).toEqual<HeartbeatRequest>({
        instanceId: 'worker-1',
        activeRuns: 1,
        draining: true,
        capacity: null,
        heldRuns: 0,
        waitingRuns: 0,
      });
      expect(report(311)).toBeUndefined();
      const refused = await w.handle(signedRun(w.instanceId, runRequest({ runId: 312 })));
      expect([refused.status, JSON.parse(refused.body)]).toEqual([
        503,
        expect.objectContaining({ code: ErrorCode.DEPENDENCY_UNAVAILABLE }),
      ]);
      expect(manager.to(ManagerRoutes.deregister)).toHaveLength(0);

      gate.release();
      await closing;
      expect(report(311)).toMatchObject({ runningState: RunningState.COMPLETED, result: 'drained' });
      const paths = manager.requests.map((r) => r.path);
      expect(paths.indexOf(ManagerRoutes.heartbeat)).toBeLessThan(paths.indexOf(ManagerRoutes.report(311)));
      expect(paths.indexOf(ManagerRoutes.report(311))).toBeLessThan(paths.indexOf(ManagerRoutes.deregister));
      expect(manager.to(ManagerRoutes.report(312))).toHaveLength(0);
    });

    it('reports a run outlasting the grace period FAILED with the reason, before deregistering', async () => {
      const w = worker({ shutdownGraceMs: 50 });
      let signal: AbortSignal | undefined;
      w.addDynamicJob('EtlJob', (ctx) => {
        signal = ctx.signal;
        return new Promise(() => undefined); // never settles, ignores the signal
      });
      await w.start();
      await w.handle(signedRun(w.instanceId, runRequest({ runId: 313 })));
      const started = Date.now();
      await w.close();
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(report(313)).toMatchObject({
        runningState: RunningState.FAILED,
        reason: SHUTDOWN_REASON,
        error: { name: 'AbortError', message: 'worker shut down before the run finished' },
      });
      expect(signal?.aborted).toBe(true);
      const paths = manager.requests.map((r) => r.path);
      expect(paths.indexOf(ManagerRoutes.report(313))).toBeLessThan(paths.indexOf(ManagerRoutes.deregister));
      expect(w.activeRuns).toBe(0);
    });

    it('reports the known outcome of a run whose onSuccess hook outlasts the grace period', async () => {
      const w = worker({ shutdownGraceMs: 50 });
      w.addJob({
        jobClassName: 'EtlJob',
        trigger: { triggerType: TriggerType.SIMPLE },
        execute: () => 'body done',
        onSuccess: () => new Promise(() => undefined), // a hook that never returns
      });
      await w.handle(signedRun(w.instanceId, runRequest({ runId: 314 })));
      await w.close();
      expect(report(314)).toMatchObject({ runningState: RunningState.COMPLETED, result: 'body done' });
    });

    it('aborts runs still executing after the grace period and reports them FAILED', async () => {
      const w = worker({ shutdownGraceMs: 30 });
      w.addDynamicJob('EtlJob', () => new Promise(() => undefined));
      await w.start();
      await w.handle(signedRun(w.instanceId, runRequest({ runId: 303 })));
      await w.close();
      expect(report(303)).toMatchObject({
        runningState: RunningState.FAILED,
        reason: 'worker shut down before the run finished',
      });
    });

    it('runs a waiting run within the grace period', async () => {
      const w = worker({ shutdownGraceMs: 5_000 });
      w.addDynamicJob(
        'EtlJob',
        async (ctx) => {
          await new Promise((resolve) => setTimeout(resolve, 20));
          return ctx.runId;
        },
        { concurrency: 1 },
      );
      await w.handle(signedRun(w.instanceId, runRequest({ runId: 321 })));
      await w.handle(signedRun(w.instanceId, runRequest({ runId: 322 })));
      await w.close();
      expect(report(321)).toMatchObject({ runningState: RunningState.COMPLETED, result: 321 });
      expect(report(322)).toMatchObject({ runningState: RunningState.COMPLETED, result: 322 });
    });

    it('reports a run still waiting for a slot at the end of the grace period SKIPPED, never running it', async () => {
      const w = worker({ shutdownGraceMs: 50 });
      const started: number[] = [];
      w.addDynamicJob(
        'EtlJob',
        (ctx) => {
          started.push(ctx.runId);
          return new Promise(() => undefined); // never settles, ignores the signal
        },
        { concurrency: 1 },
      );
      await w.start();
      await w.handle(signedRun(w.instanceId, runRequest({ runId: 323 })));
      await w.handle(signedRun(w.instanceId, runRequest({ runId: 324 })));
      await w.close();
      const draining = manager.to(ManagerRoutes.heartbeat).find((r) => (r.body as HeartbeatRequest).draining);
      expect(draining?.body).toMatchObject({ activeRuns: 1, waitingRuns: 1 });
      expect(report(323)).toMatchObject({ runningState: RunningState.FAILED, reason: SHUTDOWN_REASON });
      expect(report(324)).toMatchObject({
        runningState: RunningState.SKIPPED,
        reason: SHUTDOWN_BEFORE_START_REASON,
      });
      expect(started).toEqual([323]);
    });

    it('runs a held run due within the grace period on time, and gives back at once one due after it', async () => {
      const w = worker({ shutdownGraceMs: 5_000 });
      const started: number[] = [];
      w.addDynamicJob('EtlJob', (ctx) => {
        started.push(ctx.runId);
        return ctx.runId;
      });
      await w.start();
      const sent = performance.now();
      await w.handle(signedRun(w.instanceId, runRequest({ runId: 331, startInMs: 100 })));
      await w.handle(signedRun(w.instanceId, runRequest({ runId: 332, startInMs: 10_000 })));
      const closing = w.close();
      expect(await waitForReport(332)).toMatchObject({
        runningState: RunningState.SKIPPED,
        reason: SHUTDOWN_BEFORE_START_REASON,
      });
      const draining = manager.to(ManagerRoutes.heartbeat).find((r) => (r.body as HeartbeatRequest).draining);
      expect(draining?.body).toMatchObject({ heldRuns: 1, waitingRuns: 0 });
      await closing;
      expect(performance.now() - sent).toBeGreaterThanOrEqual(100);
      expect(report(331)).toMatchObject({ runningState: RunningState.COMPLETED, result: 331 });
      expect(started).toEqual([331]);
    });

    it('still delivers the reports of in-flight runs when it is not registered', async () => {
      const w = worker();
      w.addDynamicJob('EtlJob', async () => {
        await new Promise((resolve) => setTimeout(resolve, 30));
        return 'unregistered';
      });
      await w.handle(signedRun(w.instanceId, runRequest({ runId: 304 })));
      await w.close();
      expect(report(304)).toMatchObject({ runningState: RunningState.COMPLETED, result: 'unregistered' });
      expect(manager.to(ManagerRoutes.deregister)).toHaveLength(0);
    });

    it('ends a registration that is still retrying', async () => {
      manager.on(ManagerRoutes.register, () => errorAnswer(503, ErrorCode.DEPENDENCY_UNAVAILABLE));
      const w = worker();
      const started = w.start();
      await manager.waitFor('a registration attempt', () => manager.to(ManagerRoutes.register).length > 0);
      await w.close();
      await expect(started).rejects.toThrow('closed before the manager accepted');
      // A request sent just before close() may still be arriving; none may be sent after it.
      await new Promise((resolve) => setTimeout(resolve, 30));
      const attempts = manager.to(ManagerRoutes.register).length;
      await new Promise((resolve) => setTimeout(resolve, 80));
      expect(manager.to(ManagerRoutes.register)).toHaveLength(attempts);
      expect(manager.to(ManagerRoutes.deregister)).toHaveLength(0);
    });
  });
});
