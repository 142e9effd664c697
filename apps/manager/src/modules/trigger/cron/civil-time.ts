/**
 * Zone-free calendar arithmetic. Cron fields describe wall-clock ("civil") times, so the search for the next
 * matching time runs entirely on these plain numbers; only the final conversion to an instant involves a time
 * zone (see zone-rules.ts). Keeping this part free of luxon makes the hot loop cheap.
 */

/** A wall-clock date-time with no zone attached. `month` is 1-12, `day` 1-31. */
export interface CivilTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

export const MS_PER_SECOND = 1000;
export const MS_PER_MINUTE = 60 * MS_PER_SECOND;
export const MS_PER_DAY = 24 * 60 * MS_PER_MINUTE;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return DAYS_IN_MONTH[month - 1] ?? 31;
}

/** Day of the week of a civil date: 0 = Sunday … 6 = Saturday (the internal numbering of both dialects). */
export function weekdayOf(year: number, month: number, day: number): number {
  const daysSinceEpoch = Math.floor(Date.UTC(year, month - 1, day) / MS_PER_DAY);
  // 1970-01-01 was a Thursday (4).
  return (((daysSinceEpoch + 4) % 7) + 7) % 7;
}

/**
 * Encodes a civil time as "wall milliseconds": the epoch milliseconds it would have in UTC. This gives civil
 * times a total order and cheap arithmetic; subtracting a zone's offset turns it into a real instant.
 */
export function civilToWallMs(time: CivilTime): number {
  return Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second);
}

export function wallMsToCivil(wallMs: number): CivilTime {
  const date = new Date(wallMs);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
  };
}
