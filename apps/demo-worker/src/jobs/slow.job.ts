import { setTimeout as delay } from 'node:timers/promises';
import type { JobContext, NotManagedJob } from '@chaconne/worker';
import { attachmentField } from './attachment';

/** How long a run works when the attachment names no `ms`. */
export const DEFAULT_SLOW_JOB_MS = 5_000;

/** How often a run says how far it got (so a live log tail has something to show). */
export const SLOW_JOB_PROGRESS_MS = 1_000;

function reasonOf(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason.message : String(reason);
}

/**
 * A dynamic job that works for `{"ms": n}` milliseconds (5 s by default), logging its
 * progress every second, and honours its abort signal: a timeout, a cancel by the manager,
 * or the end of the worker's shutdown grace period stops it, and it says so in its log.
 * Used to show timeouts, graceful shutdown and the console's live log tail.
 */
export class SlowJob implements NotManagedJob {
  /** `sleep` waits `ms` or rejects when `signal` aborts (tests pass their own clock). */
  constructor(
    private readonly sleep: (ms: number, signal: AbortSignal) => Promise<unknown> = (ms, signal) =>
      delay(ms, undefined, { signal }),
  ) {}

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
    // Whole periods, not "until the next second": a timeout of one period (set before the run
    // started, on the same timer list) always fires before the first progress line.
    for (let worked = 0; worked < workMs;) {
      const period = Math.min(SLOW_JOB_PROGRESS_MS, workMs - worked);
      await this.sleep(period, ctx.signal);
      worked += period;
      if (worked < workMs) ctx.log.info('SlowJob: {} of {} ms done', worked, workMs);
    }
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
