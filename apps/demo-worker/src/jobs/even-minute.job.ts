import {
  ChacJob,
  ChacTrigger,
  OnSuccess,
  Prepare,
  Run,
  ShouldRun,
  type JobContext,
  type ShouldRunResult,
} from '@chaconne/worker';
import { attachmentField } from './attachment';

/** The minute the run counts as: `{"minute": n}` in the attachment, else the planned minute. */
function minuteOf(ctx: JobContext): number {
  const override = attachmentField(ctx.attachment, 'minute');
  return typeof override === 'number' && Number.isInteger(override) ? override : ctx.plannedAt.getMinutes();
}

/**
 * The hooks demo: fires every minute, but `@ShouldRun` lets only even minutes through; odd
 * ones are recorded SKIPPED with the reason. An attachment `{"minute": 7}` stands in for the
 * planned minute, so a `triggerJob` can choose the outcome.
 */
@ChacJob({ description: 'Runs on even minutes only (shouldRun skips the odd ones)' })
@ChacTrigger({ cron: '0 * * * * ?' })
export class EvenMinuteJob {
  @Prepare()
  prepare(ctx: JobContext): void {
    ctx.log.debug('EvenMinuteJob prepares run {} (minute {})', ctx.runId, minuteOf(ctx));
  }

  @ShouldRun()
  shouldRun(ctx: JobContext): ShouldRunResult {
    const minute = minuteOf(ctx);
    return minute % 2 === 0 || `odd minute (${minute}): EvenMinuteJob runs on even minutes only`;
  }

  @Run()
  execute(ctx: JobContext): number {
    const minute = minuteOf(ctx);
    ctx.log.info('EvenMinuteJob runs at minute {}', minute);
    return minute;
  }

  @OnSuccess()
  onSuccess(ctx: JobContext, result: unknown): void {
    ctx.log.info("EvenMinuteJob's return value is: {}", result);
  }
}
