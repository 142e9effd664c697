import { SchedulingUnit, TriggerType } from '@chaconne/contracts';
import { ChaconneWorkerError } from './core/errors';
import { JobRegistry } from './core/job-registry';
import type { JobContext } from './core/job';
import {
  ChacDependency,
  ChacFork,
  ChacJob,
  ChacTrigger,
  isChacJob,
  jobFromInstance,
  OnFailure,
  OnSuccess,
  Prepare,
  Run,
  ShouldRun,
  triggerFromOptions,
} from './decorators';

/** The ChaconneWorkerError `run` throws. */
function catchError(run: () => unknown): ChaconneWorkerError {
  try {
    run();
  } catch (error) {
    if (error instanceof ChaconneWorkerError) return error;
    throw error;
  }
  throw new Error('expected a ChaconneWorkerError');
}

@ChacJob()
@ChacTrigger({ cron: '*/5 * * * * ?' })
class DemoCronJob {
  readonly calls: string[] = [];

  @Run() execute(ctx: JobContext): number {
    this.calls.push(`run ${ctx.runId}`);
    return 42;
  }

  @OnSuccess() onSuccess(_ctx: JobContext, result: unknown): void {
    this.calls.push(`success ${String(result)}`);
  }

  @OnFailure() onFailure(_ctx: JobContext, error: Error): void {
    this.calls.push(`failure ${error.message}`);
  }
}

@ChacJob({
  name: 'customName',
  description: 'Cleans up',
  retries: 3,
  timeout: 60_000,
  email: 'ops@example.com',
  weight: 50,
  attachment: '{"days":7}',
})
@ChacTrigger({
  period: 10,
  schedulingUnit: SchedulingUnit.MINUTES,
  fixedRate: true,
  startDate: new Date(Date.UTC(2030, 0, 1)),
  repeatCount: 5,
  timeZone: 'Europe/Paris',
})
class CleanupJob {
  @Run() run(): void {
    // nothing
  }
}

@ChacJob()
class OnDemandJob {
  @Run() run(): string {
    return 'done';
  }
}

@ChacJob()
@ChacTrigger({ triggerType: TriggerType.DEPENDENT })
@ChacDependency([
  { name: 'demoSchedJob', className: 'DemoSchedJob' },
  { cluster: 'other-cluster', group: 'other-group', name: 'remote', className: 'com.acme.Remote' },
])
class DemoDependentJob {
  @Run() run(): number {
    return 1;
  }
}

@ChacJob({ concurrency: 2 })
@ChacTrigger({ cron: '0 0/1 * * * ?' })
@ChacFork(
  [
    { name: 'demoTaskOne', className: 'DemoTaskOne' },
    { cluster: '', group: 'g2', name: 'demoTaskTwo', className: 'DemoTaskTwo' },
  ],
  { completionRate: 0.5 },
)
class DemoForkJob {
  @Run() run(): number {
    return 2;
  }
}

@ChacJob()
class GatedJob {
  readonly calls: string[] = [];

  @Prepare() open(ctx: JobContext): void {
    this.calls.push(`prepare ${ctx.runId}`);
  }

  @ShouldRun() gate(ctx: JobContext): boolean | string {
    this.calls.push(`shouldRun ${ctx.runId}`);
    return ctx.runId === 1 ? true : 'not today';
  }

  @Run() run(): string {
    return 'ran';
  }
}

describe('decorators', () => {
  const registry = new JobRegistry('demo-cluster', 'demo-worker');

  it('maps @ChacJob + @ChacTrigger(cron) to a CRON job with Chaconne defaults', () => {
    const job = registry.addCodeDefined(jobFromInstance(new DemoCronJob()));
    expect(job.definition).toEqual({
      jobKey: {
        clusterName: 'demo-cluster',
        groupName: 'demo-worker',
        jobName: 'demoCronJob',
        jobClassName: 'DemoCronJob',
      },
      description: null,
      email: null,
      retries: 0,
      timeout: -1,
      weight: 100,
      dependentKeys: null,
      forkKeys: null,
      completionRate: -1,
      attachment: null,
      trigger: {
        triggerType: TriggerType.CRON,
        triggerDescription: { cron: { expression: '*/5 * * * * ?' } },
        startDate: null,
        endDate: null,
        repeatCount: -1,
        timeZone: null,
      },
    });
  });

  it('maps every @ChacJob attribute and a periodic trigger', () => {
    const job = registry.addCodeDefined(jobFromInstance(new CleanupJob()));
    expect(job.definition).toMatchObject({
      jobKey: { jobName: 'customName', jobClassName: 'CleanupJob' },
      description: 'Cleans up',
      retries: 3,
      timeout: 60_000,
      email: 'ops@example.com',
      weight: 50,
      attachment: '{"days":7}',
      trigger: {
        triggerType: TriggerType.PERIODIC,
        triggerDescription: {
          periodic: { period: 10, schedulingUnit: SchedulingUnit.MINUTES, fixedRate: true },
        },
        startDate: '2030-01-01T00:00:00.000Z',
        repeatCount: 5,
        timeZone: 'Europe/Paris',
      },
    });
  });

  it('makes a @ChacJob without @ChacTrigger an on-demand SIMPLE job', () => {
    const job = registry.addCodeDefined(jobFromInstance(new OnDemandJob()));
    expect(job.definition?.trigger).toEqual({
      triggerType: TriggerType.SIMPLE,
      triggerDescription: null,
      startDate: null,
      endDate: null,
      repeatCount: -1,
    });
  });

  it('binds @Run and the hooks to the instance', async () => {
    const instance = new DemoCronJob();
    const registration = jobFromInstance(instance);
    const ctx = { runId: 3 } as JobContext;
    const result = await registration.execute(ctx);
    await registration.onSuccess?.(ctx, result);
    await registration.onFailure?.(ctx, new Error('nope'));
    expect(instance.calls).toEqual(['run 3', 'success 42', 'failure nope']);
  });

  it('detects decorated classes and instances', () => {
    expect(isChacJob(DemoCronJob)).toBe(true);
    expect(isChacJob(new DemoCronJob())).toBe(true);
    expect(isChacJob(Date)).toBe(false);
    expect(isChacJob(new Date())).toBe(false);
    expect(isChacJob(undefined)).toBe(false);
  });

  it('refuses contradictory or incomplete triggers at decoration time', () => {
    expect(() => triggerFromOptions({ cron: '* * * * *', triggerType: TriggerType.PERIODIC }, 'X')).toThrow(
      '@ChacTrigger on X: cron is set but triggerType is not CRON',
    );
    expect(() => triggerFromOptions({ triggerType: TriggerType.CRON }, 'X')).toThrow(
      '@ChacTrigger on X: trigger.triggerDescription.cron.expression is required for a CRON trigger',
    );
    expect(() => triggerFromOptions({ triggerType: TriggerType.PERIODIC }, 'X')).toThrow(
      '@ChacTrigger on X: trigger.triggerDescription.periodic is required for a PERIODIC trigger',
    );
    expect(() => triggerFromOptions({ period: 0 }, 'X')).toThrow(
      '@ChacTrigger on X: trigger.triggerDescription.periodic.period must be a positive integer',
    );
    // The manager's rule: 0 runs is refused (a job that could never run), as at registration.
    const zero = catchError(() => triggerFromOptions({ cron: '0 0 * * * ?', repeatCount: 0 }, 'X'));
    expect(zero.problems).toEqual([
      { field: 'trigger.repeatCount', reason: 'must be -1 (unlimited) or between 1 and 1000000000' },
    ]);
  });

  it('refuses a class with two @Run methods and a @ChacJob without @Run', () => {
    expect(() => {
      class TwoRuns {
        @Run() a(): void {
          // nothing
        }
        @Run() b(): void {
          // nothing
        }
      }
      return TwoRuns;
    }).toThrow('TwoRuns has two @Run methods: a and b');

    @ChacJob()
    class NoRun {
      notARun(): number {
        return 1;
      }
    }
    expect(() => jobFromInstance(new NoRun())).toThrow('NoRun has @ChacJob but no @Run method');
  });

  it("maps @ChacDependency to dependentKeys, a missing cluster or group being the worker's own", () => {
    const job = registry.addCodeDefined(jobFromInstance(new DemoDependentJob()));
    expect(job.definition).toMatchObject({
      dependentKeys: [
        {
          clusterName: 'demo-cluster',
          groupName: 'demo-worker',
          jobName: 'demoSchedJob',
          jobClassName: 'DemoSchedJob',
        },
        {
          clusterName: 'other-cluster',
          groupName: 'other-group',
          jobName: 'remote',
          jobClassName: 'com.acme.Remote',
        },
      ],
      forkKeys: null,
      completionRate: -1,
      trigger: { triggerType: TriggerType.DEPENDENT, triggerDescription: null },
    });
  });

  it("maps @ChacFork to forkKeys and completionRate, keeping the job's own cron, and reads concurrency", () => {
    const job = registry.addCodeDefined(jobFromInstance(new DemoForkJob()));
    expect(job.definition).toMatchObject({
      dependentKeys: null,
      forkKeys: [
        {
          clusterName: 'demo-cluster',
          groupName: 'demo-worker',
          jobName: 'demoTaskOne',
          jobClassName: 'DemoTaskOne',
        },
        { clusterName: 'demo-cluster', groupName: 'g2', jobName: 'demoTaskTwo', jobClassName: 'DemoTaskTwo' },
      ],
      completionRate: 0.5,
      trigger: {
        triggerType: TriggerType.CRON,
        triggerDescription: { cron: { expression: '0 0/1 * * * ?' } },
      },
    });
    expect(job.concurrency).toBe(2);
  });

  it('binds @Prepare and @ShouldRun to the instance', async () => {
    const instance = new GatedJob();
    const job = jobFromInstance(instance);
    await job.prepare?.({ runId: 1 } as JobContext);
    expect(await job.shouldRun?.({ runId: 1 } as JobContext)).toBe(true);
    expect(await job.shouldRun?.({ runId: 2 } as JobContext)).toBe('not today');
    expect(instance.calls).toEqual(['prepare 1', 'shouldRun 1', 'shouldRun 2']);
  });

  it('refuses a DEPENDENT trigger without upstream jobs, empty or incomplete keys, and a bad completion rate', () => {
    @ChacJob()
    @ChacTrigger({ triggerType: TriggerType.DEPENDENT })
    class Orphan {
      @Run() run(): number {
        return 0;
      }
    }
    expect(() => registry.addCodeDefined(jobFromInstance(new Orphan()))).toThrow(
      'Invalid job "orphan" (class Orphan): trigger.triggerType a DEPENDENT trigger needs dependentKeys or forkKeys',
    );
    expect(() =>
      ChacDependency([])(
        class Empty {
          readonly kind = 'Empty';
        },
      ),
    ).toThrow('@ChacDependency on Empty: list at least one job key');
    expect(() =>
      ChacFork([{ name: '', className: 'X' }])(
        class Incomplete {
          readonly kind = 'Incomplete';
        },
      ),
    ).toThrow('@ChacFork on Incomplete: key 0.jobName must not be empty');
    expect(() =>
      ChacFork([{ name: 'x', className: 'X' }], { completionRate: 50 })(
        class Percent {
          readonly kind = 'Percent';
        },
      ),
    ).toThrow('@ChacFork on Percent: completionRate is a fraction between 0 and 1, or -1');
    expect(() =>
      ChacJob({ concurrency: 0 })(
        class Zero {
          readonly kind = 'Zero';
        },
      ),
    ).toThrow('@ChacJob on Zero: concurrency must be an integer >= 1 (got 0)');
  });
});
