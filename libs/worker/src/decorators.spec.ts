import { SchedulingUnit, TriggerType } from '@chaconne/contracts';
import { JobRegistry } from './core/job-registry';
import type { JobContext } from './core/job';
import {
  ChacJob,
  ChacTrigger,
  isChacJob,
  jobFromInstance,
  OnFailure,
  OnSuccess,
  Run,
  triggerFromOptions,
} from './decorators';

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
    const result = await registration.run(ctx);
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
      'needs triggerDescription.cron.expression',
    );
    expect(() => triggerFromOptions({ period: 0 }, 'X')).toThrow('period > 0');
    expect(() => triggerFromOptions({ triggerType: TriggerType.DEPENDENT }, 'X')).toThrow('DEPENDENT');
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
});
