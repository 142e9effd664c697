/**
 * Quartz-compatible cron expressions (plus classic 5-field Unix cron), evaluated in IANA time zones.
 *
 *   const cron = CronExpression.parse('0 15 10 ? * MON-FRI');      // 10:15:00 every weekday
 *   cron.next(Date.parse('2026-03-06T12:00:00Z'), 'Europe/London'); // epoch ms of the next fire time
 *
 * See cron-parser.ts for the accepted syntax and fire-search.ts for the daylight-saving rule. In short, a
 * schedule whose hour field has `*` or a step runs by the clock (a repeated wall time fires twice, a skipped
 * one never); one with hours written out fires at each matching wall time once a day (a repeated one at its
 * first occurrence, a skipped one at the end of the gap). Fire times strictly increase.
 */
import { MS_PER_DAY, MS_PER_SECOND } from './civil-time';
import { type CronDialect, MAX_YEAR, MIN_YEAR } from './cron-fields';
import { parseCron } from './cron-parser';
import type { CronSchedule } from './cron-schedule';
import { firstFire } from './fire-search';
import { ZoneRules } from './zone-rules';

export { CronSyntaxError } from './cron-syntax-error';
export { isValidTimeZone } from './zone-rules';

/**
 * No fire time can precede 1970-01-01 00:00 local (the smallest year), which is later than this in every
 * zone (offsets stay within ±14 h), nor follow MAX_YEAR-12-31 23:59:59 local, earlier than the upper bound.
 */
const EARLIEST_SEARCH = Date.UTC(MIN_YEAR, 0, 1) - 2 * MS_PER_DAY;
const LATEST_SEARCH = Date.UTC(MAX_YEAR + 1, 0, 1) + 2 * MS_PER_DAY;

/** Parsed expressions are immutable, so parse() can hand out shared instances. */
const PARSE_CACHE_LIMIT = 1000;
const parseCache = new Map<string, CronExpression>();

export class CronExpression {
  private constructor(
    /** The expression exactly as passed to `parse`. */
    readonly source: string,
    /** 'quartz' for 6/7-field expressions, 'unix' for 5-field ones. */
    readonly dialect: CronDialect,
    private readonly schedule: CronSchedule,
  ) {}

  /**
   * Parses a cron expression; throws CronSyntaxError (with `field` set when one field is at fault).
   * Results are cached by source text, so calling this on every scheduling decision is cheap.
   */
  static parse(expression: string): CronExpression {
    const cached = parseCache.get(expression);
    if (cached !== undefined) return cached;
    const { dialect, schedule } = parseCron(expression);
    const parsed = new CronExpression(expression, dialect, schedule);
    if (parseCache.size >= PARSE_CACHE_LIMIT) {
      // Evict the oldest entry (Maps iterate in insertion order); the cache only saves re-parsing.
      const oldest = parseCache.keys().next();
      if (oldest.done !== true) parseCache.delete(oldest.value);
    }
    parseCache.set(expression, parsed);
    return parsed;
  }

  /**
   * The first fire time strictly after `after` (epoch ms), evaluated in the IANA zone `timeZone`; null if
   * there is none (e.g. the year field is exhausted). Fire times are whole seconds. Throws a RangeError for
   * an unknown zone or a non-finite `after`.
   */
  next(after: number, timeZone: string): number | null {
    if (!Number.isFinite(after)) throw new RangeError(`'after' must be a finite epoch-millisecond value`);
    const zone = ZoneRules.of(timeZone);
    if (after >= LATEST_SEARCH) return null;
    // Cron has whole-second resolution: the first candidate is the next whole second after `after`.
    const from = Math.floor(Math.max(after, EARLIEST_SEARCH) / MS_PER_SECOND) * MS_PER_SECOND + MS_PER_SECOND;
    return firstFire(this.schedule, zone, from);
  }

  /** Convenience: the next `count` fire times after `after` (fewer if the schedule runs out). */
  nextTimes(after: number, timeZone: string, count: number): number[] {
    if (!Number.isInteger(count) || count < 0) {
      throw new RangeError(`'count' must be a non-negative integer, got ${count}`);
    }
    const times: number[] = [];
    let previous = after;
    while (times.length < count) {
      const time = this.next(previous, timeZone);
      if (time === null) break;
      times.push(time);
      previous = time;
    }
    return times;
  }

  toString(): string {
    return this.source;
  }
}
