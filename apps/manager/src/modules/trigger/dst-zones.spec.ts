import { seededRandom } from '@chaconne/testing';
import { CronExpression } from './cron/cron-expression';

/**
 * The DST rule (cron/fire-search.ts) checked around both changes of 2025–2028 in zones of both hemispheres,
 * with a 30-minute change (Lord Howe) and with changes at midnight (Santiago, Havana, Beirut), against a
 * model that shares nothing with the engine:
 *  - each transition is found from the runtime's Intl data by scanning days and bisecting to the second;
 *  - the wall clock around it is "instant + the offset before or after the transition";
 *  - the fire times are found by stepping through every real second of a window and testing the wall
 *    fields with a plain predicate written beside each expression:
 *      by the clock (hours with `*` or a step): every second whose wall time matches;
 *      times of day (hours written out): every second showing a matching wall time for the first time,
 *      plus the spring-forward transition itself if any wall time of the gap matches.
 * The engine must give exactly those instants, chained from the window's start and asked from arbitrary
 * instants inside it (in the middle of a repeated hour, say). Per-second schedules are checked around the
 * changes of 2026 and 2027, the others around those of 2025–2028.
 */

const ZONES = [
  'America/New_York',
  'Europe/Berlin',
  'Australia/Sydney', // southern hemisphere: fall back in April, spring forward in October
  'Australia/Lord_Howe', // a 30-minute change: 02:00 → 01:30 and 02:00 → 02:30
  'America/Santiago', // midnight does not exist in September; Saturday 23:xx repeats in April
  'America/Havana', // midnight does not exist in March; 00:xx repeats in November
  'Asia/Beirut', // midnight does not exist in March; 23:xx repeats in October
] as const;
const YEARS = [2025, 2026, 2027, 2028];

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

interface Transition {
  readonly zone: string;
  /** The first instant with the new offset. */
  readonly at: number;
  readonly offsetBefore: number;
  readonly offsetAfter: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset at `instant` (ms), read from Intl's formatted wall time. */
function intlOffset(zone: string, instant: number): number {
  let format = formatters.get(zone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, format);
  }
  const part = (type: string): number =>
    Number(format.formatToParts(new Date(instant)).find((p) => p.type === type)?.value);
  const wall = Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  );
  return wall - Math.floor(instant / SECOND) * SECOND;
}

function transitionsOf(zone: string, year: number): Transition[] {
  const found: Transition[] = [];
  for (let day = Date.UTC(year, 0, 1); day < Date.UTC(year + 1, 0, 1); day += DAY) {
    const offsetBefore = intlOffset(zone, day);
    const offsetAfter = intlOffset(zone, day + DAY);
    if (offsetBefore === offsetAfter) continue;
    let low = day;
    let high = day + DAY;
    while (high - low > SECOND) {
      const middle = low + Math.floor((high - low) / (2 * SECOND)) * SECOND;
      if (intlOffset(zone, middle) === offsetBefore) low = middle;
      else high = middle;
    }
    found.push({ zone, at: high, offsetBefore, offsetAfter });
  }
  return found;
}

interface WallFields {
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

function fieldsOf(wallMs: number): WallFields {
  const ofDay = ((wallMs % DAY) + DAY) % DAY;
  return {
    hour: Math.floor(ofDay / HOUR),
    minute: Math.floor((ofDay % HOUR) / MINUTE),
    second: Math.floor((ofDay % MINUTE) / SECOND),
  };
}

interface Case {
  readonly expressions: readonly string[];
  readonly byClock: boolean;
  readonly matches: (wall: WallFields) => boolean;
  /**
   * The schedule's finest unit: the model only looks at instants that are whole multiples of it, which is
   * enough because transitions and offsets are whole minutes (checked below).
   */
  readonly step: number;
  /**
   * Half the window checked around each transition. Per-second schedules cost one engine call per second, so
   * they use a shorter window (still both passes of every overlap) and the changes of PER_SECOND_YEARS only.
   */
  readonly reach: number;
}

const WIDE = 3 * HOUR;
const NARROW = 65 * MINUTE;
const PER_SECOND_YEARS = [2026, 2027];

const CASES: readonly Case[] = [
  // By the clock: hours with '*' or a step.
  { expressions: ['* * * * * ?'], byClock: true, matches: () => true, step: SECOND, reach: NARROW },
  {
    expressions: ['*/20 * * * * ?'],
    byClock: true,
    matches: (w) => w.second % 20 === 0,
    step: 20 * SECOND,
    reach: WIDE,
  },
  {
    expressions: ['0 * * * * ?', '* * * * *'],
    byClock: true,
    matches: (w) => w.second === 0,
    step: MINUTE,
    reach: WIDE,
  },
  {
    expressions: ['0 */15 * * * ?', '*/15 * * * *', '0 0/15 * * * ?'],
    byClock: true,
    matches: (w) => w.second === 0 && w.minute % 15 === 0,
    step: MINUTE,
    reach: WIDE,
  },
  {
    expressions: ['0 0/5 * * * ?', '0/5 * * * *'],
    byClock: true,
    matches: (w) => w.second === 0 && w.minute % 5 === 0,
    step: MINUTE,
    reach: WIDE,
  },
  {
    expressions: ['0 0 */1 * * ?', '0 * * * *', '0 0 * * * ?'],
    byClock: true,
    matches: (w) => w.second === 0 && w.minute === 0,
    step: MINUTE,
    reach: WIDE,
  },
  {
    expressions: ['0 30 */2 * * ?', '30 */2 * * *'],
    byClock: true,
    matches: (w) => w.second === 0 && w.minute === 30 && w.hour % 2 === 0,
    step: MINUTE,
    reach: WIDE,
  },
  {
    expressions: ['0 10 1/2 * * ?', '10 1-23/2 * * *'],
    byClock: true,
    matches: (w) => w.second === 0 && w.minute === 10 && w.hour % 2 === 1,
    step: MINUTE,
    reach: WIDE,
  },
  // Times of day: hours written out.
  {
    expressions: ['0 30 1 * * ?', '30 1 * * *'],
    byClock: false,
    matches: (w) => w.second === 0 && w.minute === 30 && w.hour === 1,
    step: MINUTE,
    reach: WIDE,
  },
  {
    expressions: ['0 30 2 * * ?', '30 2 * * *'],
    byClock: false,
    matches: (w) => w.second === 0 && w.minute === 30 && w.hour === 2,
    step: MINUTE,
    reach: WIDE,
  },
  {
    expressions: ['0 0 0 * * ?', '0 0 * * *'],
    byClock: false,
    matches: (w) => w.second === 0 && w.minute === 0 && w.hour === 0,
    step: MINUTE,
    reach: WIDE,
  },
  {
    expressions: ['0 15,45 23,0 * * ?', '15,45 23,0 * * *'],
    byClock: false,
    matches: (w) => w.second === 0 && (w.minute === 15 || w.minute === 45) && (w.hour === 23 || w.hour === 0),
    step: MINUTE,
    reach: WIDE,
  },
  {
    expressions: ['0 * 1 * * ?', '* 1 * * *'],
    byClock: false,
    matches: (w) => w.second === 0 && w.hour === 1,
    step: MINUTE,
    reach: WIDE,
  },
  {
    expressions: ['0 0,20,40 0-23 * * ?', '0,20,40 0-23 * * *'],
    byClock: false,
    matches: (w) => w.second === 0 && w.minute % 20 === 0,
    step: MINUTE,
    reach: WIDE,
  },
  { expressions: ['* * 2 * * ?'], byClock: false, matches: (w) => w.hour === 2, step: SECOND, reach: NARROW },
];

/** The model's fire times in [from, to] around one transition. */
function modelFireTimes(transition: Transition, testCase: Case, from: number, to: number): number[] {
  const { at, offsetBefore, offsetAfter } = transition;
  const wallAt = (instant: number): number => instant + (instant < at ? offsetBefore : offsetAfter);
  const matchesWall = (wallMs: number): boolean => testCase.matches(fieldsOf(wallMs));
  const times: number[] = [];
  for (let instant = from; instant <= to; instant += testCase.step) {
    const wallMs = wallAt(instant);
    if (testCase.byClock) {
      if (matchesWall(wallMs)) times.push(instant);
      continue;
    }
    if (instant === at && offsetAfter > offsetBefore) {
      // Spring forward: the gap's wall times, and the one now shown, fire here once.
      let fires = matchesWall(wallMs);
      for (let skipped = at + offsetBefore; skipped < wallMs && !fires; skipped += testCase.step) {
        fires = matchesWall(skipped);
      }
      if (fires) times.push(instant);
      continue;
    }
    // Shown for the first time: not shown before under the earlier offset.
    const shownBefore = instant >= at && wallMs - offsetBefore < at;
    if (matchesWall(wallMs) && !shownBefore) times.push(instant);
  }
  return times;
}

function engineFireTimes(expression: string, zone: string, from: number, to: number): number[] {
  const cron = CronExpression.parse(expression);
  const times: number[] = [];
  for (let time = cron.next(from - 1, zone); time !== null && time <= to; time = cron.next(time, zone)) {
    times.push(time);
  }
  return times;
}

const iso = (instant: number): string => new Date(instant).toISOString();

/** Where two lists of fire times first differ, readably; null if they are equal. */
function firstDifference(actual: readonly number[], expected: readonly number[]): string | null {
  for (let i = 0; i < Math.max(actual.length, expected.length); i++) {
    const a = actual[i];
    const e = expected[i];
    if (a !== e) {
      const show = (time: number | undefined): string => (time === undefined ? 'nothing' : iso(time));
      return `fire #${i}: engine ${show(a)}, model ${show(e)} (previous ${show(expected[i - 1])})`;
    }
  }
  return null;
}

describe('the DST rule in seven zones, both changes of 2025–2028, against an independent model', () => {
  const transitions = ZONES.flatMap((zone) => YEARS.flatMap((year) => transitionsOf(zone, year)));

  it('finds both changes of each year in each zone, at whole minutes', () => {
    for (const zone of ZONES) {
      expect(transitions.filter((t) => t.zone === zone)).toHaveLength(2 * YEARS.length);
    }
    const wholeMinutes = (t: Transition): boolean =>
      [t.at, t.offsetBefore, t.offsetAfter].every((value) => value % MINUTE === 0);
    expect(transitions.filter((t) => !wholeMinutes(t))).toEqual([]);
    // The 30-minute change, and the midnight changes, are what the data says they are.
    const lordHowe = transitions.filter((t) => t.zone === 'Australia/Lord_Howe');
    expect(lordHowe.map((t) => Math.abs(t.offsetAfter - t.offsetBefore))).toEqual(Array(8).fill(30 * MINUTE));
    for (const zone of ['America/Santiago', 'America/Havana', 'Asia/Beirut']) {
      const springs = transitions.filter((t) => t.zone === zone && t.offsetAfter > t.offsetBefore);
      expect(springs.map((t) => fieldsOf(t.at + t.offsetBefore))).toEqual(
        Array(4).fill({ hour: 0, minute: 0, second: 0 }),
      );
    }
  });

  for (const testCase of CASES) {
    for (const expression of testCase.expressions) {
      it(`${expression} (${testCase.byClock ? 'by the clock' : 'times of day'})`, () => {
        const random = seededRandom(0x5eed);
        const years = testCase.reach === NARROW ? PER_SECOND_YEARS : YEARS;
        const checked = transitions.filter((t) => years.includes(new Date(t.at).getUTCFullYear()));
        for (const transition of checked) {
          const from = transition.at - testCase.reach;
          const to = transition.at + testCase.reach;
          const expected = modelFireTimes(transition, testCase, from, to);
          const actual = engineFireTimes(expression, transition.zone, from, to);
          const context = `${transition.zone} ${iso(transition.at)}`;
          expect({
            context,
            count: actual.length,
            firstDifference: firstDifference(actual, expected),
          }).toEqual({
            context,
            count: expected.length,
            firstDifference: null,
          });
          // Asked from arbitrary instants (not fire times), the answer is the model's next fire time.
          const cron = CronExpression.parse(expression);
          for (let sample = 0; sample < 20; sample++) {
            const after = from + Math.floor(random() * (to - from - HOUR));
            const next = expected.find((time) => time > after);
            const actual = cron.next(after, transition.zone) ?? Number.NaN;
            // Past the window, the model knows nothing, except that the engine's answer must be past it too.
            const answer = next === undefined && actual > to ? 'after the window' : iso(actual);
            expect({ context, after: iso(after), answer }).toEqual({
              context,
              after: iso(after),
              answer: next === undefined ? 'after the window' : iso(next),
            });
          }
        }
      });
    }
  }
});
