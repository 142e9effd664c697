/**
 * The first fire time of a schedule at or after an instant, in a time zone: the DST rule.
 *
 * A cron expression matches wall-clock times. Where the wall clock runs evenly, each matching wall time fires
 * at its one instant. Across a daylight-saving change the hour field decides (see CronSchedule.followsClock):
 *
 *  - Hours written with `*` or a step (`* * * * * ?`, `0 0/15 * * * ?`, `0 0 0/2 * * ?`, `0 0 1/2 * * ?`)
 *    run by the clock: the schedule fires at every instant at which the wall clock shows a matching time.
 *    A repeated wall time (fall-back overlap) therefore fires twice, once in each pass, and a skipped one
 *    (spring-forward gap) never: the clock does not show it. An every-second or every-15-minutes job keeps
 *    its real-time rhythm through both changes, as in Vixie and Debian cron.
 *  - Hours written out (`0 30 1 * * ?`, `0 * 1 * * ?`, `0 0 9-17 * * ?`) are times of day: each matching wall
 *    time fires once that day. A repeated one fires at its first occurrence only; a skipped one fires at the
 *    end of the gap (the transition), where all the skipped times of the gap collapse into one fire, so
 *    `0 30 2 * * ?` still runs once on the day 02:30 does not exist, and `0 * 2 * * ?` once, not 60 times.
 *
 * Either way fire times strictly increase, and the search is bounded.
 */
import { civilToWallMs, wallMsToCivil } from './civil-time';
import { MAX_YEAR, MIN_YEAR } from './cron-fields';
import { type CronSchedule, findFirstMatch } from './cron-schedule';
import type { ZoneRules } from './zone-rules';

/**
 * The most iterations of {@link firstFireByClock}: each one that does not return moves past a skipped wall
 * time or a second pass, and a zone has at most a few transitions a year.
 */
const MAX_CLOCK_STEPS = 8 * (MAX_YEAR - MIN_YEAR + 2);

/** The first fire time at or after `from` (a whole second), or null if there is none. */
export function firstFire(schedule: CronSchedule, zone: ZoneRules, from: number): number | null {
  return schedule.followsClock
    ? firstFireByClock(schedule, zone, from)
    : firstFireByWallTime(schedule, zone, from);
}

/**
 * Hours written out: search in wall-clock time from the earliest wall time that first shows at or after
 * `from`, then map the match to its first instant (a skipped time to the end of its gap). That mapping is
 * monotonic, so the first match is the earliest fire.
 */
function firstFireByWallTime(schedule: CronSchedule, zone: ZoneRules, from: number): number | null {
  const match = findFirstMatch(schedule, wallMsToCivil(zone.searchStart(from)));
  return match === null ? null : zone.instantOf(civilToWallMs(match));
}

/** Hours with `*` or a step: the first instant >= `from` at which the wall clock shows a matching time. */
function firstFireByClock(schedule: CronSchedule, zone: ZoneRules, from: number): number | null {
  let instant = from;
  for (let step = 0; step < MAX_CLOCK_STEPS; step++) {
    const wallMs = instant + zone.offsetAt(instant);
    const secondPass = zone.secondPassAt(instant);
    if (secondPass !== null) {
      // The clock shows the repeated wall times again, from wallMs up to the end of the overlap.
      const overlapEnd = secondPass.transition + secondPass.offsetBefore;
      const repeated = matchBefore(schedule, wallMs, overlapEnd);
      if (repeated !== null) return repeated - secondPass.offsetAfter;
      instant = overlapEnd - secondPass.offsetAfter;
      continue;
    }

    const match = findFirstMatch(schedule, wallMsToCivil(wallMs));
    if (match === null) return null;
    const matchWallMs = civilToWallMs(match);
    const candidate = zone.instantOf(matchWallMs);
    if (!zone.isShown(matchWallMs, candidate)) {
      // A skipped wall time: the clock never shows it. Go on from the end of its gap.
      instant = candidate;
      continue;
    }
    // Matches before wallMs may show again in the second pass of a fall-back between here and the candidate.
    const fallBack = zone.fallBackAfter(instant, candidate);
    if (fallBack === null) return candidate;
    const repeated = matchBefore(
      schedule,
      fallBack.transition + fallBack.offsetAfter,
      fallBack.transition + fallBack.offsetBefore,
    );
    return repeated === null ? candidate : Math.min(candidate, repeated - fallBack.offsetAfter);
  }
  throw new Error(`cron search exceeded ${MAX_CLOCK_STEPS} steps from ${new Date(from).toISOString()}`);
}

/** The first wall time in [fromWallMs, beforeWallMs) that the schedule matches, or null. */
function matchBefore(schedule: CronSchedule, fromWallMs: number, beforeWallMs: number): number | null {
  const match = findFirstMatch(schedule, wallMsToCivil(fromWallMs));
  if (match === null) return null;
  const matchWallMs = civilToWallMs(match);
  return matchWallMs < beforeWallMs ? matchWallMs : null;
}
