import { nextFireAfter, type TriggerPlan } from '../trigger/trigger-plan';

/** Occurrences of a schedule that were never fired. */
export interface Missed {
  count: number;
  /** Planned time of the first and the last missed occurrence (epoch ms). */
  firstMs: number;
  lastMs: number;
  /** true when counting stopped at the limit: `count` is a lower bound. */
  capped: boolean;
}

const COUNT_LIMIT = 10_000;

/**
 * The occurrences strictly between the last handled one and `plannedMs` that were due
 * before `cutoffMs` (older than the misfire threshold), i.e. that no tick will ever bring.
 * A younger gap is left alone: its tick may simply be in flight on another manager.
 */
export function missedBetween(
  plan: TriggerPlan,
  lastPlannedMs: number | null,
  plannedMs: number,
  cutoffMs: number,
): Missed | null {
  if (lastPlannedMs === null || lastPlannedMs >= plannedMs) return null;
  let count = 0;
  let firstMs = 0;
  let lastMs = 0;
  let at = nextFireAfter(plan, lastPlannedMs);
  while (at !== null && at < plannedMs && at < cutoffMs) {
    if (count === 0) firstMs = at;
    lastMs = at;
    count++;
    if (count >= COUNT_LIMIT) return { count, firstMs, lastMs, capped: true };
    at = nextFireAfter(plan, at);
  }
  return count === 0 ? null : { count, firstMs, lastMs, capped: false };
}
