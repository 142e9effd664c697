/**
 * Time-zone arithmetic for the cron evaluator: offsets (via luxon's IANA zone data), and the mapping between
 * wall-clock times and instants that defines how cron schedules behave across daylight-saving changes.
 *
 * DST rule. A cron expression matches wall-clock times; each matching wall-clock time fires once, at:
 *  - its unique instant, normally;
 *  - in a spring-forward gap (the wall time does not exist, e.g. 02:30 when 02:00 jumps to 03:00): the first
 *    valid instant after it, which is the transition itself (03:00 local). Several gap times (02:00, 02:30, …)
 *    therefore collapse into a single fire at the transition;
 *  - in a fall-back overlap (the wall time exists twice, e.g. 01:30 when 02:00 falls back to 01:00): its first
 *    occurrence only. The repeated hour is not replayed, so even a per-second schedule never fires twice for
 *    the same wall time and the fire times stay strictly increasing.
 * With this rule the wall-time → instant mapping is monotonic (non-decreasing), which is what lets the
 * evaluator search in wall-clock space and convert only the winner to an instant.
 */
import { IANAZone } from 'luxon';
import { MS_PER_DAY, MS_PER_MINUTE, MS_PER_SECOND } from './civil-time';

const MS_PER_HOUR = 60 * MS_PER_MINUTE;
/** Bound on the per-zone offset cache; it is simply cleared when full (entries are cheap to recompute). */
const OFFSET_CACHE_LIMIT = 8192;
/** Marks an hour bucket that contains an offset change, so it must be resolved per instant. */
const VARIABLE = Number.NaN;

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
   * offset is assumed constant; no real zone changes its offset twice within one hour.
   */
  private readonly offsetCache = new Map<number, number>();

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
      cached = atStart === atEnd ? atStart : VARIABLE;
      if (this.offsetCache.size >= OFFSET_CACHE_LIMIT) this.offsetCache.clear();
      this.offsetCache.set(bucket, cached);
    }
    return Number.isNaN(cached) ? this.lookUpOffset(instant) : cached;
  }

  /**
   * The instant at which the wall-clock time `wallMs` (see civilToWallMs) fires under the DST rule above:
   * its only occurrence, its first occurrence in an overlap, or the end of the gap it falls into.
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

  /**
   * The smallest wall-clock time whose fire instant (per `instantOf`) is >= `instant`, a whole second.
   * Searching for matches from this wall time finds exactly the fire times at or after `instant`.
   */
  searchStart(instant: number): number {
    const offset = this.offsetAt(instant);
    const wallMs = instant + offset;
    const firstInstant = this.instantOf(wallMs);
    if (firstInstant < instant) {
      // `instant` is in the second pass of a fall-back overlap. Every wall time of the repeated hour already
      // fired on the first pass, so the search resumes where the overlap ends: the transition, read with the
      // old (larger) offset.
      const oldOffset = wallMs - firstInstant;
      return this.findTransition(firstInstant, instant) + oldOffset;
    }
    const previousOffset = this.offsetAt(instant - MS_PER_SECOND);
    if (previousOffset < offset) {
      // `instant` is exactly a spring-forward transition: the skipped wall times also fire at `instant`, so
      // the search starts at the beginning of the gap.
      return instant + previousOffset;
    }
    return wallMs;
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
