import { randomUUID } from 'node:crypto';
import { ManagedJob, TriggerType, type JobContext, type TriggerDefinition } from '@chaconne/worker';

function formatSize(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * Chaconne's `HealthCheckJob` (the `ManagedJob` style): a class whose getters are its
 * definition, read once when the worker registers. Logs the process's memory usage and
 * returns a UUID every 10 seconds.
 */
export class HealthCheckJob extends ManagedJob {
  override getDescription(): string {
    return 'Logs memory usage every 10 seconds and returns a UUID';
  }

  override getTimeout(): number {
    return 60_000;
  }

  override getTrigger(): TriggerDefinition {
    return { triggerType: TriggerType.CRON, triggerDescription: { cron: { expression: '*/10 * * * * ?' } } };
  }

  execute(ctx: JobContext): string {
    const { heapUsed, heapTotal, rss } = process.memoryUsage();
    ctx.log.info('memory: {}/{} heap, {} rss', formatSize(heapUsed), formatSize(heapTotal), formatSize(rss));
    return randomUUID();
  }

  override onSuccess(ctx: JobContext, result: unknown): void {
    ctx.log.info("HealthCheckJob's return value is: {}", result);
  }
}
