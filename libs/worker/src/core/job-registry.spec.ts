import { TriggerType } from '@chaconne/contracts';
import { ChacJob, jobFromInstance, Run } from '../decorators';
import { ChaconneWorkerError } from './errors';
import type { JobContext, NotManagedJob } from './job';
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
    expect(() => registry.addDynamic('EtlJob', EtlJob, {}, 'class EtlJob')).toThrow(
      'Duplicate job class "EtlJob": declared by EtlJob and by class EtlJob',
    );
  });

  it('finds a job by exact class name, else by simple name', () => {
    const registry = new JobRegistry('c', 'g');
    const etl = registry.addDynamic('EtlJob', EtlJob);
    const qualified = registry.addDynamic('com.acme.Loader', () => 'load');
    expect(registry.find('EtlJob')).toBe(etl);
    expect(registry.find('com.acme.EtlJob')).toBe(etl);
    expect(registry.find('Loader')).toBe(qualified);
    expect(registry.find('org.other.Loader')).toBe(qualified);
    expect(registry.find('Missing')).toBeUndefined();
  });

  it('matches nothing when a simple name is ambiguous', () => {
    const registry = new JobRegistry('c', 'g');
    registry.addDynamic('a.Loader', () => 1);
    registry.addDynamic('b.Loader', () => 2);
    expect(registry.find('c.Loader')).toBeUndefined();
    expect(registry.find('a.Loader')?.jobClassName).toBe('a.Loader');
  });

  it('instantiates a NotManagedJob class for every run', async () => {
    const registry = new JobRegistry('c', 'g');
    const job = registry.addDynamic('EtlJob', EtlJob);
    const before = EtlJob.created;
    const ctx = { attachment: 'p' } as JobContext;
    expect(await job.run(ctx)).toBe('p');
    await job.run({ attachment: 'q' } as JobContext);
    expect(EtlJob.created - before).toBe(2);
  });

  it('declares dynamic jobs by class name only and code-defined jobs with their definition', () => {
    const registry = new JobRegistry('c', 'g');
    registry.addDynamic('EtlJob', EtlJob);
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
    ).toThrow('Invalid job "x" (X): a CRON trigger needs triggerDescription.cron.expression');
  });
});
