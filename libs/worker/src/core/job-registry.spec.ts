import { TriggerType } from '@chaconne/contracts';
import { ChacJob, jobFromInstance, Run } from '../decorators';
import { dynamicJobHandlers } from '../dynamic-job';
import { ChaconneWorkerError } from './errors';
import type { DynamicJobOptions, JobContext, JobHandler, NotManagedJob, NotManagedJobClass } from './job';
import { JobRegistry } from './job-registry';
import { onDemandTrigger } from './trigger';

@ChacJob({ name: 'report' })
class DailyReport {
  @Run() run(): string {
    return 'daily';
  }
}

@ChacJob({ name: 'report' })
class WeeklyReport {
  @Run() run(): string {
    return 'weekly';
  }
}

class EtlJob implements NotManagedJob {
  static created = 0;
  constructor() {
    EtlJob.created++;
  }
  execute(ctx: JobContext): string | null {
    return ctx.attachment;
  }
}

/** A dynamic job added as the worker adds it: converted to the core's form first. */
function addDynamic(
  registry: JobRegistry,
  jobClassName: string,
  job: JobHandler | NotManagedJob | NotManagedJobClass,
  options?: DynamicJobOptions,
  source?: string,
) {
  return registry.addDynamic(jobClassName, dynamicJobHandlers(jobClassName, job), options, source);
}

describe('JobRegistry', () => {
  it('refuses a duplicate job name, naming both classes', () => {
    const registry = new JobRegistry('c', 'g');
    registry.addCodeDefined(jobFromInstance(new DailyReport()));
    expect(() => registry.addCodeDefined(jobFromInstance(new WeeklyReport()))).toThrow(
      new ChaconneWorkerError(
        'Duplicate job name "report": declared by class DailyReport and by class WeeklyReport',
      ),
    );
  });

  it('refuses a duplicate job class between code-defined and dynamic jobs', () => {
    const registry = new JobRegistry('c', 'g');
    registry.addCodeDefined({ jobClassName: 'EtlJob', trigger: onDemandTrigger(), execute: () => 1 });
    expect(() => addDynamic(registry, 'EtlJob', EtlJob, {}, 'class EtlJob')).toThrow(
      'Duplicate job class "EtlJob": declared by EtlJob and by class EtlJob',
    );
  });

  it("answers its capacity: the sum of the jobs' concurrency limits, null while one has none", () => {
    const registry = new JobRegistry('c', 'g');
    expect(registry.capacity()).toBeNull();
    addDynamic(registry, 'EtlJob', EtlJob, { concurrency: 2 });
    registry.addCodeDefined({
      jobClassName: 'Loader',
      trigger: onDemandTrigger(),
      concurrency: 3,
      execute: () => 1,
    });
    expect(registry.capacity()).toBe(5);
    addDynamic(registry, 'Unbounded', () => 'x');
    expect(registry.capacity()).toBeNull();
  });

  it('finds a job by exact class name, else by simple name', () => {
    const registry = new JobRegistry('c', 'g');
    const etl = addDynamic(registry, 'EtlJob', EtlJob);
    const qualified = addDynamic(registry, 'com.acme.Loader', () => 'load');
    expect(registry.find('EtlJob')).toBe(etl);
    expect(registry.find('com.acme.EtlJob')).toBe(etl);
    expect(registry.find('Loader')).toBe(qualified);
    expect(registry.find('org.other.Loader')).toBe(qualified);
    expect(registry.find('Missing')).toBeUndefined();
  });

  it('matches nothing when a simple name is ambiguous', () => {
    const registry = new JobRegistry('c', 'g');
    addDynamic(registry, 'a.Loader', () => 1);
    addDynamic(registry, 'b.Loader', () => 2);
    expect(registry.find('c.Loader')).toBeUndefined();
    expect(registry.find('a.Loader')?.jobClassName).toBe('a.Loader');
  });

  it('instantiates a NotManagedJob class for every run', async () => {
    const registry = new JobRegistry('c', 'g');
    const job = addDynamic(registry, 'EtlJob', EtlJob);
    const before = EtlJob.created;
    const ctx = { attachment: 'p' } as JobContext;
    expect(await job.run(ctx)).toBe('p');
    await job.run({ attachment: 'q' } as JobContext);
    expect(EtlJob.created - before).toBe(2);
  });

  it('declares dynamic jobs by class name only and code-defined jobs with their definition', () => {
    const registry = new JobRegistry('c', 'g');
    addDynamic(registry, 'EtlJob', EtlJob);
    registry.addCodeDefined({
      jobClassName: 'Nightly',
      trigger: { triggerType: TriggerType.CRON, triggerDescription: { cron: { expression: '0 0 2 * * ?' } } },
      execute: () => 1,
    });
    expect(registry.declarations()).toEqual([
      { jobClassName: 'EtlJob' },
      {
        jobClassName: 'Nightly',
        definition: expect.objectContaining({
          jobKey: { clusterName: 'c', groupName: 'g', jobName: 'nightly', jobClassName: 'Nightly' },
          retries: 0,
          timeout: -1,
          weight: 100,
        }) as unknown,
      },
    ]);
  });

  it('refuses an invalid trigger on a plain registration', () => {
    const registry = new JobRegistry('c', 'g');
    expect(() =>
      registry.addCodeDefined({
        jobClassName: 'X',
        trigger: { triggerType: TriggerType.CRON },
        execute: () => 1,
      }),
    ).toThrow(
      'Invalid job "x" (X): trigger.triggerDescription.cron.expression is required for a CRON trigger',
    );
  });

  describe("the manager's rules, checked before registering", () => {
    const job = (extra: Record<string, unknown>) => ({
      jobClassName: 'X',
      trigger: onDemandTrigger(),
      execute: () => 1,
      ...extra,
    });
    const problemsOf = (extra: Record<string, unknown>): string => {
      try {
        new JobRegistry('c', 'g').addCodeDefined(job(extra));
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    };

    it('refuses control and bidi characters in names, naming the character, not echoing it', () => {
      expect(problemsOf({ jobName: 'nightly\nreport' })).toBe(
        'Invalid job "nightly\nreport" (X): jobKey.jobName contains a line feed (U+000A) at position 8',
      );
      expect(problemsOf({ jobClassName: 'com.acme.\u202EJob' })).toContain(
        'jobKey.jobClassName contains a bidirectional control character (U+202E) at position 10',
      );
      expect(() => addDynamic(new JobRegistry('c', 'g'), 'Etl\u0000Job', EtlJob)).toThrow(
        'Dynamic job class name contains a NUL character (U+0000) at position 4',
      );
    });

    it('refuses the limits the manager refuses: repeat count, period, dates, timeout, names of a run policy', () => {
      const message = problemsOf({
        timeout: 8 * 86_400_000,
        trigger: {
          triggerType: TriggerType.PERIODIC,
          triggerDescription: { periodic: { period: 10 ** 15, schedulingUnit: 3, fixedRate: true } },
          startDate: 8_640_000_000_000_001,
          repeatCount: 2 ** 31,
        },
        loadBalancer: 'round\trobin',
        labels: { region: 'eu\r\n' },
        description: 'fine\nbut \u0000 is not',
      });
      for (const expected of [
        'trigger.triggerDescription.periodic.period period × schedulingUnit must be at most 366 days',
        'trigger.repeatCount must be -1 (unlimited) or between 1 and 1000000000',
        'trigger.startDate must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z',
        'timeout must be at most 604800000 ms (7 days); -1 for no timeout',
        'loadBalancer contains a tab (U+0009) at position 6',
        'labels.region contains a carriage return (U+000D) at position 3',
        'description contains a NUL character (U+0000) at position 10',
      ]) {
        expect(message).toContain(expected);
      }
    });

    it('refuses trigger fields the manager does not know, with their path', () => {
      expect(
        problemsOf({
          trigger: {
            triggerType: TriggerType.CRON,
            triggerDescription: { cron: { expression: '0 * * * * ?', zone: 'UTC' } },
            misfire: 'ignore',
          },
        }),
      ).toBe(
        'Invalid job "x" (X): trigger.triggerDescription.cron.zone unknown field; trigger.misfire unknown field',
      );
    });

    it('refuses more than 100 dependency keys, and a key listed twice', () => {
      const keys = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `j${i}`, className: 'J' }));
      expect(problemsOf({ dependentKeys: keys(101) })).toContain('dependentKeys must list at most 100 keys');
      expect(
        problemsOf({
          forkKeys: [
            { name: 'a', className: 'A' },
            { cluster: 'c', group: 'g', name: 'a', className: 'A' },
          ],
        }),
      ).toContain('forkKeys.1 repeats forkKeys.0');
      expect(problemsOf({ dependentKeys: keys(100) })).toBe('');
    });
  });
});
