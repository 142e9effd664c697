/**
 * Time-zone arithmetic for the cron evaluator: offsets (via luxon's IANA zone data), the mapping from
 * wall-clock times to instants, and the daylight-saving transitions around an instant. How a schedule uses
 * them across a transition (the DST rule) is in fire-search.ts.
 *
 * Assumption, as in TC39 Temporal: a zone changes its offset at most once within any day, and offsets stay
 * within ±14 h (true of every IANA zone since 1970).
 */
import { IANAZone } from 'luxon';
import { MS_PER_DAY, MS_PER_MINUTE, MS_PER_SECOND } from './civil-time';

const MS_PER_HOUR = 60 * MS_PER_MINUTE;
/** Bound on the per-zone offset cache; it is simply cleared when full (entries are cheap to recompute). */
const OFFSET_CACHE_LIMIT = 8192;

/** An offset change inside one hour: `before` up to `at` (exclusive), `after` from it. */
interface OffsetChange {
  readonly at: number;
  readonly before: number;
  readonly after: number;
}

/**
 * A fall-back change: at `transition` the clock goes back from `transition + offsetBefore` to
 * `transition + offsetAfter`, so the wall times in between are shown twice, first with `offsetBefore`, then
 * again (the second pass) from `transition` on with `offsetAfter`.
 */
export interface FallBack {
  readonly transition: number;
  readonly offsetBefore: number;
  readonly offsetAfter: number;
}

/**
 * Zone names are matched case-insensitively by Intl, so the caches below are capped rather than trusting the
 * number of distinct valid spellings to stay small; past the cap, lookups still work, just uncached.
 */
const ZONE_CACHE_LIMIT = 1024;
const rulesByZone = new Map<string, ZoneRules>();
/** Checking a zone with Intl costs tens of microseconds, so remember the names that passed. */
const validZoneNames = new Set<string>();

/** Whether `zone` is a time-zone identifier known to this runtime's IANA database (e.g. 'Europe/London'). */
export function isValidTimeZone(zone: string): boolean {
  // Callers may pass unchecked input (JSON bodies), so guard the type at runtime too.
  if (typeof zone !== 'string') return false;
  if (validZoneNames.has(zone)) return true;
  if (!IANAZone.isValidZone(zone)) return false;
  if (validZoneNames.size < ZONE_CACHE_LIMIT) validZoneNames.add(zone);
  return true;
}

export class ZoneRules {
  /**
   * Offsets by hour bucket (floor(instant / 1h)). Asking luxon (i.e. Intl) for an offset costs microseconds,
   * and the scheduler asks about the same few hours over and over. A bucket whose start and end share an
   * offset is assumed constant; one whose offsets differ holds the change inside it, found once to the second
   * (no real zone changes its offset twice within one hour), so every answer after the first is a look-up.
   */
  private readonly offsetCache = new Map<number, number | OffsetChange>();

  private constructor(private readonly zone: IANAZone) {}

  /** The rules of an IANA zone; throws a RangeError for unknown zones. Instances are shared per zone name. */
  static of(zoneName: string): ZoneRules {
    let rules = rulesByZone.get(zoneName);
    if (rules === undefined) {
      if (!isValidTimeZone(zoneName)) {
        throw new RangeError(`Unknown IANA time zone: '${zoneName}'`);
      }
      rules = new ZoneRules(IANAZone.create(zoneName));
      if (rulesByZone.size < ZONE_CACHE_LIMIT) rulesByZone.set(zoneName, rules);
    }
    return rules;
  }

  /** The zone's UTC offset at `instant`, in milliseconds (positive east of Greenwich). */
  offsetAt(instant: number): number {
    const bucket = Math.floor(instant / MS_PER_HOUR);
    let cached = this.offsetCache.get(bucket);
    if (cached === undefined) {
      const start = bucket * MS_PER_HOUR;
      const atStart = this.lookUpOffset(start);
      const atEnd = this.lookUpOffset(start + MS_PER_HOUR - MS_PER_SECOND);
      cached = atStart === atEnd ? atStart : this.changeWithin(start, atStart, atEnd);
      if (this.offsetCache.size >= OFFSET_CACHE_LIMIT) this.offsetCache.clear();
      this.offsetCache.set(bucket, cached);
    }
    if (typeof cached === 'number') return cached;
    return instant < cached.at ? cached.before : cached.after;
  }

  /** The one offset change in the hour from `start`, found to the second (transitions are whole seconds). */
  private changeWithin(start: number, before: number, after: number): OffsetChange {
    let low = start;
    let high = start + MS_PER_HOUR - MS_PER_SECOND;
    while (high - low > MS_PER_SECOND) {
      const middle = low + Math.floor((high - low) / (2 * MS_PER_SECOND)) * MS_PER_SECOND;
      if (this.lookUpOffset(middle) === before) low = middle;
      else high = middle;
    }
    return { at: high, before, after };
  }

  /**
   * The first instant at which the wall clock shows `wallMs` (see civilToWallMs): its only occurrence, or its
   * first one in a fall-back overlap. A wall time skipped by a spring-forward change maps to the end of its
   * gap, the transition; `isShown` tells the two apart.
   */
  instantOf(wallMs: number): number {
    // The true instant lies within ±14 h of wallMs, so offsets a day either side are the offsets in force
    // before and after any transition near it (the same approach as TC39 Temporal).
    const offsetBefore = this.offsetAt(wallMs - MS_PER_DAY);
    const offsetAfter = this.offsetAt(wallMs + MS_PER_DAY);
    if (offsetBefore === offsetAfter) return wallMs - offsetBefore;

    const withOffsetBefore = wallMs - offsetBefore;
    const withOffsetAfter = wallMs - offsetAfter;
    const validBefore = this.offsetAt(withOffsetBefore) === offsetBefore;
    const validAfter = this.offsetAt(withOffsetAfter) === offsetAfter;
    if (validBefore && validAfter) return Math.min(withOffsetBefore, withOffsetAfter); // overlap: first one
    if (validBefore) return withOffsetBefore;
    if (validAfter) return withOffsetAfter;
    // Gap: the wall time was skipped. The transition lies in (wallMs - offsetAfter, wallMs - offsetBefore].
    return this.findTransition(withOffsetAfter, withOffsetBefore);
  }

  /** Whether the wall clock shows `wallMs` at `instant`. */
  isShown(wallMs: number, instant: number): boolean {
    return instant + this.offsetAt(instant) === wallMs;
  }

  /**
   * The fall-back change whose second pass `instant` lies in, i.e. the wall clock showed the time it shows at
   * `instant` once before; null otherwise.
   */
  secondPassAt(instant: number): FallBack | null {
    const offsetAfter = this.offsetAt(instant);
    const wallMs = instant + offsetAfter;
    const firstInstant = this.instantOf(wallMs);
    if (firstInstant >= instant) return null;
    return {
      transition: this.findTransition(firstInstant, instant),
      offsetBefore: wallMs - firstInstant,
      offsetAfter,
    };
  }

  /** The fall-back change in (instant, until], looked for within a day of `instant`; null if there is none. */
  fallBackAfter(instant: number, until: number): FallBack | null {
    const end = Math.min(until, instant + MS_PER_DAY);
    const offsetBefore = this.offsetAt(instant);
    const offsetAfter = this.offsetAt(end);
    if (offsetAfter >= offsetBefore) return null;
    return { transition: this.findTransition(instant, end), offsetBefore, offsetAfter };
  }

  /**
   * The smallest wall-clock time whose first instant (per `instantOf`) is >= `instant`, a whole second.
   * Searching for matches from this wall time finds exactly the wall times that first show at or after
   * `instant`, counting a skipped wall time as shown at the end of its gap.
   */
  searchStart(instant: number): number {
    const secondPass = this.secondPassAt(instant);
    if (secondPass !== null) {
      // Every wall time of the repeated hour already showed on the first pass, so the search resumes where
      // the overlap ends: the transition, read with the old (larger) offset.
      return secondPass.transition + secondPass.offsetBefore;
    }
    const offset = this.offsetAt(instant);
    const previousOffset = this.offsetAt(instant - MS_PER_SECOND);
    if (previousOffset < offset) {
      // `instant` is exactly a spring-forward transition: the skipped wall times also map to `instant`, so
      // the search starts at the beginning of the gap.
      return instant + previousOffset;
    }
    return instant + offset;
  }

  /**
   * The first whole-second instant in (from, to] whose offset differs from the offset at `from`; callers
   * guarantee that one offset change lies in that interval. A binary search: ~12 look-ups for a one-hour gap.
   */
  private findTransition(from: number, to: number): number {
    const offsetFrom = this.offsetAt(from);
    let low = from;
    let high = to;
    while (high - low > MS_PER_SECOND) {
      const middle = low + Math.floor((high - low) / (2 * MS_PER_SECOND)) * MS_PER_SECOND;
      if (this.offsetAt(middle) === offsetFrom) low = middle;
      else high = middle;
    }
    return high;
  }

  private lookUpOffset(instant: number): number {
    return Math.round(this.zone.offset(instant) * MS_PER_MINUTE);
  }
}
