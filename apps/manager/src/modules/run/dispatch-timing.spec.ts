import { ProtocolLimits } from '@chaconne/contracts';
import { nextCapacityLaunch, startInMsAt, startOf } from './dispatch-timing';

const T = Date.parse('2026-12-07T10:00:00Z');

describe('startInMsAt', () => {
  it('is the time left until the start, measured when the request leaves', () => {
    expect(startInMsAt(T + 500, T)).toBe(500);
    expect(startInMsAt(T + 500, T + 499)).toBe(1);
  });

  it('is 0 (start at once) once the start has come or passed: a late run is never held', () => {
    expect(startInMsAt(T, T)).toBe(0);
    expect(startInMsAt(T, T + 250)).toBe(0);
  });

  it('never exceeds what the protocol allows', () => {
    expect(startInMsAt(T + 10 * ProtocolLimits.maxStartInMs, T)).toBe(ProtocolLimits.maxStartInMs);
  });

  it('is a whole number of milliseconds', () => {
    expect(startInMsAt(T + 10.6, T)).toBe(11);
  });
});

describe('startOf', () => {
  it('is the planned start of a run sent ahead, and the sending of one sent late or at once', () => {
    expect(startOf(T, T + 400)).toBe(T + 400);
    expect(startOf(T + 30, T)).toBe(T + 30);
    expect(startOf(T, undefined)).toBe(T);
  });
});

describe('nextCapacityLaunch', () => {
  it('launches again after the interval while the wait lasts', () => {
    expect(nextCapacityLaunch(T, T, 60_000, 1_000)).toBe(T + 1_000);
    expect(nextCapacityLaunch(T, T + 30_000, 60_000, 1_000)).toBe(T + 31_000);
  });

  it('launches a last time when the wait ends, then answers null (the run fails)', () => {
    expect(nextCapacityLaunch(T, T + 59_500, 60_000, 1_000)).toBe(T + 60_000);
    expect(nextCapacityLaunch(T, T + 60_000, 60_000, 1_000)).toBeNull();
  });

  it('fails at once when waiting is turned off', () => {
    expect(nextCapacityLaunch(T, T, 0, 1_000)).toBeNull();
  });
});
