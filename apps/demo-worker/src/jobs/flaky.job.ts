import { type JobContext, NonRetryableError, type NotManagedJob } from '@chaconne/worker';
import { attachmentField } from './attachment';

export interface FlakyResult {
  /** The attempt that completed (0 = the first). */
  attempt: number;
  /** The worker instance that ran it. */
  instanceId: string;
}

/**
 * A dynamic job that fails its first attempts: while `ctx.attempt` is below
 * `{"failUntilAttempt": n}` (0 by default: it never fails) it throws (a `NonRetryableError`
 * with `"nonRetryable": true`, which the manager does not retry), then it completes with
 * the attempt and the instance that ran it. Used to show retries, their backoff and their
 * placement, and that `onFailure` waits for the last attempt.
 */
export class FlakyJob implements NotManagedJob {
  execute(ctx: JobContext): FlakyResult {
    const failUntil = attachmentField(ctx.attachment, 'failUntilAttempt');
    const failUntilAttempt = typeof failUntil === 'number' ? failUntil : 0;
    if (ctx.attempt < failUntilAttempt) {
      ctx.log.warn('FlakyJob: attempt {} fails on purpose (retries: {})', ctx.attempt, ctx.retries);
      const message = `FlakyJob: failing attempt ${ctx.attempt}`;
      if (attachmentField(ctx.attachment, 'nonRetryable') === true) throw new NonRetryableError(message);
      throw new Error(message);
    }
    ctx.log.info('FlakyJob: attempt {} completes on {}', ctx.attempt, ctx.instanceId);
    return { attempt: ctx.attempt, instanceId: ctx.instanceId };
  }

  onFailure(ctx: JobContext, error: Error): void {
    ctx.log.error('FlakyJob gave up after attempt {}: {}', ctx.attempt, error.message);
  }
}
