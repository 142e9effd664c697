import { setTimeout as delay } from 'node:timers/promises';
import type { JobContext, NotManagedJob } from '@chaconne/worker';
import { attachmentField } from './attachment';

/** How long a run works when the attachment names no `ms`. */
export const DEFAULT_SLOW_JOB_MS = 5_000;

function reasonOf(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason.message : String(reason);
}

/**
 * A dynamic job that works for `{"ms": n}` milliseconds (5 s by default) and honours its
 * abort signal: a timeout, a cancel by the manager, or the end of the worker's shutdown
 * grace period stops it, and it says so in its log. Used to show timeouts and graceful
 * shutdown.
 */
export class SlowJob implements NotManagedJob {
  async execute(ctx: JobContext): Promise<{ workedMs: number }> {
    const ms = attachmentField(ctx.attachment, 'ms');
    const workMs = typeof ms === 'number' && ms >= 0 ? ms : DEFAULT_SLOW_JOB_MS;
    const startedAt = Date.now();
    ctx.signal.addEventListener(
      'abort',
      () => {
        ctx.log.warn('SlowJob: signal aborted after {} ms: {}', Date.now() - startedAt, reasonOf(ctx.signal));
      },
      { once: true },
    );
    ctx.log.info('SlowJob: working for {} ms', workMs);
    await delay(workMs, undefined, { signal: ctx.signal });
    ctx.log.info('SlowJob: done after {} ms', Date.now() - startedAt);
    return { workedMs: workMs };
  }

  onSuccess(ctx: JobContext, result: unknown): void {
    ctx.log.info("SlowJob's return value is: {}", result);
  }

  onFailure(ctx: JobContext, error: Error): void {
    ctx.log.error('SlowJob failed: {}', error.message);
  }
}
