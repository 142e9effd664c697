import { randomInt } from 'node:crypto';
import { ChacJob, ChacTrigger, OnFailure, OnSuccess, Run, type JobContext } from '@chaconne/worker';

/**
 * A code-defined job, as in Chaconne's introduction: the schedule lives here and is upserted
 * by the manager when the worker registers.
 */
@ChacJob({ description: 'Logs a line every 5 seconds and returns a random number' })
@ChacTrigger({ cron: '*/5 * * * * ?' })
export class DemoCronJob {
  @Run()
  execute(ctx: JobContext): number {
    ctx.log.info('DemoCronJob is running at: {}', new Date());
    return randomInt(1_000_000, 1_000_000_000);
  }

  @OnSuccess()
  onSuccess(ctx: JobContext, result: unknown): void {
    ctx.log.info("DemoCronJob's return value is: {}", result);
  }

  @OnFailure()
  onFailure(ctx: JobContext, error: Error): void {
    ctx.log.error('DemoCronJob is failed by cause: {}', error.message, error);
  }
}
