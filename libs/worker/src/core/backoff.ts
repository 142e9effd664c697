import { setTimeout as delay } from 'node:timers/promises';

export interface BackoffOptions {
  /** First delay after a failure. */
  initialMs: number;
  /** Upper bound of the delay. */
  maxMs: number;
}

/**
 * Exponential backoff with +/-20 % jitter (so many workers restarted together do not hit the
 * manager in lock-step), never above `maxMs`. `attempt` counts failures so far, from 0.
 */
export function backoffDelay(attempt: number, { initialMs, maxMs }: BackoffOptions): number {
  const base = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
  const jittered = base * (0.8 + Math.random() * 0.4);
  return Math.round(Math.min(maxMs, jittered));
}

/** Sleeps `ms`; resolves early (never rejects) when `signal` aborts, clearing its timer. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return;
  try {
    await delay(ms, undefined, signal ? { signal } : undefined);
  } catch {
    // aborted: the caller checks its signal
  }
}

/** Read through a call: the flag flips while a request awaits, which narrowing cannot see. */
export function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}
