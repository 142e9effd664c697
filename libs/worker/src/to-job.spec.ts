import { SchedulingUnit, TriggerType, type TriggerDefinition } from '@chaconne/contracts';
import type { Job, JobContext, ShouldRunResult } from './core/job';
import { JobRegistry } from './core/job-registry';
import { ChacDependency, ChacFork } from './decorators';
import { ManagedJob } from './managed-job';
import { toJob } from './to-job';

const CRON: TriggerDefinition = {
  triggerType: TriggerType.CRON,
  triggerDescription: { cron: { expression: '*/5 * * * * ?' } },
};

class HealthCheckJob extends ManagedJob {
  readonly calls: string[] = [];

  override getTrigger(): TriggerDefinition {
    return CRON;
  }
  override getTimeout(): number {
    return 60_000;
  }
  override getRetries(): number {
    return 2;
  }
  override getEmail(): string {
    return 'ops@example.com';
  }
  override getWeight(): number {
    return 10;
  }
  override getAttachment(): string {
    return '{"deep":true}';
  }
  override getDescription(): string {
    return 'Reports memory';
  }
  override getConcurrency(): number {
    return 1;
  }
  execute(ctx: JobContext): string {
    this.calls.push(`execute ${ctx.runId}`);
    return 'healthy';
  }
  override prepare(ctx: JobContext): void {
    this.calls.push(`prepare ${ctx.runId}`);
  }
  override shouldRun(): ShouldRunResult {
    return 'maintenance window';
  }
  override onSuccess(_ctx: JobContext, result: unknown): void {
    this.calls.push(`success ${String(result)}`);
  }
}

class PlainManagedJob extends ManagedJob {
  execute(): number {
    return 1;
  }
}

@ChacDependency([{ name: 'healthCheckJob', className: 'HealthCheckJob' }])
@ChacFork([{ group: 'reports', name: 'pdf', className: 'PdfJob' }], { completionRate: 1 })
class MixedManagedJob extends ManagedJob {
  override getName(): string {
    return 'mixed';
  }
  override getJobClassName(): string {
    return 'com.acme.Mixed';
  }
  execute(): number {
    return 2;
  }
}

@ChacFork([{ name: 'partOne', className: 'PartOne' }], { completionRate: 0.75 })
class ImportJob implements Job {
  readonly trigger: TriggerDefinition = {
    triggerType: TriggerType.PERIODIC,
    triggerDescription: {
      periodic: { period: 10, schedulingUnit: SchedulingUnit.MINUTES, fixedRate: false },
    },
  };
  readonly concurrency = 3;
  private runs = 0;

  execute(): number {
    return ++this.runs;
  }
}

describe('job definition styles', () => {
  let registry: JobRegistry;

  beforeEach(() => {
    registry = new JobRegistry('demo-cluster', 'demo-worker');
  });

  it("maps a ManagedJob's getters to the definition and binds its body and hooks to it", async () => {
    const instance = new HealthCheckJob();
    const job = registry.addCodeDefined(toJob(instance));
    expect(job.definition).toEqual({
      jobKey: {
        clusterName: 'demo-cluster',
        groupName: 'demo-worker',
        jobName: 'healthCheckJob',
        jobClassName: 'HealthCheckJob',
      },
      description: 'Reports memory',
      email: 'ops@example.com',
      retries: 2,
      timeout: 60_000,
      weight: 10,
      dependentKeys: null,
      forkKeys: null,
      completionRate: -1,
      trigger: CRON,
      attachment: '{"deep":true}',
    });
    expect(job.concurrency).toBe(1);
    const ctx = { runId: 4 } as JobContext;
    await job.prepare(ctx);
    expect(await job.shouldRun(ctx)).toBe('maintenance window');
    await job.onSuccess(ctx, await job.run(ctx));
    expect(instance.calls).toEqual(['prepare 4', 'execute 4', 'success healthy']);
  });

  it("gives a bare ManagedJob Chaconne's defaults: on demand, no retries, no timeout, weight 100, unlimited", async () => {
    const job = registry.addCodeDefined(toJob(new PlainManagedJob()));
    expect(job.definition).toMatchObject({
      jobKey: { jobName: 'plainManagedJob', jobClassName: 'PlainManagedJob' },
      description: null,
      email: null,
      retries: 0,
      timeout: -1,
      weight: 100,
      attachment: null,
      trigger: { triggerType: TriggerType.SIMPLE, triggerDescription: null, startDate: null },
    });
    expect(job.concurrency).toBe(Infinity);
    expect(await job.shouldRun({} as JobContext)).toBe(true);
  });

  it('reads @ChacDependency and @ChacFork on a ManagedJob subclass', () => {
    const job = registry.addCodeDefined(toJob(new MixedManagedJob()));
    expect(job.definition).toMatchObject({
      jobKey: { jobName: 'mixed', jobClassName: 'com.acme.Mixed' },
      dependentKeys: [
        {
          clusterName: 'demo-cluster',
          groupName: 'demo-worker',
          jobName: 'healthCheckJob',
          jobClassName: 'HealthCheckJob',
        },
      ],
      forkKeys: [
        { clusterName: 'demo-cluster', groupName: 'reports', jobName: 'pdf', jobClassName: 'PdfJob' },
      ],
      completionRate: 1,
    });
  });

  it('maps a Job object literal, with full JobKeys and @ChacJobKey-style keys alike', async () => {
    const hooks: string[] = [];
    const job = registry.addCodeDefined(
      toJob({
        jobName: 'nightly',
        jobClassName: 'com.acme.NightlyReport',
        trigger: CRON,
        retries: 1,
        timeout: 5_000,
        concurrency: 2,
        dependentKeys: [
          { clusterName: 'c2', groupName: 'g2', jobName: 'extract', jobClassName: 'Extract' },
          { name: 'load', className: 'Load' },
        ],
        execute: (ctx) => ctx.attachment,
        prepare: () => {
          hooks.push('prepare');
        },
      }),
    );
    expect(job.definition).toMatchObject({
      jobKey: { jobName: 'nightly', jobClassName: 'com.acme.NightlyReport' },
      retries: 1,
      timeout: 5_000,
      weight: 100,
      dependentKeys: [
        { clusterName: 'c2', groupName: 'g2', jobName: 'extract', jobClassName: 'Extract' },
        { clusterName: 'demo-cluster', groupName: 'demo-worker', jobName: 'load', jobClassName: 'Load' },
      ],
      forkKeys: null,
    });
    expect(job.concurrency).toBe(2);
    await job.prepare({} as JobContext);
    expect(await job.shouldRun({} as JobContext)).toBe(true);
    expect(await job.run({ attachment: 'p' } as JobContext)).toBe('p');
    expect(hooks).toEqual(['prepare']);
  });

  it('names a Job literal after its jobName when it has no jobClassName, and refuses one with neither', () => {
    const named = registry.addCodeDefined(toJob({ jobName: 'cleanup', trigger: CRON, execute: () => 1 }));
    expect(named.definition?.jobKey).toMatchObject({ jobName: 'cleanup', jobClassName: 'cleanup' });
    expect(() => registry.addCodeDefined(toJob({ trigger: CRON, execute: () => 1 }))).toThrow(
      'jobClassName (or jobName) is required',
    );
  });

  it('maps an instance of a class implementing Job: class name, decorators, state kept on the instance', async () => {
    const instance = new ImportJob();
    const job = registry.addCodeDefined(toJob(instance));
    expect(job.definition).toMatchObject({
      jobKey: { jobName: 'importJob', jobClassName: 'ImportJob' },
      trigger: { triggerType: TriggerType.PERIODIC },
      forkKeys: [
        {
          clusterName: 'demo-cluster',
          groupName: 'demo-worker',
          jobName: 'partOne',
          jobClassName: 'PartOne',
        },
      ],
      completionRate: 0.75,
    });
    expect(job.concurrency).toBe(3);
    expect(await job.run({} as JobContext)).toBe(1);
    expect(await job.run({} as JobContext)).toBe(2);
  });

  it('lists every problem of an invalid Job at once, naming its source', () => {
    expect(() =>
      registry.addCodeDefined(
        toJob({
          jobClassName: 'Broken',
          trigger: { triggerType: TriggerType.CRON },
          retries: -1,
          concurrency: 1.5,
          completionRate: 2,
          forkKeys: [{ name: 'x', className: '' }],
          execute: () => 1,
        }),
      ),
    ).toThrow(
      'Invalid job "broken" (Broken): retries must be 0 or more; forkKeys.0.jobClassName must not be empty; completionRate is a fraction between 0 and 1, or -1; trigger.triggerDescription.cron.expression is required for a CRON trigger; concurrency must be an integer >= 1 (got 1.5)',
    );
  });
});
