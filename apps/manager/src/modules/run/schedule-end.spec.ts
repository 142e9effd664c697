import { scheduleEnd, type ScheduleProgress } from './schedule-end';

const AT = Date.parse('2026-12-07T10:00:00Z');

const progress = (patch: Partial<ScheduleProgress>): ScheduleProgress => ({
  plan: { kind: 'once', atMs: AT },
  repeatCount: -1,
  runCount: 0,
  lastPlannedMs: null,
  onceRecorded: false,
  ...patch,
});

describe('scheduleEnd', () => {
  it('ends a one-shot trigger once its only occurrence has its record, not before', () => {
    expect(scheduleEnd(progress({}))).toBeNull();
    expect(scheduleEnd(progress({ onceRecorded: true }))).toBe(
      'no further fire time: its only occurrence (2026-12-07T10:00:00.000Z) has ended',
    );
  });

  it('ends any trigger whose repeat count is used up, and none before', () => {
    const cron = { kind: 'cron', expression: '*/1 * * * * ?', timeZone: 'UTC', startMs: null } as const;
    expect(scheduleEnd(progress({ plan: cron, repeatCount: 3, runCount: 2 }))).toBeNull();
    expect(scheduleEnd(progress({ plan: cron, repeatCount: 3, runCount: 3 }))).toBe(
      'repeat count reached (3 occurrences)',
    );
    expect(
      scheduleEnd(
        progress({ plan: { kind: 'fixedRate', periodMs: 1_000, anchorMs: 0 }, repeatCount: 1, runCount: 1 }),
      ),
    ).toBe('repeat count reached (1 occurrence)');
  });

  it('ends a cron trigger after its last fire time (a year field), not after an earlier one', () => {
    const plan = {
      kind: 'cron',
      expression: '0 0 12 1 1 ? 2027-2028',
      timeZone: 'UTC',
      startMs: null,
    } as const;
    const first = Date.parse('2027-01-01T12:00:00Z');
    const last = Date.parse('2028-01-01T12:00:00Z');
    expect(scheduleEnd(progress({ plan, lastPlannedMs: null }))).toBeNull();
    expect(scheduleEnd(progress({ plan, lastPlannedMs: first }))).toBeNull();
    expect(scheduleEnd(progress({ plan, lastPlannedMs: last }))).toBe(
      'no further fire time after its last occurrence (2028-01-01T12:00:00.000Z)',
    );
  });

  it('never ends on-demand, fixed-rate or fixed-delay triggers without a repeat count', () => {
    for (const plan of [
      { kind: 'onDemand' },
      { kind: 'fixedRate', periodMs: 1_000, anchorMs: 0 },
      { kind: 'fixedDelay', periodMs: 1_000, startMs: null },
    ] as const)
      expect(scheduleEnd(progress({ plan, runCount: 5, lastPlannedMs: AT, onceRecorded: true }))).toBeNull();
  });
});
