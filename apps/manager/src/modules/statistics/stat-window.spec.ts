import { dayWindow, monthWindow, statDay } from './stat-window';

// 2026-03-01 02:30 in Shanghai is still February in UTC: the zone decides the day.
const EARLY_MARCH_SHANGHAI = new Date('2026-02-28T18:30:00Z');

describe('statistics windows', () => {
  it('files an instant under its date in the manager zone', () => {
    expect(statDay(EARLY_MARCH_SHANGHAI, 'Asia/Shanghai')).toBe('2026-03-01');
    expect(statDay(EARLY_MARCH_SHANGHAI, 'UTC')).toBe('2026-02-28');
  });

  it('lists lastDays days ending today in the zone, oldest first', () => {
    expect(dayWindow(EARLY_MARCH_SHANGHAI, 'Asia/Shanghai', 3)).toEqual([
      '2026-02-27',
      '2026-02-28',
      '2026-03-01',
    ]);
    expect(dayWindow(EARLY_MARCH_SHANGHAI, 'UTC', 1)).toEqual(['2026-02-28']);
    expect(dayWindow(EARLY_MARCH_SHANGHAI, 'UTC', 366)).toHaveLength(366);
  });

  it('keeps one label per calendar day across a DST change', () => {
    // Europe/Berlin springs forward on 2026-03-29 (a 23-hour day).
    expect(dayWindow(new Date('2026-03-30T12:00:00Z'), 'Europe/Berlin', 3)).toEqual([
      '2026-03-28',
      '2026-03-29',
      '2026-03-30',
    ]);
  });

  it('spans the current month and the two before, across a year end', () => {
    expect(monthWindow(new Date('2026-01-15T12:00:00Z'), 'UTC', 3)).toEqual({
      months: ['2025-11', '2025-12', '2026-01'],
      from: '2025-11-01',
      to: '2026-01-31',
    });
    expect(monthWindow(EARLY_MARCH_SHANGHAI, 'Asia/Shanghai', 3)).toEqual({
      months: ['2026-01', '2026-02', '2026-03'],
      from: '2026-01-01',
      to: '2026-03-31',
    });
  });
});
