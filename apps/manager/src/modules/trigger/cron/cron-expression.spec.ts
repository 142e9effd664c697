import { DateTime } from 'luxon';
import { CronExpression, CronSyntaxError, isValidTimeZone } from './cron-expression';
import { MAX_YEAR } from './cron-fields';

/**
 * Quartz's bound, the current year + 100, computed here from the clock as the engine does, so the tests that
 * use it stay right as years pass; the literal years below (up to 2120) are inside it from 2020 on.
 */
const LAST_YEAR = new Date().getUTCFullYear() + 100;

/** Epoch ms of an ISO-8601 instant (with 'Z' or an explicit offset); fails loudly on typos. */
function at(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad ISO instant in test: ${iso}`);
  return ms;
}

/** An instant as local ISO time with its offset in `zone` ('Z' for UTC), so both wall time and instant show. */
function local(ms: number, zone: string): string {
  const iso = DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true });
  if (iso === null) throw new Error(`cannot format ${ms} in ${zone}`);
  return iso;
}

/** The next `count` fire times of `expression` after `after`, as local ISO strings in `zone`. */
function fireTimes(expression: string, after: string, count: number, zone = 'UTC'): string[] {
  return CronExpression.parse(expression)
    .nextTimes(at(after), zone, count)
    .map((ms) => local(ms, zone));
}

function nextUtc(expression: string, after: string, zone: string): string | null {
  const next = CronExpression.parse(expression).next(at(after), zone);
  return next === null ? null : new Date(next).toISOString();
}

function syntaxError(expression: string): CronSyntaxError {
  try {
    CronExpression.parse(expression);
  } catch (error) {
    if (error instanceof CronSyntaxError) return error;
    throw error;
  }
  throw new Error(`expected '${expression}' to be rejected`);
}

// 2026-01-01 is a Thursday. All expectations below were worked out from the calendar, not from the code.
const NEW_YEAR_2026 = '2026-01-01T00:00:00Z';

describe('CronExpression', () => {
  describe('Quartz CronTrigger tutorial examples', () => {
    it('0 0 12 * * ? fires at noon every day', () => {
      expect(fireTimes('0 0 12 * * ?', NEW_YEAR_2026, 3)).toEqual([
        '2026-01-01T12:00:00Z',
        '2026-01-02T12:00:00Z',
        '2026-01-03T12:00:00Z',
      ]);
    });

    it('0 15 10 ? * * and 0 15 10 * * ? fire at 10:15 every day', () => {
      const expected = ['2026-01-01T10:15:00Z', '2026-01-02T10:15:00Z', '2026-01-03T10:15:00Z'];
      expect(fireTimes('0 15 10 ? * *', NEW_YEAR_2026, 3)).toEqual(expected);
      expect(fireTimes('0 15 10 * * ?', NEW_YEAR_2026, 3)).toEqual(expected);
    });

    it('0 15 10 * * ? 2027 fires at 10:15 every day of 2027 only', () => {
      expect(fireTimes('0 15 10 * * ? 2027', NEW_YEAR_2026, 2)).toEqual([
        '2027-01-01T10:15:00Z',
        '2027-01-02T10:15:00Z',
      ]);
      expect(nextUtc('0 15 10 * * ? 2027', '2027-12-31T10:14:59Z', 'UTC')).toBe('2027-12-31T10:15:00.000Z');
      expect(nextUtc('0 15 10 * * ? 2027', '2027-12-31T10:15:00Z', 'UTC')).toBeNull();
    });

    it('returns null when the year field is already exhausted (0 15 10 * * ? 2005)', () => {
      expect(nextUtc('0 15 10 * * ? 2005', NEW_YEAR_2026, 'UTC')).toBeNull();
      expect(CronExpression.parse('0 15 10 * * ? 2005').nextTimes(at(NEW_YEAR_2026), 'UTC', 3)).toEqual([]);
    });

    it('0 * 14 * * ? fires every minute from 14:00 to 14:59', () => {
      expect(fireTimes('0 * 14 * * ?', '2026-01-01T14:57:30Z', 4)).toEqual([
        '2026-01-01T14:58:00Z',
        '2026-01-01T14:59:00Z',
        '2026-01-02T14:00:00Z',
        '2026-01-02T14:01:00Z',
      ]);
    });

    it('0 0/5 14 * * ? fires every 5 minutes from 14:00 to 14:55', () => {
      expect(fireTimes('0 0/5 14 * * ?', '2026-01-01T13:59:59Z', 2)).toEqual([
        '2026-01-01T14:00:00Z',
        '2026-01-01T14:05:00Z',
      ]);
      expect(fireTimes('0 0/5 14 * * ?', '2026-01-01T14:52:00Z', 3)).toEqual([
        '2026-01-01T14:55:00Z',
        '2026-01-02T14:00:00Z',
        '2026-01-02T14:05:00Z',
      ]);
    });

    it('0 0/5 14,18 * * ? fires every 5 minutes in the 14:00 and 18:00 hours', () => {
      expect(fireTimes('0 0/5 14,18 * * ?', '2026-01-01T14:52:00Z', 3)).toEqual([
        '2026-01-01T14:55:00Z',
        '2026-01-01T18:00:00Z',
        '2026-01-01T18:05:00Z',
      ]);
      expect(fireTimes('0 0/5 14,18 * * ?', '2026-01-01T18:55:00Z', 1)).toEqual(['2026-01-02T14:00:00Z']);
    });

    it('0 0-5 14 * * ? fires every minute from 14:00 to 14:05', () => {
      expect(fireTimes('0 0-5 14 * * ?', '2026-01-01T14:03:59Z', 3)).toEqual([
        '2026-01-01T14:04:00Z',
        '2026-01-01T14:05:00Z',
        '2026-01-02T14:00:00Z',
      ]);
    });

    it('0 10,44 14 ? 3 WED fires at 14:10 and 14:44 on every Wednesday in March', () => {
      // March 2026 Wednesdays: 4, 11, 18, 25; 2027-03-01 is a Monday, so the next one is 2027-03-03.
      expect(fireTimes('0 10,44 14 ? 3 WED', NEW_YEAR_2026, 3)).toEqual([
        '2026-03-04T14:10:00Z',
        '2026-03-04T14:44:00Z',
        '2026-03-11T14:10:00Z',
      ]);
      expect(fireTimes('0 10,44 14 ? 3 WED', '2026-03-25T14:44:00Z', 1)).toEqual(['2027-03-03T14:10:00Z']);
    });

    it('0 15 10 ? * MON-FRI fires at 10:15 on weekdays', () => {
      expect(fireTimes('0 15 10 ? * MON-FRI', NEW_YEAR_2026, 4)).toEqual([
        '2026-01-01T10:15:00Z', // Thu
        '2026-01-02T10:15:00Z', // Fri
        '2026-01-05T10:15:00Z', // Mon
        '2026-01-06T10:15:00Z', // Tue
      ]);
    });

    it('0 15 10 15 * ? fires at 10:15 on the 15th of every month', () => {
      expect(fireTimes('0 15 10 15 * ?', NEW_YEAR_2026, 3)).toEqual([
        '2026-01-15T10:15:00Z',
        '2026-02-15T10:15:00Z',
        '2026-03-15T10:15:00Z',
      ]);
    });

    it('0 15 10 L * ? fires at 10:15 on the last day of every month', () => {
      expect(fireTimes('0 15 10 L * ?', NEW_YEAR_2026, 4)).toEqual([
        '2026-01-31T10:15:00Z',
        '2026-02-28T10:15:00Z',
        '2026-03-31T10:15:00Z',
        '2026-04-30T10:15:00Z',
      ]);
    });

    it('0 15 10 L-2 * ? fires at 10:15 two days before the last day of every month', () => {
      expect(fireTimes('0 15 10 L-2 * ?', NEW_YEAR_2026, 4)).toEqual([
        '2026-01-29T10:15:00Z',
        '2026-02-26T10:15:00Z',
        '2026-03-29T10:15:00Z',
        '2026-04-28T10:15:00Z',
      ]);
    });

    it('0 15 10 ? * 6L fires at 10:15 on the last Friday of every month', () => {
      expect(fireTimes('0 15 10 ? * 6L', NEW_YEAR_2026, 3)).toEqual([
        '2026-01-30T10:15:00Z',
        '2026-02-27T10:15:00Z',
        '2026-03-27T10:15:00Z',
      ]);
      expect(fireTimes('0 15 10 ? * FRIL', NEW_YEAR_2026, 1)).toEqual(['2026-01-30T10:15:00Z']);
    });

    it('0 15 10 ? * 6#3 fires at 10:15 on the third Friday of every month', () => {
      expect(fireTimes('0 15 10 ? * 6#3', NEW_YEAR_2026, 3)).toEqual([
        '2026-01-16T10:15:00Z',
        '2026-02-20T10:15:00Z',
        '2026-03-20T10:15:00Z',
      ]);
      expect(fireTimes('0 15 10 ? * fri#3', NEW_YEAR_2026, 1)).toEqual(['2026-01-16T10:15:00Z']);
    });

    it('0 0 12 1/5 * ? fires at noon every 5 days starting on the 1st', () => {
      expect(fireTimes('0 0 12 1/5 * ?', '2026-01-25T00:00:00Z', 4)).toEqual([
        '2026-01-26T12:00:00Z',
        '2026-01-31T12:00:00Z',
        '2026-02-01T12:00:00Z',
        '2026-02-06T12:00:00Z',
      ]);
    });

    it('0 11 11 11 11 ? fires every November 11th at 11:11', () => {
      expect(fireTimes('0 11 11 11 11 ?', NEW_YEAR_2026, 2)).toEqual([
        '2026-11-11T11:11:00Z',
        '2027-11-11T11:11:00Z',
      ]);
    });
  });

  describe('more Quartz syntax', () => {
    it('0 0 12 ? * 2 fires at noon on Mondays (1 = SUN … 7 = SAT)', () => {
      expect(fireTimes('0 0 12 ? * 2', NEW_YEAR_2026, 2)).toEqual([
        '2026-01-05T12:00:00Z',
        '2026-01-12T12:00:00Z',
      ]);
    });

    it('L alone in day-of-week means 7 = Saturday', () => {
      expect(fireTimes('0 0 12 ? * L', NEW_YEAR_2026, 2)).toEqual([
        '2026-01-03T12:00:00Z',
        '2026-01-10T12:00:00Z',
      ]);
    });

    it('*/5 * * * * ? fires every 5 seconds', () => {
      expect(fireTimes('*/5 * * * * ?', '2026-01-01T00:00:03.250Z', 3)).toEqual([
        '2026-01-01T00:00:05Z',
        '2026-01-01T00:00:10Z',
        '2026-01-01T00:00:15Z',
      ]);
      expect(fireTimes('*/5 * * * * ?', '2026-01-01T00:00:55Z', 1)).toEqual(['2026-01-01T00:01:00Z']);
    });

    it("5/15 in seconds means 5, 20, 35, 50 and 7/6 in months means July only, as Quartz's docs say", () => {
      expect(fireTimes('5/15 * * * * ?', NEW_YEAR_2026, 5)).toEqual([
        '2026-01-01T00:00:05Z',
        '2026-01-01T00:00:20Z',
        '2026-01-01T00:00:35Z',
        '2026-01-01T00:00:50Z',
        '2026-01-01T00:01:05Z',
      ]);
      expect(fireTimes('0 0 0 1 7/6 ?', NEW_YEAR_2026, 2)).toEqual([
        '2026-07-01T00:00:00Z',
        '2027-07-01T00:00:00Z',
      ]);
    });

    it('15W fires on the weekday nearest the 15th', () => {
      // 2026-01-15 is a Thursday; 2026-02-15 and 2026-03-15 are Sundays (→ Monday 16th);
      // 2026-08-15 is a Saturday (→ Friday 14th).
      expect(fireTimes('0 0 9 15W * ?', NEW_YEAR_2026, 3)).toEqual([
        '2026-01-15T09:00:00Z',
        '2026-02-16T09:00:00Z',
        '2026-03-16T09:00:00Z',
      ]);
      expect(fireTimes('0 0 9 15W * ?', '2026-08-01T00:00:00Z', 2)).toEqual([
        '2026-08-14T09:00:00Z',
        '2026-09-15T09:00:00Z',
      ]);
    });

    it('1W does not cross into the previous month: a Saturday 1st fires on Monday the 3rd', () => {
      // 2026-08-01 is a Saturday, 2026-11-01 a Sunday.
      expect(fireTimes('0 0 9 1W * ?', '2026-07-15T00:00:00Z', 4)).toEqual([
        '2026-08-03T09:00:00Z',
        '2026-09-01T09:00:00Z',
        '2026-10-01T09:00:00Z',
        '2026-11-02T09:00:00Z',
      ]);
    });

    it('LW fires on the last weekday of the month', () => {
      // 2026-01-31 is a Saturday (→ Fri 30th), 2026-02-28 a Saturday (→ Fri 27th), 2026-03-31 a Tuesday,
      // 2026-05-31 a Sunday (→ Fri 29th).
      expect(fireTimes('0 0 18 LW * ?', NEW_YEAR_2026, 4)).toEqual([
        '2026-01-30T18:00:00Z',
        '2026-02-27T18:00:00Z',
        '2026-03-31T18:00:00Z',
        '2026-04-30T18:00:00Z',
      ]);
      expect(fireTimes('0 0 18 LW * ?', '2026-05-01T00:00:00Z', 1)).toEqual(['2026-05-29T18:00:00Z']);
    });

    it('n#5 skips months without a fifth such weekday', () => {
      // Mondays in 2026: January and February have four, March has a fifth on the 30th.
      expect(fireTimes('0 0 12 ? * 2#5', NEW_YEAR_2026, 1)).toEqual(['2026-03-30T12:00:00Z']);
    });

    it('supports overflowing ranges such as 22-2 and FRI-MON, like Quartz', () => {
      expect(fireTimes('0 0 22-2 * * ?', '2026-01-01T21:00:00Z', 6)).toEqual([
        '2026-01-01T22:00:00Z',
        '2026-01-01T23:00:00Z',
        '2026-01-02T00:00:00Z',
        '2026-01-02T01:00:00Z',
        '2026-01-02T02:00:00Z',
        '2026-01-02T22:00:00Z',
      ]);
      expect(fireTimes('0 0 12 ? * FRI-MON', NEW_YEAR_2026, 5)).toEqual([
        '2026-01-02T12:00:00Z',
        '2026-01-03T12:00:00Z',
        '2026-01-04T12:00:00Z',
        '2026-01-05T12:00:00Z',
        '2026-01-09T12:00:00Z',
      ]);
    });

    it('names are case-insensitive', () => {
      expect(fireTimes('0 15 10 ? jan-feb mon-fri', NEW_YEAR_2026, 1)).toEqual(['2026-01-01T10:15:00Z']);
    });

    it('next() is strictly after `after`, at whole seconds', () => {
      expect(nextUtc('0 0 12 * * ?', '2026-01-01T12:00:00Z', 'UTC')).toBe('2026-01-02T12:00:00.000Z');
      expect(nextUtc('0 0 12 * * ?', '2026-01-01T11:59:59.999Z', 'UTC')).toBe('2026-01-01T12:00:00.000Z');
      expect(nextUtc('* * * * * ?', '2026-01-01T12:00:00.500Z', 'UTC')).toBe('2026-01-01T12:00:01.000Z');
    });
  });

  describe('month ends and leap years', () => {
    it('the 31st only fires in 31-day months', () => {
      expect(fireTimes('0 0 0 31 * ?', NEW_YEAR_2026, 7)).toEqual([
        '2026-01-31T00:00:00Z',
        '2026-03-31T00:00:00Z',
        '2026-05-31T00:00:00Z',
        '2026-07-31T00:00:00Z',
        '2026-08-31T00:00:00Z',
        '2026-10-31T00:00:00Z',
        '2026-12-31T00:00:00Z',
      ]);
    });

    it('the 30th skips February', () => {
      expect(fireTimes('0 0 0 30 * ?', NEW_YEAR_2026, 3)).toEqual([
        '2026-01-30T00:00:00Z',
        '2026-03-30T00:00:00Z',
        '2026-04-30T00:00:00Z',
      ]);
    });

    it('February 29th only exists in leap years', () => {
      expect(fireTimes('0 0 0 29 2 ?', '2025-01-01T00:00:00Z', 2)).toEqual([
        '2028-02-29T00:00:00Z',
        '2032-02-29T00:00:00Z',
      ]);
    });

    it('L in February is the 28th or, in leap years, the 29th', () => {
      expect(fireTimes('0 0 0 L 2 ?', NEW_YEAR_2026, 3)).toEqual([
        '2026-02-28T00:00:00Z',
        '2027-02-28T00:00:00Z',
        '2028-02-29T00:00:00Z',
      ]);
    });
  });

  describe("Quartz's year range: 1970 to the current year + 100", () => {
    it('is the bound the engine uses', () => {
      expect(MAX_YEAR).toBe(LAST_YEAR);
    });

    it('accepts years up to the bound, with or without a year field', () => {
      expect(fireTimes(`0 0 0 1 1 ? ${LAST_YEAR}`, NEW_YEAR_2026, 2)).toEqual([
        `${LAST_YEAR}-01-01T00:00:00Z`,
      ]);
      expect(fireTimes('59 59 23 31 12 ?', `${LAST_YEAR}-12-31T12:00:00Z`, 2)).toEqual([
        `${LAST_YEAR}-12-31T23:59:59Z`,
      ]);
    });

    it('0 0 12 29 2 ? 2090-2120 fires on February 29th of leap years only: not 2100', () => {
      // Leap years are divisible by 4, except centuries not divisible by 400: 2100 is common.
      expect(fireTimes('0 0 12 29 2 ? 2090-2120', NEW_YEAR_2026, 10)).toEqual(
        [2092, 2096, 2104, 2108, 2112, 2116, 2120].map((year) => `${year}-02-29T12:00:00Z`),
      );
    });

    it('0 0 12 ? 2 7#5 2040-2120 fires on the fifth Saturday of February: a leap February starting on a Saturday', () => {
      // Worked out independently: the years whose February 1st (UTC) is a Saturday and that have a 29th.
      const expected: string[] = [];
      for (let year = 2040; year <= 2120; year++) {
        const leap = new Date(Date.UTC(year, 1, 29)).getUTCMonth() === 1;
        if (leap && new Date(Date.UTC(year, 1, 1)).getUTCDay() === 6)
          expected.push(`${year}-02-29T12:00:00Z`);
      }
      expect(expected).toEqual(['2048-02-29T12:00:00Z', '2076-02-29T12:00:00Z', '2116-02-29T12:00:00Z']);
      expect(fireTimes('0 0 12 ? 2 7#5 2040-2120', NEW_YEAR_2026, 10)).toEqual(expected);
    });

    it('computes weekdays past 2100 right (2101-01-01 is a Saturday)', () => {
      expect(fireTimes('0 0 0 ? 1 SAT 2101', NEW_YEAR_2026, 1)).toEqual(['2101-01-01T00:00:00Z']);
      expect(fireTimes('0 0 0 LW 2 ? 2100', NEW_YEAR_2026, 1)).toEqual(['2100-02-26T00:00:00Z']);
    });

    it('evaluates years past 2100 in a zone with daylight saving time', () => {
      // New York's rules go on unchanged: 2100-03-14 is the second Sunday of March.
      expect(fireTimes('0 30 2 * * ? 2100', '2100-03-13T12:00:00Z', 2, 'America/New_York')).toEqual([
        '2100-03-14T03:00:00-04:00',
        '2100-03-15T02:30:00-04:00',
      ]);
    });
  });

  describe('5-field Unix (Vixie) dialect', () => {
    it('is detected by field count; seconds are 0', () => {
      expect(CronExpression.parse('0 9 * * 1-5').dialect).toBe('unix');
      expect(CronExpression.parse('0 0 9 ? * MON-FRI').dialect).toBe('quartz');
      expect(CronExpression.parse('0 0 9 ? * MON-FRI 2030').dialect).toBe('quartz');
    });

    it('0 9 * * 1-5 fires at 09:00 on weekdays (1 = MON in Unix)', () => {
      expect(fireTimes('0 9 * * 1-5', NEW_YEAR_2026, 4)).toEqual([
        '2026-01-01T09:00:00Z',
        '2026-01-02T09:00:00Z',
        '2026-01-05T09:00:00Z',
        '2026-01-06T09:00:00Z',
      ]);
    });

    it('*/15 * * * * fires every quarter hour', () => {
      expect(fireTimes('*/15 * * * *', NEW_YEAR_2026, 4)).toEqual([
        '2026-01-01T00:15:00Z',
        '2026-01-01T00:30:00Z',
        '2026-01-01T00:45:00Z',
        '2026-01-01T01:00:00Z',
      ]);
    });

    it('day-of-week 0 and 7 both mean Sunday', () => {
      const sundays = ['2026-01-04T12:00:00Z', '2026-01-11T12:00:00Z'];
      expect(fireTimes('0 12 * * 0', NEW_YEAR_2026, 2)).toEqual(sundays);
      expect(fireTimes('0 12 * * 7', NEW_YEAR_2026, 2)).toEqual(sundays);
      expect(fireTimes('0 12 * * sun', NEW_YEAR_2026, 2)).toEqual(sundays);
      expect(fireTimes('0 12 * * 5-7', NEW_YEAR_2026, 4)).toEqual([
        '2026-01-02T12:00:00Z', // Fri
        '2026-01-03T12:00:00Z', // Sat
        '2026-01-04T12:00:00Z', // Sun
        '2026-01-09T12:00:00Z',
      ]);
    });

    it('with both day fields restricted, a day matches if EITHER matches', () => {
      // The 1st, the 15th and every Monday.
      expect(fireTimes('0 0 1,15 * MON', '2025-12-31T12:00:00Z', 5)).toEqual([
        '2026-01-01T00:00:00Z',
        '2026-01-05T00:00:00Z',
        '2026-01-12T00:00:00Z',
        '2026-01-15T00:00:00Z',
        '2026-01-19T00:00:00Z',
      ]);
    });

    it("like Vixie cron, a day field starting with '*' (even '*/10') makes both fields required", () => {
      // Days 1, 11, 21, 31 that are also Mondays.
      expect(fireTimes('0 0 */10 * MON', NEW_YEAR_2026, 3)).toEqual([
        '2026-05-11T00:00:00Z',
        '2026-06-01T00:00:00Z',
        '2026-08-31T00:00:00Z',
      ]);
    });

    it("accepts '?' as '*' and month/day names", () => {
      expect(fireTimes('30 8 ? jan-mar MON', NEW_YEAR_2026, 2)).toEqual([
        '2026-01-05T08:30:00Z',
        '2026-01-12T08:30:00Z',
      ]);
    });
  });

  describe('time zones', () => {
    it('evaluates the same expression in different zones', () => {
      expect(nextUtc('0 0 9 * * ?', NEW_YEAR_2026, 'UTC')).toBe('2026-01-01T09:00:00.000Z');
      expect(nextUtc('0 0 9 * * ?', NEW_YEAR_2026, 'Asia/Shanghai')).toBe('2026-01-01T01:00:00.000Z');
      expect(nextUtc('0 0 9 * * ?', NEW_YEAR_2026, 'America/New_York')).toBe('2026-01-01T14:00:00.000Z');
      // Summer time in New York (UTC-4).
      expect(nextUtc('0 0 9 * * ?', '2026-07-01T00:00:00Z', 'America/New_York')).toBe(
        '2026-07-01T13:00:00.000Z',
      );
      // Day boundaries are local: 2026-01-01T20:00Z is already Friday 04:00 in Shanghai.
      expect(nextUtc('0 0 9 ? * THU', '2026-01-01T02:00:00Z', 'Asia/Shanghai')).toBe(
        '2026-01-08T01:00:00.000Z',
      );
      expect(nextUtc('0 0 9 ? * THU', '2026-01-01T02:00:00Z', 'America/New_York')).toBe(
        '2026-01-01T14:00:00.000Z',
      );
    });

    it('validates zones', () => {
      expect(isValidTimeZone('America/New_York')).toBe(true);
      expect(isValidTimeZone('Asia/Shanghai')).toBe(true);
      expect(isValidTimeZone('UTC')).toBe(true);
      expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
      expect(isValidTimeZone('')).toBe(false);
      expect(() => CronExpression.parse('0 0 9 * * ?').next(0, 'Mars/Olympus_Mons')).toThrow(RangeError);
      expect(() => CronExpression.parse('0 0 9 * * ?').next(Number.NaN, 'UTC')).toThrow(RangeError);
    });
  });

  describe('daylight saving time', () => {
    describe('America/New_York spring forward (2026-03-08, 02:00 EST → 03:00 EDT)', () => {
      const zone = 'America/New_York';

      it('a skipped wall time (02:30) fires once, at the first valid instant after it (03:00 EDT)', () => {
        expect(fireTimes('0 30 2 * * ?', '2026-03-07T12:00:00-05:00', 3, zone)).toEqual([
          '2026-03-08T03:00:00-04:00',
          '2026-03-09T02:30:00-04:00',
          '2026-03-10T02:30:00-04:00',
        ]);
      });

      it('times outside the gap are unaffected (01:30 EST, 03:30 EDT)', () => {
        expect(fireTimes('0 30 1,3 * * ?', '2026-03-08T00:00:00-05:00', 3, zone)).toEqual([
          '2026-03-08T01:30:00-05:00',
          '2026-03-08T03:30:00-04:00',
          '2026-03-09T01:30:00-04:00',
        ]);
      });

      it('0 */30 * * * ? collapses the skipped 02:00 and 02:30 into one fire at 03:00', () => {
        expect(fireTimes('0 */30 * * * ?', '2026-03-08T00:45:00-05:00', 5, zone)).toEqual([
          '2026-03-08T01:00:00-05:00',
          '2026-03-08T01:30:00-05:00',
          '2026-03-08T03:00:00-04:00',
          '2026-03-08T03:30:00-04:00',
          '2026-03-08T04:00:00-04:00',
        ]);
      });

      it('a per-second schedule runs straight through the transition', () => {
        expect(fireTimes('* * * * * ?', '2026-03-08T01:59:58-05:00', 3, zone)).toEqual([
          '2026-03-08T01:59:59-05:00',
          '2026-03-08T03:00:00-04:00',
          '2026-03-08T03:00:01-04:00',
        ]);
      });
    });

    describe('America/New_York fall back (2026-11-01, 02:00 EDT → 01:00 EST)', () => {
      const zone = 'America/New_York';

      it('a repeated wall time (01:30) fires once, at its first occurrence (EDT)', () => {
        expect(fireTimes('0 30 1 * * ?', '2026-10-31T12:00:00-04:00', 3, zone)).toEqual([
          '2026-11-01T01:30:00-04:00',
          '2026-11-02T01:30:00-05:00',
          '2026-11-03T01:30:00-05:00',
        ]);
        // Asking again from inside the repeated hour does not replay 01:30 EST.
        expect(fireTimes('0 30 1 * * ?', '2026-11-01T01:15:00-05:00', 1, zone)).toEqual([
          '2026-11-02T01:30:00-05:00',
        ]);
      });

      it('02:30 exists once and is unaffected', () => {
        expect(fireTimes('0 30 2 * * ?', '2026-10-31T12:00:00-04:00', 2, zone)).toEqual([
          '2026-11-01T02:30:00-05:00',
          '2026-11-02T02:30:00-05:00',
        ]);
      });

      it('0 */30 * * * ? runs by the clock: the repeated 01:00 and 01:30 fire in both passes', () => {
        expect(fireTimes('0 */30 * * * ?', '2026-11-01T00:45:00-04:00', 6, zone)).toEqual([
          '2026-11-01T01:00:00-04:00',
          '2026-11-01T01:30:00-04:00',
          '2026-11-01T01:00:00-05:00',
          '2026-11-01T01:30:00-05:00',
          '2026-11-01T02:00:00-05:00',
          '2026-11-01T02:30:00-05:00',
        ]);
        // From inside the second 01:xx, the next fire is 01:30 EST.
        expect(fireTimes('0 */30 * * * ?', '2026-11-01T01:10:00-05:00', 1, zone)).toEqual([
          '2026-11-01T01:30:00-05:00',
        ]);
      });

      it('a per-second schedule fires every second through the overlap, in real time', () => {
        expect(fireTimes('* * * * * ?', '2026-11-01T01:59:58-04:00', 3, zone)).toEqual([
          '2026-11-01T01:59:59-04:00',
          '2026-11-01T01:00:00-05:00',
          '2026-11-01T01:00:01-05:00',
        ]);
        const times = CronExpression.parse('*/1 * * * * ?').nextTimes(
          at('2026-11-01T00:00:00-04:00'),
          zone,
          10_000,
        );
        expect(times).toHaveLength(10_000);
        const gaps = times.slice(1).map((time, i) => time - (times[i] ?? Number.NaN));
        expect(gaps.filter((gap) => gap !== 1000)).toEqual([]);
        // 7200 fires up to 01:59:59 EDT, then 2800 more from 01:00:00 EST.
        expect(local(times[9_999] ?? Number.NaN, zone)).toBe('2026-11-01T01:46:40-05:00');
      });
    });

    describe('Europe/London (2026-03-29 01:00 GMT → 02:00 BST; 2026-10-25 02:00 BST → 01:00 GMT)', () => {
      const zone = 'Europe/London';

      it('spring forward: 01:30 does not exist and fires at 02:00 BST; 02:30 is unaffected', () => {
        expect(fireTimes('0 30 1 * * ?', '2026-03-28T12:00:00Z', 3, zone)).toEqual([
          '2026-03-29T02:00:00+01:00',
          '2026-03-30T01:30:00+01:00',
          '2026-03-31T01:30:00+01:00',
        ]);
        expect(fireTimes('0 30 2 * * ?', '2026-03-28T12:00:00Z', 2, zone)).toEqual([
          '2026-03-29T02:30:00+01:00',
          '2026-03-30T02:30:00+01:00',
        ]);
      });

      it('spring forward: 0 */30 * * * ? fires once for 01:00, 01:30 and 02:00', () => {
        expect(fireTimes('0 */30 * * * ?', '2026-03-29T00:15:00Z', 4, zone)).toEqual([
          '2026-03-29T00:30:00+00:00',
          '2026-03-29T02:00:00+01:00',
          '2026-03-29T02:30:00+01:00',
          '2026-03-29T03:00:00+01:00',
        ]);
      });

      it('fall back: 01:30 fires once, at its first occurrence (BST)', () => {
        expect(fireTimes('0 30 1 * * ?', '2026-10-24T12:00:00Z', 3, zone)).toEqual([
          '2026-10-25T01:30:00+01:00',
          '2026-10-26T01:30:00+00:00',
          '2026-10-27T01:30:00+00:00',
        ]);
        expect(fireTimes('0 30 2 * * ?', '2026-10-24T12:00:00Z', 1, zone)).toEqual([
          '2026-10-25T02:30:00+00:00',
        ]);
      });

      it('fall back: 0 */30 * * * ? fires in both passes of the repeated hour', () => {
        expect(fireTimes('0 */30 * * * ?', '2026-10-25T00:15:00+01:00', 6, zone)).toEqual([
          '2026-10-25T00:30:00+01:00',
          '2026-10-25T01:00:00+01:00',
          '2026-10-25T01:30:00+01:00',
          '2026-10-25T01:00:00+00:00',
          '2026-10-25T01:30:00+00:00',
          '2026-10-25T02:00:00+00:00',
        ]);
      });
    });
  });

  describe('syntax errors', () => {
    it.each([
      ['', undefined, 'cron expression is empty'],
      ['   ', undefined, 'cron expression is empty'],
      ['* * * *', undefined, "cron expression '* * * *' has 4 fields; expected 5"],
      ['0 0 0 * * ? 2030 x', undefined, 'has 8 fields'],
      ['0 0 12 ? * 8', 'day-of-week', "day-of-week: '8' is out of range 1-7"],
      ['0 0 12 ? * 0', 'day-of-week', "day-of-week: '0' is out of range 1-7"],
      ['60 * * * * ?', 'second', "second: '60' is out of range 0-59"],
      ['0 60 * * * ?', 'minute', "minute: '60' is out of range 0-59"],
      ['0 0 24 * * ?', 'hour', "hour: '24' is out of range 0-23"],
      ['0 0 0 32 * ?', 'day-of-month', "day-of-month: '32' is out of range 1-31"],
      ['0 0 0 0 * ?', 'day-of-month', "day-of-month: '0' is out of range 1-31"],
      ['0 0 0 ? 13 MON', 'month', "month: '13' is out of range 1-12"],
      ['0 0 0 ? FOO MON', 'month', "month: 'FOO' in 'FOO' is not valid; expected a name JAN, FEB"],
      ['0 0 0 ? * MOO', 'day-of-week', "day-of-week: 'MOO' in 'MOO' is not valid"],
      ['0 0 0 * * ? 1969', 'year', `year: '1969' is out of range 1970-${LAST_YEAR}`],
      [`0 0 0 * * ? ${LAST_YEAR + 1}`, 'year', `year: '${LAST_YEAR + 1}' is out of range 1970-${LAST_YEAR}`],
      ['0 0 0 * * ? 2030-2025', 'year', "year: range '2030-2025' is reversed"],
      ['*/0 * * * * ?', 'second', "second: step in '*/0' must be at least 1"],
      ['0 */-5 * * * ?', 'minute', "minute: step in '*/-5' must be a positive integer"],
      ['0 5/ * * * ?', 'minute', "minute: step in '5/' must be a positive integer"],
      ['0 0 */24 * * ?', 'hour', "hour: step in '*/24' is out of range 1-23"],
      ['0 0 -1 * * ?', 'hour', "hour: '-1' is not a valid value or range"],
      ['0 0 1-2-3 * * ?', 'hour', "hour: '1-2-3' is not a valid value or range"],
      ['0 0 12 1,,2 * ?', 'day-of-month', "day-of-month: empty element in list '1,,2'"],
      ['0 0 12 $ * ?', 'day-of-month', "day-of-month: unexpected character '$' in '$'"],
      ['0 0 12 5 * ?!', 'day-of-week', "day-of-week: unexpected character '!' in '?!'"],
      ['MON * * * * ?', 'second', "second: 'MON' in 'MON' is not valid; expected a number"],
      ['0 0 ? * * MON', 'hour', "hour: '?' is only allowed in day-of-month or day-of-week"],
      ['0 0 12 1,? * ?', 'day-of-month', "day-of-month: '?' must be the whole field"],
      [
        '0 0 12 * * MON',
        'day-of-week',
        'support for specifying both a day-of-week AND a day-of-month parameter',
      ],
      [
        '0 0 12 15 * 2',
        'day-of-week',
        'support for specifying both a day-of-week AND a day-of-month parameter',
      ],
      ['0 0 12 ? * ?', 'day-of-week', "day-of-month and day-of-week cannot both be '?'"],
      [
        '0 0 12 L,15 * ?',
        'day-of-month',
        "day-of-month: 'L' and 'W' cannot be combined with other days in a list",
      ],
      ['0 0 12 1W,15W * ?', 'day-of-month', "'L' and 'W' cannot be combined with other days in a list"],
      ['0 0 12 1-5W * ?', 'day-of-month', "day-of-month: '1-5W' is not a valid use of 'L'/'W'"],
      ['0 0 12 L/2 * ?', 'day-of-month', "day-of-month: 'L/2' is not a valid use of 'L'/'W'"],
      ['0 0 12 L-31 * ?', 'day-of-month', "day-of-month: offset in 'L-31' is out of range 0-30"],
      ['0 0 12 32W * ?', 'day-of-month', "day-of-month: '32' in '32W' is out of range 1-31"],
      ['0 0 12 1#2 * ?', 'day-of-month', "day-of-month: '#' is only allowed in day-of-week"],
      [
        '0 0 12 ? * 6L,2',
        'day-of-week',
        "day-of-week: 'L' and '#' cannot be combined with other days in a list",
      ],
      ['0 0 12 ? * 2#1,3#2', 'day-of-week', "'L' and '#' cannot be combined with other days in a list"],
      ['0 0 12 ? * 2#6', 'day-of-week', "day-of-week: the number after '#' in '2#6' must be between 1 and 5"],
      ['0 0 12 ? * 2#', 'day-of-week', "day-of-week: the number after '#' in '2#' must be between 1 and 5"],
      ['0 0 12 ? * 8L', 'day-of-week', "day-of-week: '8' is out of range 1-7"],
      ['0 0 12 ? * 1-3L', 'day-of-week', "day-of-week: '1-3L' is not a valid use of 'L'/'#'"],
      ['0 12 * * 8', 'day-of-week', "day-of-week: '8' is out of range 0-7"],
      ['61 * * * *', 'minute', "minute: '61' is out of range 0-59"],
      ['0 12 L * *', 'day-of-month', "day-of-month: 'L' in 'L' is a Quartz extension"],
      ['0 12 15W * *', 'day-of-month', "day-of-month: 'W' in '15W' is a Quartz extension"],
      ['0 12 * * 5L', 'day-of-week', "day-of-week: 'L' in '5L' is a Quartz extension"],
      ['0 12 * * 5#2', 'day-of-week', "day-of-week: '#' in '5#2' is a Quartz extension"],
      ['30 22-2 * * *', 'hour', "hour: range '22-2' is reversed"],
      ['/5 * * * *', 'minute', "minute: '/5' needs a value or '*' before '/'"],
      ['*-5 * * * *', 'minute', "minute: '*' cannot be combined with other values in '*-5'"],
      ['*/5-10 * * * *', 'minute', "minute: step in '*/5-10' must be a positive integer"],
    ])('rejects %j (%s)', (expression, field, message) => {
      const error = syntaxError(expression);
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe('CronSyntaxError');
      expect(error.field).toBe(field);
      expect(error.message).toContain(message);
    });

    it('rejects a non-string expression with a CronSyntaxError', () => {
      expect(() => CronExpression.parse(42 as unknown as string)).toThrow(CronSyntaxError);
    });
  });

  describe('parsing', () => {
    it('keeps the source text and caches parsed instances', () => {
      const cron = CronExpression.parse('0 15 10 ? * MON-FRI');
      expect(cron.source).toBe('0 15 10 ? * MON-FRI');
      expect(cron.toString()).toBe('0 15 10 ? * MON-FRI');
      expect(CronExpression.parse('0 15 10 ? * MON-FRI')).toBe(cron);
    });

    it('accepts tabs and repeated spaces between fields', () => {
      expect(fireTimes(' 0\t0  12 * *\t? ', NEW_YEAR_2026, 1)).toEqual(['2026-01-01T12:00:00Z']);
    });

    it('accepts a bare /n as */n in Quartz expressions, like Quartz', () => {
      expect(fireTimes('/20 * * * * ?', NEW_YEAR_2026, 2)).toEqual([
        '2026-01-01T00:00:20Z',
        '2026-01-01T00:00:40Z',
      ]);
    });
  });

  describe('limits', () => {
    /** A Quartz expression whose second field is a list of `n` items (0..59 repeating). */
    const secondsList = (n: number): string =>
      `${Array.from({ length: n }, (_, i) => String(i % 60)).join(',')} * * ? * *`;

    it('refuses an expression longer than 1024 characters, naming the limit, before reading it', () => {
      // The 50,000-item list that once stalled the manager for minutes.
      const huge = secondsList(50_000);
      expect(huge.length).toBeGreaterThan(100_000);
      const error = syntaxError(huge);
      expect(error.message).toBe(
        `cron expression is ${huge.length} characters long; at most 1024 are accepted`,
      );
      expect(error.field).toBeUndefined();
      // Whitespace counts: the limit is on what was sent.
      expect(syntaxError(`0 0 12 * * ?${' '.repeat(1013)}`).message).toContain('1025 characters long');
    });

    it('accepts an expression of exactly 1024 characters', () => {
      const padded = `0 0 12 * * ?${' '.repeat(1012)}`;
      expect(padded).toHaveLength(1024);
      expect(fireTimes(padded, NEW_YEAR_2026, 1)).toEqual(['2026-01-01T12:00:00Z']);
    });

    it.each([
      ['second', secondsList(61), 61, 60],
      ['minute', `0 ${Array(61).fill('5').join(',')} * ? * *`, 61, 60],
      ['hour', `0 0 ${Array(25).fill('1-2').join(',')} ? * *`, 25, 24],
      ['day-of-month', `0 0 0 ${Array(32).fill('15').join(',')} * ?`, 32, 31],
      ['day-of-month', `0 0 0 ${Array(32).fill('L').join(',')} * ?`, 32, 31],
      ['month', `0 0 0 1 ${Array(13).fill('JAN').join(',')} ?`, 13, 12],
      ['day-of-week', `0 0 0 ? * ${Array(8).fill('MON').join(',')}`, 8, 7],
      ['day-of-week', `0 0 0 ? * ${Array(8).fill('2#1').join(',')}`, 8, 7],
      [
        'year',
        `0 0 0 1 1 ? ${Array(LAST_YEAR - 1968)
          .fill('2030')
          .join(',')}`,
        LAST_YEAR - 1968,
        LAST_YEAR - 1969,
      ],
      ['minute', `${Array(61).fill('*/5').join(',')} * * * *`, 61, 60],
      ['day-of-week', `0 0 * * ${Array(9).fill('0').join(',')}`, 9, 8],
    ])('refuses a %s list longer than the field has values', (field, expression, items, cap) => {
      const error = syntaxError(expression);
      expect(error.field).toBe(field);
      expect(error.message).toBe(
        `${field}: the list has ${items} items; at most ${cap} are accepted (one per value of the field)`,
      );
    });

    it('accepts a list that names every value of the field once', () => {
      const everySecond = secondsList(60);
      expect(CronExpression.parse(everySecond).nextTimes(at(NEW_YEAR_2026), 'UTC', 2)).toEqual([
        at('2026-01-01T00:00:01Z'),
        at('2026-01-01T00:00:02Z'),
      ]);
      const everyMonth = `0 0 0 1 ${['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'].join(',')} ?`;
      expect(fireTimes(everyMonth, NEW_YEAR_2026, 2)).toEqual([
        '2026-02-01T00:00:00Z',
        '2026-03-01T00:00:00Z',
      ]);
    });

    it('refuses any character outside printable ASCII, naming it by code point, never quoting it raw', () => {
      // 'ſ' (long s) upper-cases to 'S' in Unicode: 'ſat' must not become SAT.
      expect(syntaxError('0 0 0 ? * ſat#1').field).toBe('day-of-week');
      expect(syntaxError('0 0 0 ? * ſat').message).toBe(
        "day-of-week: unexpected character U+017F in '\\u{17f}at'",
      );
      expect(syntaxError('0 0 12 * * ?\u0000').message).toBe(
        "day-of-week: unexpected character U+0000 in '?\\u{0}'",
      );
      expect(syntaxError('0\u202e 0 12 * * ?').message).toBe(
        "second: unexpected character U+202E in '0\\u{202e}'",
      );
      expect(syntaxError('0 0 12 * * ? 2030\u0007').field).toBe('year');
      expect(syntaxError('0 12 * * 1\ud800').message).toBe(
        "day-of-week: unexpected character U+D800 in '1\\u{d800}'",
      );
      // The field-count message quotes the expression, escaped the same way.
      expect(syntaxError('\u202e* * *').message).toBe(
        "cron expression '\\u{202e}* * *' has 3 fields; expected 5 (Unix: minute hour day-of-month month day-of-week) or 6-7 (Quartz: second minute hour day-of-month month day-of-week [year])",
      );
    });
  });

  describe('bounded search for schedules that fire rarely or never', () => {
    // Each of these walks the calendar up to MAX_YEAR. The search jumps field by field and its loop is capped
    // (MAX_SEARCH_STEPS), so every call answers (null or a time) instead of spinning; a missing bound would
    // make these tests hang. Expected times were worked out with Python's calendar module.
    const NEVER = [
      ['0 0 0 30 2 ?', 'February 30th'],
      ['0 0 0 31 4,6,9,11 ?', 'the 31st of a 30-day month'],
      ['0 0 0 31W 2 ?', 'the weekday nearest February 31st'],
      ['0 0 0 L-30 2 ?', 'thirty days before the end of February'],
      ['0 0 0 29 2 ? 2097-2099', 'February 29th in three common years'],
      ['0 0 0 ? 2 1#5 2097-2099', 'a fifth Sunday in February of common years'],
      ['0 0 0 29 2 ? 2097-2103', 'February 29th from 2097 to 2103 (2100 is not a leap year)'],
      ['0 0 30 2 *', 'February 30th (Unix)'],
    ];
    const FROM = [
      ['the dawn of time', -8.64e15],
      ['1969', at('1969-12-31T00:00:00Z')],
      ['2026', at(NEW_YEAR_2026)],
      ['the last hour of the range', at(`${LAST_YEAR}-12-31T23:00:00Z`)],
    ] as const;

    it.each(NEVER)('%s (%s) never fires, from any start and in any zone', (expression) => {
      const cron = CronExpression.parse(expression);
      for (const [, from] of FROM) {
        expect(cron.next(from, 'UTC')).toBeNull();
        expect(cron.next(from, 'Pacific/Kiritimati')).toBeNull();
        expect(cron.next(from, 'America/Adak')).toBeNull();
      }
    });

    it.each([
      ['0 0 0 ? * 1#5 2099', NEW_YEAR_2026, ['2099-03-29T00:00:00Z', '2099-05-31T00:00:00Z']],
      ['0 0 0 ? 2 6#5', NEW_YEAR_2026, ['2036-02-29T00:00:00Z', '2064-02-29T00:00:00Z']],
      [
        '0 0 0 L-30W * ?',
        '2025-12-31T12:00:00Z',
        ['2026-01-01T00:00:00Z', '2026-03-02T00:00:00Z', '2026-05-01T00:00:00Z'],
      ],
      // Vixie's "either day field" rule: the 31st of February or April never comes, but Mondays do.
      ['0 0 31 2,4 1', NEW_YEAR_2026, ['2026-02-02T00:00:00Z', '2026-02-09T00:00:00Z']],
    ])('%s after %s fires first at %j', (expression, after, expected) => {
      expect(fireTimes(expression, after, expected.length)).toEqual(expected);
    });

    it.each([
      ['0 0 0 LW 2 ? 2099', NEW_YEAR_2026, '2099-02-27T00:00:00Z'],
      ['59 59 23 31 12 ? 2099', '1970-01-01T00:00:00Z', '2099-12-31T23:59:59Z'],
      ['0 0 0 1 1 ? 1970', '1969-01-01T00:00:00Z', '1970-01-01T00:00:00Z'],
    ])('%s after %s fires once, at %s, and then never again', (expression, after, expected) => {
      expect(fireTimes(expression, after, 3)).toEqual([expected]);
    });

    it('starts 1970 at local midnight east of UTC, from any earlier instant', () => {
      expect(nextUtc('0 0 0 1 1 ? 1970', '1900-01-01T00:00:00Z', 'Asia/Tokyo')).toBe(
        '1969-12-31T15:00:00.000Z',
      );
      expect(CronExpression.parse('0 0 0 1 1 ? 1970').next(-8.64e15, 'Asia/Tokyo')).toBe(
        at('1969-12-31T15:00:00Z'),
      );
    });

    it('answers null for instants past the supported range, however far', () => {
      for (const after of [at(`${LAST_YEAR + 1}-01-03T00:00:00Z`), 8.64e15, Number.MAX_VALUE]) {
        expect(CronExpression.parse('* * * * * ?').next(after, 'UTC')).toBeNull();
      }
    });
  });

  describe('performance by design', () => {
    it('computes 10,000 successive per-second fire times', () => {
      const times = CronExpression.parse('*/1 * * * * ?').nextTimes(
        at(NEW_YEAR_2026),
        'Europe/London',
        10_000,
      );
      expect(times).toHaveLength(10_000);
      expect(times[9_999]).toBe(at('2026-01-01T02:46:40Z'));
    });

    it('jumps field by field for sparse schedules', () => {
      // Second-by-second iteration would need ~10^8 steps per call here, and ~2.3 * 10^9 to prove that
      // February 30th never happens; the search instead jumps months and years directly.
      expect(fireTimes('0 0 12 29 2 ?', '2029-03-01T00:00:00Z', 3)).toEqual([
        '2032-02-29T12:00:00Z',
        '2036-02-29T12:00:00Z',
        '2040-02-29T12:00:00Z',
      ]);
      expect(CronExpression.parse('0 0 0 30 2 ?').next(at(NEW_YEAR_2026), 'UTC')).toBeNull();
    });

    it('returns null past the supported year range', () => {
      expect(nextUtc('0 0 0 * * ?', `${LAST_YEAR}-12-31T00:00:00Z`, 'UTC')).toBeNull();
      expect(nextUtc('0 0 0 * * ?', `${LAST_YEAR}-12-30T12:00:00Z`, 'UTC')).toBe(
        `${LAST_YEAR}-12-31T00:00:00.000Z`,
      );
    });
  });
});
