import { BackoffPolicy, type RetryBackoff } from '@chaconne/contracts';

/**
 * The wait before retry number `retry` (1 for the first retry). Exponential doubles the
 * delay per retry up to maxDelayMs; jitter draws the wait between half and all of it, so
 * retries of many runs that failed together do not arrive together.
 */
export function retryDelayMs(
  backoff: Required<RetryBackoff>,
  retry: number,
  random: () => number = Math.random,
): number {
  const base =
    backoff.policy === BackoffPolicy.EXPONENTIAL
      ? backoff.delayMs * 2 ** Math.min(Math.max(retry - 1, 0), 30)
      : backoff.delayMs;
  const capped = Math.min(base, backoff.maxDelayMs);
  return Math.round(backoff.jitter ? capped / 2 + (random() * capped) / 2 : capped);
}
