import { ManagerRoutes, RunningState, type RunReport } from '@chaconne/contracts';
import { FakeManager, recordingLogger, runRequest, SECRET, signedRun } from '@chaconne/testing';
import { ChacJob, jobFromInstance, OnFailure, OnSuccess, Run } from '../decorators';
import { ManagedJob } from '../managed-job';
import type { JobContext, NotManagedJob } from './job';
import { TERMINATED_BY_LISTENER, type BeforeRunResult, type JobListener } from './job-listener';
import { onDemandTrigger } from './trigger';
import { ChaconneWorker } from '../chaconne-worker';

const calls: string[] = [];

/** A listener that records its call and answers `answer`. */
function listener(name: string, answer: BeforeRunResult | Error): JobListener {
  return {
    beforeRun: async (ctx) => {
      calls.push(`${name} ${ctx.runId}`);
      await Promise.resolve();
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
}

const body = {
  prepare: (): void => {
    calls.push('prepare');
  },
  shouldRun: (): boolean => {
    calls.push('shouldRun');
    return true;
  },
  execute: (): string => {
    calls.push('execute');
    return 'done';
  },
  onSuccess: (): void => {
    calls.push('onSuccess');
  },
  onFailure: (_ctx: JobContext, error: Error): void => {
    calls.push(`onFailure ${error.message}`);
  },
};

const stop = listener('job listener', 'stock sold out');

class StoppedManagedJob extends ManagedJob {
  override getJobClassName(): string {
    return 'Stopped';
  }
  override getListeners(): readonly JobListener[] {
    return [stop];
  }
  execute(): string {
    return body.execute();
  }
  override onSuccess(): void {
    body.onSuccess();
  }
}

@ChacJob({ jobClassName: 'Stopped', listeners: [stop] })
class StoppedChacJob {
  @Run() run(): string {
    return body.execute();
  }
  @OnSuccess() done(): void {
    body.onSuccess();
  }
  @OnFailure() failed(ctx: JobContext, error: Error): void {
    body.onFailure(ctx, error);
  }
}

class Stopped implements NotManagedJob {
  execute = body.execute;
  onSuccess = body.onSuccess;
  onFailure = body.onFailure;
}

describe('JobListener', () => {
  let manager: FakeManager;
  const workers: ChaconneWorker[] = [];
  let nextRunId = 900;

  function worker(listeners?: readonly JobListener[]): ChaconneWorker {
    const created = new ChaconneWorker({
      managerUrl: manager.url,
      secret: SECRET,
      clusterName: 'test-cluster',
      groupName: 'test-group',
      port: 8088,
      logger: recordingLogger(),
      retryBackoff: { initialMs: 10, maxMs: 40 },
      ...(listeners && { listeners }),
    });
    workers.push(created);
    return created;
  }

  async function run(w: ChaconneWorker, jobClassName: string): Promise<RunReport> {
    const runId = ++nextRunId;
    const response = await w.handle(
      signedRun(w.instanceId, runRequest({ runId, jobKey: { ...runRequest().jobKey, jobClassName } })),
    );
    expect(response.status).toBe(202);
    return manager.waitFor(
      `the report of run ${runId}`,
      () => manager.to(ManagerRoutes.report(runId)).at(-1)?.body as RunReport | undefined,
    );
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

  it('ends the job with FINISHED before prepare, shouldRun and the body, calling no hook', async () => {
    const w = worker([listener('global', true)]);
    w.addJob({ jobClassName: 'Gated', trigger: onDemandTrigger(), ...body });
    const report = await run(w, 'Gated');
    expect(report).toMatchObject({ runningState: RunningState.FINISHED, reason: TERMINATED_BY_LISTENER });
    expect(report.error).toBeUndefined();
    expect(calls).toEqual([`global ${nextRunId}`]);
  });

  it('reports the reason a listener answers', async () => {
    const w = worker([listener('global', 'contract ended on 2026-01-01')]);
    w.addDynamicJob('Gated', body);
    expect(await run(w, 'Gated')).toMatchObject({
      runningState: RunningState.FINISHED,
      reason: 'contract ended on 2026-01-01',
    });
  });

  it('lets the run go ahead when every listener answers false, nothing or an empty string', async () => {
    const w = worker([listener('first', false), listener('second', undefined)]);
    w.addDynamicJob('Gated', body, { listeners: [listener('third', ' ')] });
    expect(await run(w, 'Gated')).toMatchObject({ runningState: RunningState.COMPLETED, result: 'done' });
    const runId = nextRunId;
    expect(calls).toEqual([
      `first ${runId}`,
      `second ${runId}`,
      `third ${runId}`,
      'prepare',
      'shouldRun',
      'execute',
      'onSuccess',
    ]);
  });

  it("asks the worker's listeners before the job's, and the first that terminates wins", async () => {
    const w = worker([listener('global', false), listener('global stop', 'global reason')]);
    w.addDynamicJob('Gated', body, { listeners: [listener('job', 'job reason')] });
    expect(await run(w, 'Gated')).toMatchObject({ reason: 'global reason' });
    expect(calls).toEqual([`global ${nextRunId}`, `global stop ${nextRunId}`]);
  });

  it('fails the run with the error of a listener that throws', async () => {
    const w = worker([listener('global', new RangeError('listener broke'))]);
    w.addDynamicJob('Gated', body);
    expect(await run(w, 'Gated')).toMatchObject({
      runningState: RunningState.FAILED,
      reason: 'listener broke',
      error: { name: 'RangeError', message: 'listener broke' },
    });
    expect(calls).toEqual([`global ${nextRunId}`, 'onFailure listener broke']);
  });

  it.each<[string, (w: ChaconneWorker) => void]>([
    ['ManagedJob', (w) => w.addJob(new StoppedManagedJob())],
    [
      'Job',
      (w) => w.addJob({ jobClassName: 'Stopped', trigger: onDemandTrigger(), listeners: [stop], ...body }),
    ],
    ['@ChacJob', (w) => w.addJob(jobFromInstance(new StoppedChacJob()))],
    ['NotManagedJob', (w) => w.addDynamicJob(Stopped, { listeners: [stop] })],
    ['handler function', (w) => w.addDynamicJob('Stopped', body.execute, { listeners: [stop] })],
  ])("asks a %s's own listeners", async (_style, register) => {
    const w = worker();
    register(w);
    expect(await run(w, 'Stopped')).toMatchObject({
      runningState: RunningState.FINISHED,
      reason: 'stock sold out',
    });
    expect(calls).toEqual([`job listener ${nextRunId}`]);
  });

  it('refuses listeners without beforeRun, naming where', () => {
    const bad = [{}] as unknown as JobListener[];
    expect(() => worker(bad)).toThrow('listeners[0] must be a JobListener (an object with beforeRun)');
    expect(() => worker().addDynamicJob('Gated', body, { listeners: bad })).toThrow(
      'Dynamic job "Gated": listeners[0] must be a JobListener (an object with beforeRun)',
    );
    expect(() =>
      worker().addJob({ jobClassName: 'Gated', trigger: onDemandTrigger(), listeners: bad, ...body }),
    ).toThrow('Invalid job "gated" (Gated): listeners[0] must be a JobListener (an object with beforeRun)');
  });
});
