import { DateTime } from 'luxon';

/**
 * Calendar windows of the statistics endpoints. A statistics day is a date in the manager's
 * time zone (the one `StatRollup` files runs under), so "today" is today in that zone, not
 * in UTC nor in the server's zone. Pure functions of `now` so they can be tested at any hour.
 */

/** The statistics day of an instant: its `yyyy-MM-dd` in `zone`. */
export function statDay(instant: Date, zone: string): string {
  return DateTime.fromJSDate(instant, { zone }).toISODate() ?? '1970-01-01';
}

/** The `lastDays` days ending today, oldest first, as `yyyy-MM-dd` labels. */
export function dayWindow(now: Date, zone: string, lastDays: number): string[] {
  const today = DateTime.fromJSDate(now, { zone }).startOf('day');
  const days: string[] = [];
  for (let back = lastDays - 1; back >= 0; back--) {
    days.push(today.minus({ days: back }).toFormat('yyyy-MM-dd'));
  }
  return days;
}

export interface MonthWindow {
  /** `yyyy-MM` labels, oldest first. */
  months: string[];
  /** First day of the oldest month. */
  from: string;
  /** Last day of the current month. */
  to: string;
}

/** The current month and the `count - 1` before it. */
export function monthWindow(now: Date, zone: string, count: number): MonthWindow {
  const thisMonth = DateTime.fromJSDate(now, { zone }).startOf('month');
  const oldest = thisMonth.minus({ months: count - 1 });
  const months: string[] = [];
  for (let i = 0; i < count; i++) months.push(oldest.plus({ months: i }).toFormat('yyyy-MM'));
  return {
    months,
    from: oldest.toFormat('yyyy-MM-dd'),
    to: thisMonth.endOf('month').toFormat('yyyy-MM-dd'),
  };
}
