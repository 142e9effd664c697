/**
 * The compiled, zone-independent form of a cron expression, and the field-by-field search for the first
 * matching wall-clock time at or after a given one.
 */
import { type CivilTime, daysInMonth, weekdayOf } from './civil-time';
import { MAX_YEAR, MIN_YEAR } from './cron-fields';

/**
 * A set of allowed values of one field, stored as a "next allowed value" lookup table so the search can jump
 * straight to the next candidate in O(1) instead of testing values one by one.
 */
export class ValueSet {
  /** `table[v - min]` is the smallest allowed value >= v, or -1 if there is none. */
  private readonly table: Int16Array;
  readonly first: number;

  constructor(
    readonly min: number,
    readonly max: number,
    values: Iterable<number>,
  ) {
    const allowed = new Uint8Array(max - min + 1);
    for (const value of values) allowed[value - min] = 1;
    this.table = new Int16Array(max - min + 1);
    let next = -1;
    for (let v = max; v >= min; v--) {
      if (allowed[v - min] === 1) next = v;
      this.table[v - min] = next;
    }
    this.first = this.table[0] ?? -1;
  }

  /** The smallest allowed value >= `value`, or -1 when there is none (including when `value` > max). */
  next(value: number): number {
    if (value <= this.min) return this.first;
    if (value > this.max) return -1;
    return this.table[value - this.min] ?? -1;
  }
}

/**
 * Which days of a month match. Days of the month are kept as bit masks (bit d = day d, d = 1..31) and days of
 * the week as 7-bit masks (bit 0 = Sunday … bit 6 = Saturday).
 */
export type DayRule =
  /** Plain day-of-month and day-of-week sets; `or` gives Vixie's "either field matches" semantics. */
  | {
      readonly kind: 'days';
      readonly daysOfMonth: number;
      readonly weekdays: number;
      readonly combine: 'and' | 'or';
    }
  /** Quartz `L`, `L-n`, `LW`, `L-nW`: the last day minus `offset`, optionally moved to the nearest weekday. */
  | { readonly kind: 'last-day'; readonly offset: number; readonly nearestWeekday: boolean }
  /** Quartz `nW`: the weekday nearest to day `day`, without leaving the month. */
  | { readonly kind: 'nearest-weekday'; readonly day: number }
  /** Quartz `nL` in day-of-week: the last given weekday of the month. */
  | { readonly kind: 'last-weekday'; readonly weekday: number }
  /** Quartz `n#k`: the k-th given weekday of the month; months without one are skipped. */
  | { readonly kind: 'nth-weekday'; readonly weekday: number; readonly nth: number };

export const ALL_WEEKDAYS = 0b111_1111;
/** Bits 1..31 set. */
export const ALL_DAYS_OF_MONTH = 0xffff_fffe | 0;

export interface CronSchedule {
  readonly seconds: ValueSet;
  readonly minutes: ValueSet;
  readonly hours: ValueSet;
  readonly months: ValueSet;
  readonly years: ValueSet;
  readonly days: DayRule;
  /**
   * Whether the hour field is written with `*` or a step `/n` anywhere (`*`, `/n`, `a/n`, `a-b/n`, `*` with
   * `/n`): such a schedule runs by the clock, firing whenever the wall clock shows a matching time, so through
   * a repeated hour twice and never at a skipped time. A schedule with hours written out (`1`, `1,13`, `9-17`) fires at each
   * matching wall time once a day. See the DST rule in fire-search.ts.
   */
  readonly followsClock: boolean;
}

function bit(day: number): number {
  return 1 << day;
}

/** Bits 1..n set. */
function daysUpTo(n: number): number {
  return n >= 31 ? ALL_DAYS_OF_MONTH : (1 << (n + 1)) - 2;
}

/**
 * Quartz's `W` rule: a Saturday moves back to Friday and a Sunday forward to Monday, except that the result
 * never leaves the month (a Saturday 1st moves forward to Monday the 3rd, a Sunday last day back to Friday).
 */
function nearestWeekday(year: number, month: number, day: number, lastDay: number): number {
  const weekday = weekdayOf(year, month, day);
  if (weekday === 6) return day === 1 ? 3 : day - 1;
  if (weekday === 0) return day === lastDay ? day - 2 : day + 1;
  return day;
}

/** The matching days of one month as a bit mask (bit d = day d). */
export function matchingDays(rule: DayRule, year: number, month: number): number {
  const lastDay = daysInMonth(year, month);
  switch (rule.kind) {
    case 'days': {
      const byDayOfMonth = rule.daysOfMonth & daysUpTo(lastDay);
      let byWeekday = 0;
      if (rule.weekdays === ALL_WEEKDAYS) {
        byWeekday = daysUpTo(lastDay);
      } else {
        let weekday = weekdayOf(year, month, 1);
        for (let day = 1; day <= lastDay; day++) {
          if ((rule.weekdays & (1 << weekday)) !== 0) byWeekday |= bit(day);
          weekday = weekday === 6 ? 0 : weekday + 1;
        }
      }
      return rule.combine === 'and' ? byDayOfMonth & byWeekday : byDayOfMonth | byWeekday;
    }
    case 'last-day': {
      const day = lastDay - rule.offset;
      if (day < 1) return 0;
      return bit(rule.nearestWeekday ? nearestWeekday(year, month, day, lastDay) : day);
    }
    case 'nearest-weekday':
      // Like Quartz, "31W" simply does not fire in months that have no 31st.
      return rule.day > lastDay ? 0 : bit(nearestWeekday(year, month, rule.day, lastDay));
    case 'last-weekday':
      return bit(lastDay - ((weekdayOf(year, month, lastDay) - rule.weekday + 7) % 7));
    case 'nth-weekday': {
      const firstOccurrence = 1 + ((rule.weekday - weekdayOf(year, month, 1) + 7) % 7);
      const day = firstOccurrence + 7 * (rule.nth - 1);
      return day > lastDay ? 0 : bit(day);
    }
  }
}

/** The lowest set bit at position >= `from` in a day mask, or -1. */
function nextDay(mask: number, from: number): number {
  if (from > 31) return -1;
  const remaining = mask & (-1 << from);
  if (remaining === 0) return -1;
  return 31 - Math.clz32(remaining & -remaining);
}

/**
 * The most iterations {@link findFirstMatch} can take. Every iteration that does not return carries into a
 * coarser field. Once the time is reset to the start of a day, that day's first allowed hour, minute and
 * second match at once (every value set is non-empty), so hour, minute and second carry at most once per
 * search, at the start. The day carries at most once more, then each allowed month that has no matching day
 * costs one iteration (12 a year) and each year one more; a year without allowed values is jumped over
 * without an iteration of its own. Searches start no earlier than MIN_YEAR - 1 (a couple of days before
 * 1970 in zones east of UTC).
 */
export const MAX_SEARCH_STEPS = 13 * (MAX_YEAR - MIN_YEAR + 2) + 4;

/**
 * The first civil time >= `start` that the schedule matches, or null if there is none up to MAX_YEAR.
 *
 * Each step either accepts the current value of a field or jumps that field to its next allowed value
 * (resetting the finer fields to their minimum) and restarts from the coarsest field, so the number of
 * iterations is bounded by the number of field carries, not by the distance in seconds. The worst case is an
 * expression that matches rarely or never (e.g. `0 0 0 30 2 ?`), which walks at most 12 months per year up to
 * MAX_YEAR: see MAX_SEARCH_STEPS, which the loop also enforces, so no input can make a call spin.
 */
export function findFirstMatch(schedule: CronSchedule, start: CivilTime): CivilTime | null {
  let { year, month, day, hour, minute, second } = start;
  // The day mask only depends on (year, month); remember the last one computed.
  let maskYear = -1;
  let maskMonth = -1;
  let mask = 0;

  for (let step = 0; ; step++) {
    if (year > MAX_YEAR) return null;
    // Unreachable by the argument above; a guard, so that a future change to it fails loudly, not silently.
    if (step >= MAX_SEARCH_STEPS) {
      throw new Error(`cron search exceeded ${MAX_SEARCH_STEPS} steps from ${JSON.stringify(start)}`);
    }

    const nextYear = schedule.years.next(year);
    if (nextYear < 0) return null;
    if (nextYear !== year) {
      year = nextYear;
      month = 1;
      day = 1;
      hour = minute = second = 0;
    }

    const nextMonth = schedule.months.next(month);
    if (nextMonth < 0) {
      year++;
      month = 1;
      day = 1;
      hour = minute = second = 0;
      continue;
    }
    if (nextMonth !== month) {
      month = nextMonth;
      day = 1;
      hour = minute = second = 0;
    }

    if (year !== maskYear || month !== maskMonth) {
      mask = matchingDays(schedule.days, year, month);
      maskYear = year;
      maskMonth = month;
    }
    const nextMatchingDay = nextDay(mask, day);
    if (nextMatchingDay < 0) {
      month++;
      day = 1;
      hour = minute = second = 0;
      continue;
    }
    if (nextMatchingDay !== day) {
      day = nextMatchingDay;
      hour = minute = second = 0;
    }

    const nextHour = schedule.hours.next(hour);
    if (nextHour < 0) {
      day++;
      hour = minute = second = 0;
      continue;
    }
    if (nextHour !== hour) {
      hour = nextHour;
      minute = second = 0;
    }

    const nextMinute = schedule.minutes.next(minute);
    if (nextMinute < 0) {
      hour++;
      minute = second = 0;
      continue;
    }
    if (nextMinute !== minute) {
      minute = nextMinute;
      second = 0;
    }

    const nextSecond = schedule.seconds.next(second);
    if (nextSecond < 0) {
      minute++;
      second = 0;
      continue;
    }
    return { year, month, day, hour, minute, second: nextSecond };
  }
}
