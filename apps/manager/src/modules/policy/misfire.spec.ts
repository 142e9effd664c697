import { missedBetween } from './misfire';
import type { TriggerPlan } from '../trigger/trigger-plan';

const everySecond: TriggerPlan = { kind: 'cron', expression: '* * * * * ?', timeZone: 'UTC', startMs: null };
const T = Date.UTC(2026, 10, 21, 12, 0, 0);

describe('missedBetween', () => {
  it('counts the occurrences between the last handled one and this tick that are past the cutoff', () => {
    expect(missedBetween(everySecond, T, T + 11_000, T + 20_000)).toEqual({
      count: 10,
      firstMs: T + 1_000,
      lastMs: T + 10_000,
      capped: false,
    });
  });

  it('leaves occurrences younger than the cutoff alone (their tick may be in flight)', () => {
    expect(missedBetween(everySecond, T, T + 11_000, T + 4_500)).toEqual({
      count: 4,
      firstMs: T + 1_000,
      lastMs: T + 4_000,
      capped: false,
    });
    expect(missedBetween(everySecond, T, T + 1_000, T + 10_000)).toBeNull();
  });

  it('has nothing to count without a previous occurrence or for an older tick', () => {
    expect(missedBetween(everySecond, null, T, T + 60_000)).toBeNull();
    expect(missedBetween(everySecond, T + 5_000, T, T + 60_000)).toBeNull();
  });

  it('works for fixed-rate plans and stops counting at its limit', () => {
    const fixedRate: TriggerPlan = { kind: 'fixedRate', periodMs: 1, anchorMs: 0 };
    const missed = missedBetween(fixedRate, 0, 1_000_000, 1_000_000);
    expect(missed?.capped).toBe(true);
    expect(missed?.count).toBe(10_000);
  });
});
