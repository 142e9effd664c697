import {
  ErrorCode,
  ManagerRoutes,
  ProtocolLimits,
  RunningState,
  type ApiFailure,
  type LogBatch,
  type RunReport,
  type RunRequest,
} from '@chaconne/contracts';
import { FakeManager, recordingLogger, runRequest, SECRET, signedCancel, signedRun } from '@chaconne/testing';
import { ChacJob, OnFailure, OnSuccess, Prepare, Run, ShouldRun, jobFromInstance } from './decorators';
import { ManagedJob } from './managed-job';
import { JobTerminationError, NonRetryableError } from './core/errors';
import type { JobContext, NotManagedJob, ShouldRunResult } from './core/job';
import type { ChaconneWorkerOptions } from './core/options';
import { onDemandTrigger } from './core/trigger';
import { ChaconneWorker } from './chaconne-worker';
import { defaultWaitLimit } from './core/run-admission';

/**
 * What every job style below does, driven by the run's attachment:
 * `skip` -> shouldRun false; `because ...` -> shouldRun answers that reason;
 * `terminate` -> JobTerminationError; `fatal` -> NonRetryableError; `flaky` -> Error;
 * else returns 'done'.
 */
const calls: string[] = [];
const behaviour = {
  prepare(ctx: JobContext): void {
    calls.push('prepare');
    if (ctx.attachment === 'broken prepare') throw new Error('no connection');
  },
  shouldRun(ctx: JobContext): ShouldRunResult {
    calls.push('shouldRun');
    if (ctx.attachment === 'skip') return false;
    if (ctx.attachment?.startsWith('because ')) return ctx.attachment;
    return true;
  },
  execute(ctx: JobContext): string {
    calls.push('execute');
    if (ctx.attachment === 'terminate') throw new JobTerminationError('source exhausted');
    if (ctx.attachment === 'fatal') throw new NonRetryableError('attachment has no "table"');
    if (ctx.attachment === 'flaky') throw new Error('try again');
    return 'done';
  },
  onSuccess(): void {
    calls.push('onSuccess');
  },
  onFailure(_ctx: JobContext, error: Error): void {
    calls.push(`onFailure ${error.name}`);
  },
};

class GatedManagedJob extends ManagedJob {
  constructor(private readonly everyAttempt = false) {
    super();
  }
  override getJobClassName(): string {
    return 'Gated';
  }
  override getOnFailureEveryAttempt(): boolean {
    return this.everyAttempt;
  }
  override prepare(ctx: JobContext): void {
    behaviour.prepare(ctx);
  }
  override shouldRun(ctx: JobContext): ShouldRunResult {
    return behaviour.shouldRun(ctx);
  }
  execute(ctx: JobContext): string {
    return behaviour.execute(ctx);
  }
  override onSuccess(): void {
    behaviour.onSuccess();
  }
  override onFailure(ctx: JobContext, error: Error): void {
    behaviour.onFailure(ctx, error);
  }
}

@ChacJob({ jobClassName: 'Gated' })
class GatedChacJob {
  @Prepare() open(ctx: JobContext): void {
    behaviour.prepare(ctx);
  }
  @ShouldRun() gate(ctx: JobContext): ShouldRunResult {
    return behaviour.shouldRun(ctx);
  }
  @Run() run(ctx: JobContext): string {
    return behaviour.execute(ctx);
  }
  @OnSuccess() done(): void {
    behaviour.onSuccess();
  }
  @OnFailure() failed(ctx: JobContext, error: Error): void {
    behaviour.onFailure(ctx, error);
  }
}

@ChacJob({ jobClassName: 'Gated', onFailureEveryAttempt: true })
class EveryAttemptChacJob extends GatedChacJob {}

class Gated implements NotManagedJob {
  prepare = behaviour.prepare;
  shouldRun = behaviour.shouldRun;
  execute = behaviour.execute;
  onSuccess = behaviour.onSuccess;
  onFailure = behaviour.onFailure;
}

type Register = (worker: ChaconneWorker) => void;

/** Each job style, registered as is and with `onFailureEveryAttempt`. */
const styles: [string, Register, Register][] = [
  ['ManagedJob', (w) => w.addJob(new GatedManagedJob()), (w) => w.addJob(new GatedManagedJob(true))],
  [
    'Job',
    (w) => w.addJob({ jobClassName: 'Gated', trigger: onDemandTrigger(), ...behaviour }),
    (w) =>
      w.addJob({
        jobClassName: 'Gated',
        trigger: onDemandTrigger(),
        onFailureEveryAttempt: true,
        ...behaviour,
      }),
  ],
  [
    '@ChacJob',
    (w) => w.addJob(jobFromInstance(new GatedChacJob())),
    (w) => w.addJob(jobFromInstance(new EveryAttemptChacJob())),
  ],
  [
    'NotManagedJob',
    (w) => w.addDynamicJob(Gated),
    (w) => w.addDynamicJob(Gated, { onFailureEveryAttempt: true }),
  ],
];

describe('run outcomes and limits', () => {
  let manager: FakeManager;
  const workers: ChaconneWorker[] = [];
  let nextRunId = 500;

  function worker(options: Partial<ChaconneWorkerOptions> = {}): ChaconneWorker {
    const created = new ChaconneWorker({
      managerUrl: manager.url,
      secret: SECRET,
      clusterName: 'test-cluster',
      groupName: 'test-group',
      port: 8088,
      logger: recordingLogger(),
      retryBackoff: { initialMs: 10, maxMs: 40 },
      logShipping: { flushIntervalMs: 10 },
      ...options,
    });
    workers.push(created);
    return created;
  }

  async function dispatch(
    w: ChaconneWorker,
    jobClassName: string,
    attachment: string | null = null,
    runId = ++nextRunId,
    overrides: Partial<RunRequest> = {},
  ): Promise<{ runId: number; status: number; body: unknown }> {
    const response = await w.handle(
      signedRun(
        w.instanceId,
        runRequest({ runId, attachment, jobKey: { ...runRequest().jobKey, jobClassName }, ...overrides }),
      ),
    );
    return { runId, status: response.status, body: JSON.parse(response.body) as unknown };
  }

  const reportOf = (runId: number): Promise<RunReport> =>
    manager.waitFor(
      `the report of run ${runId}`,
      () => manager.to(ManagerRoutes.report(runId)).at(-1)?.body as RunReport | undefined,
    );

  async function outcome(
    w: ChaconneWorker,
    attachment: string | null,
    attempt: Pick<RunRequest, 'attempt' | 'retries'> = { attempt: 0, retries: 0 },
  ): Promise<RunReport> {
    const { runId, status } = await dispatch(w, 'Gated', attachment, undefined, attempt);
    expect(status).toBe(202);
    return reportOf(runId);
  }

  beforeAll(async () => {
    manager = await FakeManager.start();
  });

  beforeEach(() => {
    manager.reset();
    calls.length = 0;
  });

  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.close()));
  });

  afterAll(async () => {
    await manager.close();
  });

  describe.each(styles)('hooks of a %s', (_style, register, registerEveryAttempt) => {
    let w: ChaconneWorker;

    beforeEach(() => {
      w = worker();
      register(w);
    });

    const failures = (): string[] => calls.filter((call) => call.startsWith('onFailure'));

    it('calls onFailure only on the last attempt: a failed attempt that will be retried reports FAILED without it', async () => {
      for (const attempt of [0, 1]) {
        expect(await outcome(w, 'flaky', { attempt, retries: 2 })).toMatchObject({
          runningState: RunningState.FAILED,
          reason: 'try again',
          retryable: true,
        });
      }
      expect(failures()).toEqual([]);
      expect(await outcome(w, 'flaky', { attempt: 2, retries: 2 })).toMatchObject({
        runningState: RunningState.FAILED,
        retryable: true,
      });
      expect(failures()).toEqual(['onFailure Error']);
    });

    it('reports a NonRetryableError before the last attempt as not retryable, and calls onFailure once: the final failure', async () => {
      expect(await outcome(w, 'fatal', { attempt: 0, retries: 3 })).toMatchObject({
        runningState: RunningState.FAILED,
        error: { name: 'NonRetryableError' },
        retryable: false,
      });
      expect(failures()).toEqual(['onFailure NonRetryableError']);
    });

    it('calls onFailure once per NonRetryableError with onFailureEveryAttempt too', async () => {
      const every = worker();
      registerEveryAttempt(every);
      expect(await outcome(every, 'fatal', { attempt: 0, retries: 3 })).toMatchObject({ retryable: false });
      expect(failures()).toEqual(['onFailure NonRetryableError']);
    });

    it('calls onFailure after every failed attempt with onFailureEveryAttempt', async () => {
      const every = worker();
      registerEveryAttempt(every);
      for (const attempt of [0, 1, 2]) await outcome(every, 'flaky', { attempt, retries: 2 });
      expect(failures()).toEqual(['onFailure Error', 'onFailure Error', 'onFailure Error']);
    });

    it('runs prepare, shouldRun, the body, then onSuccess, and reports COMPLETED', async () => {
      const completed = await outcome(w, null);
      expect(completed).toMatchObject({ runningState: RunningState.COMPLETED, result: 'done' });
      // Only a FAILED report says whether it may be retried.
      expect(completed).not.toHaveProperty('retryable');
      expect(calls).toEqual(['prepare', 'shouldRun', 'execute', 'onSuccess']);
    });

    it('reports SKIPPED with a reason when shouldRun answers false or a reason, running neither the body nor a hook', async () => {
      const skipped = await outcome(w, 'skip');
      expect(skipped).toMatchObject({
        runningState: RunningState.SKIPPED,
        reason: 'shouldRun returned false',
      });
      expect(skipped.error).toBeUndefined();
      expect(await outcome(w, 'because the ledger is closed')).toMatchObject({
        runningState: RunningState.SKIPPED,
        reason: 'because the ledger is closed',
      });
      expect(calls).toEqual(['prepare', 'shouldRun', 'prepare', 'shouldRun']);
    });

    it('reports FINISHED with the message as the reason when the body throws JobTerminationError', async () => {
      expect(await outcome(w, 'terminate')).toMatchObject({
        runningState: RunningState.FINISHED,
        reason: 'source exhausted',
        error: { name: 'JobTerminationError', message: 'source exhausted' },
      });
      expect(calls).toEqual(['prepare', 'shouldRun', 'execute']);
    });

    it('reports NonRetryableError as FAILED under its name, not retryable, and calls onFailure', async () => {
      expect(await outcome(w, 'fatal')).toMatchObject({
        runningState: RunningState.FAILED,
        reason: 'attachment has no "table"',
        error: { name: 'NonRetryableError', message: 'attachment has no "table"' },
        retryable: false,
      });
      expect(calls).toEqual(['prepare', 'shouldRun', 'execute', 'onFailure NonRetryableError']);
    });
  });

  it('tells the handler its retries and whether this is the last attempt', async () => {
    const w = worker();
    w.addDynamicJob('Attempts', (ctx) => ({ retries: ctx.retries, isLastAttempt: ctx.isLastAttempt }));
    const seen = async (attempt: number): Promise<unknown> => {
      const { runId } = await dispatch(w, 'Attempts', null, undefined, { attempt, retries: 1 });
      return (await reportOf(runId)).result;
    };
    expect(await seen(0)).toEqual({ retries: 1, isLastAttempt: false });
    expect(await seen(1)).toEqual({ retries: 1, isLastAttempt: true });
  });

  it('fails a run whose prepare throws, without running shouldRun or the body', async () => {
    const w = worker();
    w.addJob({ jobClassName: 'Gated', trigger: onDemandTrigger(), ...behaviour });
    expect(await outcome(w, 'broken prepare')).toMatchObject({
      runningState: RunningState.FAILED,
      reason: 'no connection',
    });
    expect(calls).toEqual(['prepare', 'onFailure Error']);
  });

  it('ends a run FINISHED when shouldRun throws JobTerminationError (a termination strategy)', async () => {
    const w = worker();
    w.addDynamicJob('EtlJob', {
      shouldRun: () => {
        throw new JobTerminationError('deadline passed');
      },
      execute: () => {
        calls.push('execute');
      },
    });
    const { runId } = await dispatch(w, 'EtlJob');
    expect(await reportOf(runId)).toMatchObject({
      runningState: RunningState.FINISHED,
      reason: 'deadline passed',
    });
    expect(calls).toEqual([]);
  });

  describe('concurrency limit', () => {
    function gate(): { release: () => void; started: number; handler: () => Promise<string> } {
      let release: () => void = () => undefined;
      const opened = new Promise<void>((resolve) => {
        release = resolve;
      });
      const state = {
        release: () => {
          release();
        },
        started: 0,
        handler: async () => {
          state.started++;
          await opened;
          return 'released';
        },
      };
      return state;
    }

    const logLines = (runId: number): string[] =>
      manager.to(ManagerRoutes.logs(runId)).flatMap((r) => (r.body as LogBatch).lines.map((l) => l.message));

    it('queues runs arriving at the limit and starts them as the slot frees, in arrival order, each logging its wait', async () => {
      const g = gate();
      const order: number[] = [];
      const w = worker();
      w.addJob({
        jobClassName: 'Exclusive',
        trigger: onDemandTrigger(),
        concurrency: 1,
        execute: (ctx) => {
          order.push(ctx.runId);
          return g.handler();
        },
      });
      const first = await dispatch(w, 'Exclusive');
      const second = await dispatch(w, 'Exclusive');
      const third = await dispatch(w, 'Exclusive');
      expect([first.status, second.status, third.status]).toEqual([202, 202, 202]);
      expect(second.body).toEqual({ accepted: true, duplicate: false });
      await manager.waitFor('the first run to start', () => g.started === 1);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(g.started).toBe(1);
      expect(w.activeRuns).toBe(3);

      g.release();
      for (const { runId } of [first, second, third]) {
        expect(await reportOf(runId)).toMatchObject({
          runningState: RunningState.COMPLETED,
          result: 'released',
        });
      }
      expect(order).toEqual([first.runId, second.runId, third.runId]);
      expect(logLines(first.runId).filter((l) => l.includes('for a free slot'))).toEqual([]);
      for (const { runId } of [second, third]) {
        expect(logLines(runId)).toEqual([expect.stringMatching(/^waited \d+ ms for a free slot$/)]);
      }
    });

    it('answers 429 RATE_LIMITED when the wait queue is full, without running or remembering the run', async () => {
      const g = gate();
      const w = worker({ maxWaitingRunsPerJob: 1 });
      w.addJob({ jobClassName: 'Exclusive', trigger: onDemandTrigger(), concurrency: 1, execute: g.handler });
      const first = await dispatch(w, 'Exclusive');
      const queued = await dispatch(w, 'Exclusive');
      const refused = await dispatch(w, 'Exclusive');
      expect([first.status, queued.status, refused.status]).toEqual([202, 202, 429]);
      expect(refused.body).toEqual<ApiFailure>({
        success: false,
        code: ErrorCode.RATE_LIMITED,
        msg: 'job class Exclusive already runs 1 time(s) on this worker (its concurrency limit) and 1 more run(s) wait for a slot; dispatch to another instance',
        data: null,
        details: { concurrency: 1, waiting: 1 },
      });
      await manager.waitFor('the first run to start', () => g.started === 1);
      g.release();
      await reportOf(queued.runId);
      await manager.waitFor('the slots to free up', () => w.activeRuns === 0);
      // The refused run was not remembered: dispatched here again, it runs.
      const again = await dispatch(w, 'Exclusive', null, refused.runId);
      expect([again.status, again.body]).toEqual([202, { accepted: true, duplicate: false }]);
      expect(await reportOf(refused.runId)).toMatchObject({
        runningState: RunningState.COMPLETED,
        result: 'released',
      });
      expect(g.started).toBe(3);
      expect(manager.to(ManagerRoutes.report(refused.runId))).toHaveLength(1);
    });

    it('ends a cancelled waiting run SKIPPED without running it, and hands the slot to the next', async () => {
      const g = gate();
      const order: number[] = [];
      const w = worker();
      w.addJob({
        jobClassName: 'Exclusive',
        trigger: onDemandTrigger(),
        concurrency: 1,
        execute: (ctx) => {
          order.push(ctx.runId);
          return g.handler();
        },
      });
      const first = await dispatch(w, 'Exclusive');
      const cancelled = await dispatch(w, 'Exclusive');
      const last = await dispatch(w, 'Exclusive');
      const answer = await w.handle(signedCancel(w.instanceId, cancelled.runId));
      expect([answer.status, JSON.parse(answer.body)]).toEqual([
        200,
        { runId: cancelled.runId, cancelled: true },
      ]);
      expect(await reportOf(cancelled.runId)).toMatchObject({
        runningState: RunningState.SKIPPED,
        reason: 'cancelled before start: cancelled by a test',
      });
      g.release();
      await reportOf(last.runId);
      expect(order).toEqual([first.runId, last.runId]);
    });

    it('waits four rounds of the concurrency by default, at least 16, and never for an unlimited job', () => {
      expect([1, 4, 8, 100].map(defaultWaitLimit)).toEqual([16, 16, 32, 400]);
      expect(defaultWaitLimit(Infinity)).toBe(0);
    });

    it('refuses a maxWaitingRunsPerJob that is not an integer >= 0', () => {
      expect(() => worker({ maxWaitingRunsPerJob: -1 })).toThrow(
        'maxWaitingRunsPerJob must be an integer >= 0 (got -1)',
      );
    });

    it('counts each job separately, takes the limit of dynamic jobs and ManagedJobs, and is unlimited by default', async () => {
      const dynamic = gate();
      const managed = gate();
      const free = gate();
      class Limited extends ManagedJob {
        override getConcurrency(): number {
          return 1;
        }
        execute(): Promise<string> {
          return managed.handler();
        }
      }
      const w = worker({ maxWaitingRunsPerJob: 0 });
      w.addDynamicJob('Pair', dynamic.handler, { concurrency: 2 });
      w.addJob(new Limited());
      w.addDynamicJob('Free', free.handler);
      const statuses = async (jobClassName: string, count: number): Promise<number[]> => {
        const answers: number[] = [];
        for (let i = 0; i < count; i++) answers.push((await dispatch(w, jobClassName)).status);
        return answers;
      };
      expect(await statuses('Pair', 3)).toEqual([202, 202, 429]);
      expect(await statuses('Limited', 2)).toEqual([202, 429]);
      expect(await statuses('Free', 5)).toEqual([202, 202, 202, 202, 202]);
      await manager.waitFor(
        'every accepted run to start',
        () => dynamic.started + managed.started + free.started === 8,
      );
      for (const g of [dynamic, managed, free]) g.release();
      await manager.waitFor('every run to settle', () => w.activeRuns === 0);
    });

    it('refuses a concurrency that is not a positive integer', () => {
      const w = worker();
      expect(() => w.addDynamicJob('Bad', () => 1, { concurrency: 0 })).toThrow(
        'Dynamic job "Bad": concurrency must be an integer >= 1 (got 0)',
      );
    });
  });
  describe('runs sent ahead (startInMs)', () => {
    it('answers 202 at once and starts the handler no earlier than startInMs after receipt', async () => {
      let startedAt: number | undefined;
      const w = worker();
      w.addDynamicJob('Ahead', () => {
        startedAt = performance.now();
        return 'on time';
      });
      const sent = performance.now();
      const { runId, status, body } = await dispatch(w, 'Ahead', null, undefined, { startInMs: 150 });
      expect([status, body]).toEqual([202, { accepted: true, duplicate: false }]);
      expect(startedAt).toBeUndefined();
      expect(await reportOf(runId)).toMatchObject({
        runningState: RunningState.COMPLETED,
        result: 'on time',
      });
      expect(startedAt).toBeDefined();
      expect((startedAt ?? 0) - sent).toBeGreaterThanOrEqual(150);
    });

    it('takes startInMs 0 as at once and accepts up to the furthest ahead', async () => {
      const w = worker();
      w.addDynamicJob('Ahead', () => 'ran');
      const now = await dispatch(w, 'Ahead', null, undefined, { startInMs: 0 });
      expect(await reportOf(now.runId)).toMatchObject({
        runningState: RunningState.COMPLETED,
        result: 'ran',
      });
      const furthest = await dispatch(w, 'Ahead', null, undefined, {
        startInMs: ProtocolLimits.maxStartInMs,
      });
      expect([furthest.status, furthest.body]).toEqual([202, { accepted: true, duplicate: false }]);
      // Cancelled, so the test does not wait a minute for it.
      await w.handle(signedCancel(w.instanceId, furthest.runId));
      expect(await reportOf(furthest.runId)).toMatchObject({ runningState: RunningState.SKIPPED });
    });

    it("counts the run's timeout from the handler's start, not from receipt", async () => {
      const w = worker();
      w.addDynamicJob('Ahead', async () => {
        await new Promise((resolve) => setTimeout(resolve, 40));
        return 'within its timeout';
      });
      // From receipt, the 80 ms timeout would end before the run starts.
      const { runId } = await dispatch(w, 'Ahead', null, undefined, { startInMs: 120, timeoutMs: 80 });
      expect(await reportOf(runId)).toMatchObject({
        runningState: RunningState.COMPLETED,
        result: 'within its timeout',
      });
    });

    it('runs a held run once however often it is sent', async () => {
      let calls = 0;
      const w = worker();
      w.addDynamicJob('Ahead', () => ++calls);
      const first = await dispatch(w, 'Ahead', null, undefined, { startInMs: 50 });
      const again = await dispatch(w, 'Ahead', null, first.runId, { startInMs: 50 });
      expect(again.body).toEqual({ accepted: true, duplicate: true });
      await reportOf(first.runId);
      await manager.waitFor('the run to settle', () => w.activeRuns === 0);
      expect(calls).toBe(1);
      expect(manager.to(ManagerRoutes.report(first.runId))).toHaveLength(1);
    });

    it('never starts a held run cancelled before its start: SKIPPED with the reason', async () => {
      let called = false;
      const w = worker();
      w.addDynamicJob('Ahead', () => {
        called = true;
        return 1;
      });
      const { runId } = await dispatch(w, 'Ahead', null, undefined, { startInMs: 100 });
      const answer = await w.handle(signedCancel(w.instanceId, runId));
      expect([answer.status, JSON.parse(answer.body)]).toEqual([200, { runId, cancelled: true }]);
      expect(await reportOf(runId)).toMatchObject({
        runningState: RunningState.SKIPPED,
        reason: 'cancelled before start: cancelled by a test',
      });
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(called).toBe(false);
      expect(manager.to(ManagerRoutes.report(runId))).toHaveLength(1);
    });

    it('does not weigh held runs against the slots of now: when due, each waits for a slot', async () => {
      const order: number[] = [];
      const w = worker({ maxWaitingRunsPerJob: 0 });
      w.addJob({
        jobClassName: 'Exclusive',
        trigger: onDemandTrigger(),
        concurrency: 1,
        execute: async (ctx) => {
          order.push(ctx.runId);
          await new Promise((resolve) => setTimeout(resolve, 20));
        },
      });
      const runs = [];
      for (let i = 0; i < 3; i++)
        runs.push(await dispatch(w, 'Exclusive', null, undefined, { startInMs: 30 }));
      expect(runs.map((r) => r.status)).toEqual([202, 202, 202]);
      for (const { runId } of runs) {
        expect(await reportOf(runId)).toMatchObject({ runningState: RunningState.COMPLETED });
      }
      expect(order).toEqual(runs.map((r) => r.runId));
    });
  });
});
