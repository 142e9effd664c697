import { BackoffPolicy } from '@chaconne/contracts';
import { retryDelayMs } from './backoff';

describe('retryDelayMs', () => {
  const exponential = {
    policy: BackoffPolicy.EXPONENTIAL,
    delayMs: 1_000,
    maxDelayMs: 10_000,
    jitter: false,
  };

  it('doubles per retry up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((retry) => retryDelayMs(exponential, retry))).toEqual([
      1_000, 2_000, 4_000, 8_000, 10_000, 10_000,
    ]);
  });

  it('waits the same with FIXED', () => {
    const fixed = { ...exponential, policy: BackoffPolicy.FIXED };
    expect([1, 2, 5].map((retry) => retryDelayMs(fixed, retry))).toEqual([1_000, 1_000, 1_000]);
  });

  it('jitter draws between half and all of the delay', () => {
    const jittered = { ...exponential, jitter: true };
    expect(retryDelayMs(jittered, 3, () => 0)).toBe(2_000);
    expect(retryDelayMs(jittered, 3, () => 0.999999)).toBe(4_000);
    expect(retryDelayMs(jittered, 3, () => 0.5)).toBe(3_000);
  });
});
