import {
  SchedulingUnit,
  TriggerType,
  type Job,
  type JobContext,
  type TriggerDefinition,
} from '@chaconne/worker';

/**
 * Chaconne's `HelloWorldJob` (the `Job` interface style): definition and body in one plain
 * class, registered with `worker.addJob(new HelloWorldJob())`. Runs every 15 seconds at a
 * fixed rate.
 */
export class HelloWorldJob implements Job {
  readonly description: string;
  readonly retries = 3;
  readonly timeout = 60_000;
  readonly trigger: TriggerDefinition;

  /** @param periodSeconds - how often it says hello; a schedule that lives in code. */
  constructor(periodSeconds = 15) {
    this.description = `Says hello every ${periodSeconds} seconds (fixed rate)`;
    this.trigger = {
      triggerType: TriggerType.PERIODIC,
      triggerDescription: {
        periodic: { period: periodSeconds, schedulingUnit: SchedulingUnit.SECONDS, fixedRate: true },
      },
    };
  }

  execute(_ctx: JobContext): string {
    return 'Hello World!';
  }

  onSuccess(ctx: JobContext, result: unknown): void {
    ctx.log.info('{}', result);
  }
}
