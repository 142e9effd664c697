import { SchedulingUnit, TriggerType } from '@chaconne/contracts';
import { CronExpression } from './cron/cron-expression';
import { nextFireAfter, planFromTrigger, type TriggerPlan } from './trigger-plan';
import { previewFireTimes } from './trigger-preview';

/**
 * Cron triggers across daylight-saving changes, through every path that computes a fire time (issue 5, item 9;
 * issue 13). The rule is in cron/fire-search.ts:
 *  - Hours written with `*` or a step run by the clock: a repeated wall time fires in both passes, a skipped
 *    one never.
 *  - Hours written out: a wall time that does not exist fires once, at the first valid instant after it; one
 *    that exists twice fires once, at its first occurrence.
 *  - PERIODIC (fixed rate / fixed delay) follows real elapsed time and ignores DST.
 * dst-zones.spec.ts checks the same rule in more zones and years against an independent model.
 *
 * The 2026 changes used here:
 *  - America/New_York: 2026-03-08 02:00 EST → 03:00 EDT (07:00Z); 2026-11-01 02:00 EDT → 01:00 EST (06:00Z),
 *    so 01:00–01:59 is first 05:00Z–05:59Z (EDT) and then 06:00Z–06:59Z (EST).
 *  - Europe/London: 2026-03-29 01:00 GMT → 02:00 BST (01:00Z); 2026-10-25 02:00 BST → 01:00 GMT (01:00Z),
 *    so 01:00–01:59 is first 00:00Z–00:59Z (BST) and then 01:00Z–01:59Z (GMT).
 * Every expected instant below was worked out by hand from those facts; the comments give the local time.
 */

const NEW_YORK = 'America/New_York';
const LONDON = 'Europe/London';

function ms(iso: string): number {
  const value = Date.parse(iso);
  if (Number.isNaN(value)) throw new Error(`bad ISO instant in test: ${iso}`);
  return value;
}

function iso(value: number): string {
  return new Date(value).toISOString();
}

function cronPlan(expression: string, timeZone: string): TriggerPlan {
  return planFromTrigger({
    triggerType: TriggerType.CRON,
    triggerDescription: JSON.stringify({ cron: { expression } }),
    startDate: null,
    timeZone,
  });
}

/** Successive results of `next`, each asked strictly after the previous one. */
function chain(after: number, count: number, next: (after: number) => number | null | undefined): string[] {
  const times: string[] = [];
  let previous = after;
  while (times.length < count) {
    const time = next(previous);
    if (time === null || time === undefined) break;
    times.push(iso(time));
    previous = time;
  }
  return times;
}

/**
 * The next `count` fire times of a plan through every path that computes them: the trigger plan (the
 * fire pipeline queues each recurring tick from the previous one with it) and the preview.
 */
function planPaths(plan: TriggerPlan, after: string, count: number): Record<string, string[]> {
  const start = ms(after);
  return {
    nextFireAfter: chain(start, count, (previous) => nextFireAfter(plan, previous)),
    preview: previewFireTimes(plan, start, count, null).map(iso),
  };
}

/** The same, plus the evaluator itself, for a cron expression. */
function cronPaths(
  expression: string,
  timeZone: string,
  after: string,
  count: number,
): Record<string, string[]> {
  return {
    evaluator: CronExpression.parse(expression).nextTimes(ms(after), timeZone, count).map(iso),
    ...planPaths(cronPlan(expression, timeZone), after, count),
  };
}

/** Expects every path to give exactly `expected`. */
function expectEveryPath(paths: Record<string, string[]>, expected: string[]): void {
  const wanted = Object.fromEntries(Object.keys(paths).map((path) => [path, expected]));
  expect(paths).toEqual(wanted);
}

interface CronCase {
  name: string;
  /** Quartz (6-field) and, where the schedule has no seconds, the equivalent 5-field Unix expression. */
  expressions: string[];
  after: string;
  expected: string[];
}

function cronCases(timeZone: string, cases: CronCase[]): void {
  for (const { name, expressions, after, expected } of cases) {
    it.each(expressions)(`${name}: %s`, (expression) => {
      expectEveryPath(cronPaths(expression, timeZone, after, expected.length), expected);
    });
  }
}

describe('daylight saving time', () => {
  describe('America/New_York spring forward, 2026-03-08 02:00 EST → 03:00 EDT', () => {
    cronCases(NEW_YORK, [
      {
        name: 'daily 02:30 fires at 03:00 EDT on the day it does not exist',
        expressions: ['0 30 2 * * ?', '30 2 * * *'],
        after: '2026-03-07T12:00:00Z',
        expected: [
          '2026-03-08T07:00:00.000Z', // 03:00 EDT
          '2026-03-09T06:30:00.000Z', // 02:30 EDT
          '2026-03-10T06:30:00.000Z', // 02:30 EDT
        ],
      },
      {
        name: 'asked half a second before the change, daily 02:30 still fires at 03:00 EDT',
        expressions: ['0 30 2 * * ?', '30 2 * * *'],
        after: '2026-03-08T06:59:59.500Z', // 01:59:59.5 EST
        expected: ['2026-03-08T07:00:00.000Z'], // 03:00 EDT
      },
      {
        name: 'hourly fires 01:00 EST then 03:00 EDT, once',
        expressions: ['0 0 * * * ?', '0 * * * *'],
        after: '2026-03-08T04:30:00Z', // 23:30 EST on the 7th
        expected: [
          '2026-03-08T05:00:00.000Z', // 00:00 EST
          '2026-03-08T06:00:00.000Z', // 01:00 EST
          '2026-03-08T07:00:00.000Z', // 03:00 EDT (02:00 does not exist and collapses into it)
          '2026-03-08T08:00:00.000Z', // 04:00 EDT
        ],
      },
      {
        name: 'hourly at :30 runs by the clock: 02:30 is never shown, so nothing fires at 03:00',
        expressions: ['0 30 * * * ?', '30 * * * *', '0 30 */1 * * ?'],
        after: '2026-03-08T05:00:00Z', // 00:00 EST
        expected: [
          '2026-03-08T05:30:00.000Z', // 00:30 EST
          '2026-03-08T06:30:00.000Z', // 01:30 EST
          '2026-03-08T07:30:00.000Z', // 03:30 EDT: one real hour later
          '2026-03-08T08:30:00.000Z', // 04:30 EDT
        ],
      },
      {
        name: 'every two hours by the clock: 02:00 is never shown, so 00:00 EST is followed by 04:00 EDT',
        expressions: ['0 0 */2 * * ?', '0 */2 * * *'],
        after: '2026-03-08T04:00:00Z', // 23:00 EST on the 7th
        expected: [
          '2026-03-08T05:00:00.000Z', // 00:00 EST
          '2026-03-08T08:00:00.000Z', // 04:00 EDT
          '2026-03-08T10:00:00.000Z', // 06:00 EDT
        ],
      },
      {
        name: 'the same hours written out are times of day: 02:30 fires at 03:00 EDT',
        expressions: ['0 30 0-23 * * ?', '30 0-23 * * *'],
        after: '2026-03-08T05:00:00Z', // 00:00 EST
        expected: [
          '2026-03-08T05:30:00.000Z', // 00:30 EST
          '2026-03-08T06:30:00.000Z', // 01:30 EST
          '2026-03-08T07:00:00.000Z', // 03:00 EDT, for the missing 02:30
          '2026-03-08T07:30:00.000Z', // 03:30 EDT
        ],
      },
      {
        name: 'every 15 minutes: 02:00–02:45 and 03:00 are one fire at 03:00 EDT',
        expressions: ['0 */15 * * * ?', '*/15 * * * *'],
        after: '2026-03-08T06:30:00Z', // 01:30 EST
        expected: [
          '2026-03-08T06:45:00.000Z', // 01:45 EST
          '2026-03-08T07:00:00.000Z', // 03:00 EDT
          '2026-03-08T07:15:00.000Z', // 03:15 EDT
          '2026-03-08T07:30:00.000Z', // 03:30 EDT
        ],
      },
      {
        name: 'every minute of 02:xx: the 60 missing wall times fire once, at 03:00 EDT',
        expressions: ['0 * 2 * * ?', '* 2 * * *'],
        after: '2026-03-08T05:00:00Z', // 00:00 EST
        expected: [
          '2026-03-08T07:00:00.000Z', // 03:00 EDT, the only fire that day
          '2026-03-09T06:00:00.000Z', // 02:00 EDT the next day
          '2026-03-09T06:01:00.000Z',
          '2026-03-09T06:02:00.000Z',
        ],
      },
      {
        name: 'every 30 seconds runs straight through',
        expressions: ['*/30 * * * * ?'],
        after: '2026-03-08T06:59:00Z', // 01:59:00 EST
        expected: [
          '2026-03-08T06:59:30.000Z', // 01:59:30 EST
          '2026-03-08T07:00:00.000Z', // 03:00:00 EDT
          '2026-03-08T07:00:30.000Z', // 03:00:30 EDT
          '2026-03-08T07:01:00.000Z',
        ],
      },
    ]);

    it('fires `0 * 2 * * ?` once on 2026-03-08, not 60 times', () => {
      const day = previewFireTimes(
        cronPlan('0 * 2 * * ?', NEW_YORK),
        ms('2026-03-08T05:00:00Z'), // 00:00 EST
        100,
        ms('2026-03-09T04:59:59Z'), // 23:59:59 EDT
      );
      expect(day.map(iso)).toEqual(['2026-03-08T07:00:00.000Z']);
    });
  });

  describe('America/New_York fall back, 2026-11-01 02:00 EDT → 01:00 EST', () => {
    cronCases(NEW_YORK, [
      {
        name: 'daily 01:30 fires at 01:30 EDT only',
        expressions: ['0 30 1 * * ?', '30 1 * * *'],
        after: '2026-10-31T12:00:00Z',
        expected: [
          '2026-11-01T05:30:00.000Z', // 01:30 EDT (not again at 01:30 EST, 06:30Z)
          '2026-11-02T06:30:00.000Z', // 01:30 EST
          '2026-11-03T06:30:00.000Z', // 01:30 EST
        ],
      },
      {
        name: 'asked from inside the repeated hour (01:15 EST), daily 01:30 waits for the next day',
        expressions: ['0 30 1 * * ?', '30 1 * * *'],
        after: '2026-11-01T06:15:00Z', // 01:15 EST
        expected: ['2026-11-02T06:30:00.000Z'], // 01:30 EST on the 2nd
      },
      {
        name: 'hourly runs by the clock: 01:00 EDT and 01:00 EST both fire, an hour apart',
        expressions: ['0 0 * * * ?', '0 * * * *'],
        after: '2026-11-01T03:30:00Z', // 23:30 EDT on the 31st
        expected: [
          '2026-11-01T04:00:00.000Z', // 00:00 EDT
          '2026-11-01T05:00:00.000Z', // 01:00 EDT
          '2026-11-01T06:00:00.000Z', // 01:00 EST
          '2026-11-01T07:00:00.000Z', // 02:00 EST
        ],
      },
      {
        name: 'the same hours written out fire 01:00 once, at its first occurrence',
        expressions: ['0 0 0-23 * * ?', '0 0-23 * * *'],
        after: '2026-11-01T03:30:00Z', // 23:30 EDT on the 31st
        expected: [
          '2026-11-01T04:00:00.000Z', // 00:00 EDT
          '2026-11-01T05:00:00.000Z', // 01:00 EDT
          '2026-11-01T07:00:00.000Z', // 02:00 EST
          '2026-11-01T08:00:00.000Z', // 03:00 EST
        ],
      },
      {
        name: 'every 15 minutes fires through both passes of 01:xx without a gap',
        expressions: ['0 */15 * * * ?', '*/15 * * * *', '0 0/15 * * * ?'],
        after: '2026-11-01T04:50:00Z', // 00:50 EDT
        expected: [
          '2026-11-01T05:00:00.000Z', // 01:00 EDT
          '2026-11-01T05:15:00.000Z', // 01:15 EDT
          '2026-11-01T05:30:00.000Z', // 01:30 EDT
          '2026-11-01T05:45:00.000Z', // 01:45 EDT
          '2026-11-01T06:00:00.000Z', // 01:00 EST
          '2026-11-01T06:15:00.000Z', // 01:15 EST
          '2026-11-01T06:30:00.000Z', // 01:30 EST
          '2026-11-01T06:45:00.000Z', // 01:45 EST
          '2026-11-01T07:00:00.000Z', // 02:00 EST
        ],
      },
      {
        name: 'asked from inside the repeated hour (01:20 EST), every 15 minutes goes on at 01:30 EST',
        expressions: ['0 */15 * * * ?', '*/15 * * * *'],
        after: '2026-11-01T06:20:00Z', // 01:20 EST
        expected: ['2026-11-01T06:30:00.000Z', '2026-11-01T06:45:00.000Z', '2026-11-01T07:00:00.000Z'],
      },
      {
        name: 'every minute of 01:xx fires during the first 01:xx only',
        expressions: ['0 * 1 * * ?', '* 1 * * *'],
        after: '2026-11-01T05:57:00Z', // 01:57 EDT
        expected: [
          '2026-11-01T05:58:00.000Z', // 01:58 EDT
          '2026-11-01T05:59:00.000Z', // 01:59 EDT
          '2026-11-02T06:00:00.000Z', // 01:00 EST the next day
        ],
      },
      {
        name: 'every 30 seconds runs straight through into the repeated hour',
        expressions: ['*/30 * * * * ?'],
        after: '2026-11-01T05:59:00Z', // 01:59:00 EDT
        expected: [
          '2026-11-01T05:59:30.000Z', // 01:59:30 EDT
          '2026-11-01T06:00:00.000Z', // 01:00:00 EST
          '2026-11-01T06:00:30.000Z', // 01:00:30 EST
        ],
      },
    ]);

    it('fires `0 * 1 * * ?` 60 times on 2026-11-01, all in EDT', () => {
      const day = previewFireTimes(
        cronPlan('0 * 1 * * ?', NEW_YORK),
        ms('2026-11-01T03:59:59Z'), // 23:59:59 EDT on the 31st
        200,
        ms('2026-11-02T04:59:59Z'), // 23:59:59 EST
      );
      expect(day).toHaveLength(60);
      expect(iso(day[0] ?? Number.NaN)).toBe('2026-11-01T05:00:00.000Z'); // 01:00 EDT
      expect(iso(day[59] ?? Number.NaN)).toBe('2026-11-01T05:59:00.000Z'); // 01:59 EDT
    });
  });

  describe('Europe/London spring forward, 2026-03-29 01:00 GMT → 02:00 BST', () => {
    cronCases(LONDON, [
      {
        name: 'daily 01:30 fires at 02:00 BST on the day it does not exist',
        expressions: ['0 30 1 * * ?', '30 1 * * *'],
        after: '2026-03-28T12:00:00Z',
        expected: [
          '2026-03-29T01:00:00.000Z', // 02:00 BST
          '2026-03-30T00:30:00.000Z', // 01:30 BST
          '2026-03-31T00:30:00.000Z', // 01:30 BST
        ],
      },
      {
        name: 'asked half a second before the change, daily 01:30 still fires at 02:00 BST',
        expressions: ['0 30 1 * * ?', '30 1 * * *'],
        after: '2026-03-29T00:59:59.500Z', // 00:59:59.5 GMT
        expected: ['2026-03-29T01:00:00.000Z'], // 02:00 BST
      },
      {
        name: 'hourly fires 00:00 GMT then 02:00 BST, once',
        expressions: ['0 0 * * * ?', '0 * * * *'],
        after: '2026-03-28T22:30:00Z', // 22:30 GMT on the 28th
        expected: [
          '2026-03-28T23:00:00.000Z', // 23:00 GMT
          '2026-03-29T00:00:00.000Z', // 00:00 GMT
          '2026-03-29T01:00:00.000Z', // 02:00 BST (01:00 does not exist and collapses into it)
          '2026-03-29T02:00:00.000Z', // 03:00 BST
        ],
      },
      {
        name: 'every 15 minutes: 01:00–01:45 and 02:00 are one fire at 02:00 BST',
        expressions: ['0 */15 * * * ?', '*/15 * * * *'],
        after: '2026-03-29T00:30:00Z', // 00:30 GMT
        expected: [
          '2026-03-29T00:45:00.000Z', // 00:45 GMT
          '2026-03-29T01:00:00.000Z', // 02:00 BST
          '2026-03-29T01:15:00.000Z', // 02:15 BST
          '2026-03-29T01:30:00.000Z', // 02:30 BST
        ],
      },
      {
        name: 'every minute of 01:xx: the 60 missing wall times fire once, at 02:00 BST',
        expressions: ['0 * 1 * * ?', '* 1 * * *'],
        after: '2026-03-29T00:00:00Z', // 00:00 GMT
        expected: [
          '2026-03-29T01:00:00.000Z', // 02:00 BST, the only fire that day
          '2026-03-30T00:00:00.000Z', // 01:00 BST the next day
          '2026-03-30T00:01:00.000Z',
        ],
      },
      {
        name: 'every 30 seconds runs straight through',
        expressions: ['*/30 * * * * ?'],
        after: '2026-03-29T00:59:00Z', // 00:59:00 GMT
        expected: [
          '2026-03-29T00:59:30.000Z', // 00:59:30 GMT
          '2026-03-29T01:00:00.000Z', // 02:00:00 BST
          '2026-03-29T01:00:30.000Z', // 02:00:30 BST
        ],
      },
    ]);
  });

  describe('Europe/London fall back, 2026-10-25 02:00 BST → 01:00 GMT', () => {
    cronCases(LONDON, [
      {
        name: 'daily 01:30 fires at 01:30 BST only',
        expressions: ['0 30 1 * * ?', '30 1 * * *'],
        after: '2026-10-24T12:00:00Z',
        expected: [
          '2026-10-25T00:30:00.000Z', // 01:30 BST (not again at 01:30 GMT, 01:30Z)
          '2026-10-26T01:30:00.000Z', // 01:30 GMT
          '2026-10-27T01:30:00.000Z', // 01:30 GMT
        ],
      },
      {
        name: 'asked from inside the repeated hour (01:15 GMT), daily 01:30 waits for the next day',
        expressions: ['0 30 1 * * ?', '30 1 * * *'],
        after: '2026-10-25T01:15:00Z', // 01:15 GMT
        expected: ['2026-10-26T01:30:00.000Z'], // 01:30 GMT on the 26th
      },
      {
        name: 'hourly runs by the clock: 01:00 BST and 01:00 GMT both fire',
        expressions: ['0 0 * * * ?', '0 * * * *'],
        after: '2026-10-24T22:30:00Z', // 23:30 BST on the 24th
        expected: [
          '2026-10-24T23:00:00.000Z', // 00:00 BST
          '2026-10-25T00:00:00.000Z', // 01:00 BST
          '2026-10-25T01:00:00.000Z', // 01:00 GMT
          '2026-10-25T02:00:00.000Z', // 02:00 GMT
        ],
      },
      {
        name: 'every 15 minutes fires through both passes of 01:xx without a gap',
        expressions: ['0 */15 * * * ?', '*/15 * * * *'],
        after: '2026-10-24T23:50:00Z', // 00:50 BST
        expected: [
          '2026-10-25T00:00:00.000Z', // 01:00 BST
          '2026-10-25T00:15:00.000Z', // 01:15 BST
          '2026-10-25T00:30:00.000Z', // 01:30 BST
          '2026-10-25T00:45:00.000Z', // 01:45 BST
          '2026-10-25T01:00:00.000Z', // 01:00 GMT
          '2026-10-25T01:15:00.000Z', // 01:15 GMT
          '2026-10-25T01:30:00.000Z', // 01:30 GMT
          '2026-10-25T01:45:00.000Z', // 01:45 GMT
          '2026-10-25T02:00:00.000Z', // 02:00 GMT
        ],
      },
      {
        name: 'every minute of 01:xx fires during the first 01:xx only',
        expressions: ['0 * 1 * * ?', '* 1 * * *'],
        after: '2026-10-25T00:57:00Z', // 01:57 BST
        expected: [
          '2026-10-25T00:58:00.000Z', // 01:58 BST
          '2026-10-25T00:59:00.000Z', // 01:59 BST
          '2026-10-26T01:00:00.000Z', // 01:00 GMT the next day
        ],
      },
      {
        name: 'every 30 seconds runs straight through into the repeated hour',
        expressions: ['*/30 * * * * ?'],
        after: '2026-10-25T00:59:00Z', // 01:59:00 BST
        expected: [
          '2026-10-25T00:59:30.000Z', // 01:59:30 BST
          '2026-10-25T01:00:00.000Z', // 01:00:00 GMT
          '2026-10-25T01:00:30.000Z', // 01:00:30 GMT
        ],
      },
    ]);
  });

  describe('zones whose midnight does not exist or repeats', () => {
    const SANTIAGO = 'America/Santiago'; // 2026-09-06 00:00 -04 → 01:00 -03 (04:00Z)
    const HAVANA = 'America/Havana'; // 2026-11-01 01:00 CDT → 00:00 CST (05:00Z): 00:xx repeats

    describe('Santiago', () => {
      cronCases(SANTIAGO, [
        {
          name: 'daily midnight fires at 01:00 on the Sunday midnight is skipped',
          expressions: ['0 0 0 * * ?', '0 0 * * *'],
          after: '2026-09-05T12:00:00Z',
          expected: [
            '2026-09-06T04:00:00.000Z', // 01:00 -03, for the missing 00:00
            '2026-09-07T03:00:00.000Z', // 00:00 -03 the next day
          ],
        },
        {
          name: 'Sunday midnight still runs on that Sunday, at 01:00',
          expressions: ['0 0 0 ? * SUN', '0 0 * * 0'],
          after: '2026-09-05T12:00:00Z',
          expected: [
            '2026-09-06T04:00:00.000Z', // 01:00 -03
            '2026-09-13T03:00:00.000Z', // 00:00 -03 the next Sunday
          ],
        },
      ]);
    });

    it('Santiago: 0 0 */6 * * ? runs by the clock and skips the 00:00 that is never shown', () => {
      expectEveryPath(cronPaths('0 0 */6 * * ?', SANTIAGO, '2026-09-05T20:00:00Z', 3), [
        '2026-09-05T22:00:00.000Z', // 18:00 -04 on Saturday
        '2026-09-06T09:00:00.000Z', // 06:00 -03 on Sunday
        '2026-09-06T15:00:00.000Z', // 12:00 -03
      ]);
    });

    it('Havana: daily midnight fires once, at 00:00 CDT; by the clock, midnight fires in both passes', () => {
      expectEveryPath(cronPaths('0 0 0 * * ?', HAVANA, '2026-10-31T12:00:00Z', 2), [
        '2026-11-01T04:00:00.000Z', // 00:00 CDT
        '2026-11-02T05:00:00.000Z', // 00:00 CST the next day
      ]);
      expectEveryPath(cronPaths('0 0 */6 * * ?', HAVANA, '2026-10-31T23:00:00Z', 3), [
        '2026-11-01T04:00:00.000Z', // 00:00 CDT
        '2026-11-01T05:00:00.000Z', // 00:00 CST
        '2026-11-01T11:00:00.000Z', // 06:00 CST
      ]);
    });
  });

  describe('PERIODIC plans follow real time', () => {
    function periodicPlan(fixedRate: boolean, period: number, startDate: string | null): TriggerPlan {
      return planFromTrigger({
        triggerType: TriggerType.PERIODIC,
        triggerDescription: JSON.stringify({
          periodic: { period, schedulingUnit: SchedulingUnit.HOURS, fixedRate },
        }),
        startDate: startDate === null ? null : new Date(startDate),
        timeZone: NEW_YORK,
      });
    }

    it('fixed rate, every hour across the New York fall back: 01:30 EDT and 01:30 EST both fire', () => {
      expectEveryPath(planPaths(periodicPlan(true, 1, '2026-11-01T03:30:00Z'), '2026-11-01T03:30:00Z', 5), [
        '2026-11-01T04:30:00.000Z', // 00:30 EDT
        '2026-11-01T05:30:00.000Z', // 01:30 EDT
        '2026-11-01T06:30:00.000Z', // 01:30 EST
        '2026-11-01T07:30:00.000Z', // 02:30 EST
        '2026-11-01T08:30:00.000Z', // 03:30 EST
      ]);
    });

    it('fixed rate, every hour across the New York spring forward: exactly 1 h apart in real time', () => {
      expectEveryPath(planPaths(periodicPlan(true, 1, '2026-03-08T04:30:00Z'), '2026-03-08T04:30:00Z', 4), [
        '2026-03-08T05:30:00.000Z', // 00:30 EST
        '2026-03-08T06:30:00.000Z', // 01:30 EST
        '2026-03-08T07:30:00.000Z', // 03:30 EDT: one hour later, although the wall clock moved two
        '2026-03-08T08:30:00.000Z', // 04:30 EDT
      ]);
    });

    it('fixed delay: the period after the previous run ends, whatever the wall clock does', () => {
      const plan = periodicPlan(false, 1, null);
      // A run ending at 01:40 EDT is followed at 01:40 EST; one ending at 01:40 EST at 02:40 EST.
      expect(iso(nextFireAfter(plan, ms('2026-11-01T05:40:00Z')) ?? Number.NaN)).toBe(
        '2026-11-01T06:40:00.000Z',
      );
      expect(iso(nextFireAfter(plan, ms('2026-11-01T06:40:00Z')) ?? Number.NaN)).toBe(
        '2026-11-01T07:40:00.000Z',
      );
      // A run ending at 01:40 EST on the spring-forward day is followed at 03:40 EDT.
      expect(iso(nextFireAfter(plan, ms('2026-03-08T06:40:00Z')) ?? Number.NaN)).toBe(
        '2026-03-08T07:40:00.000Z',
      );
    });
  });
});
