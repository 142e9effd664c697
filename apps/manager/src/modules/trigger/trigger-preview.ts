import { nextFireAfter, type TriggerPlan } from './trigger-plan';

/**
 * The next `count` fire times of a plan after `afterMs`, stopping at `endMs`. A fixed-delay
 * plan is previewed as if each run took no time.
 */
export function previewFireTimes(
  plan: TriggerPlan,
  afterMs: number,
  count: number,
  endMs: number | null,
): number[] {
  const times: number[] = [];
  let after = afterMs;
  while (times.length < count) {
    const next = nextFireAfter(plan, after);
    if (next === null || (endMs !== null && next > endMs)) break;
    times.push(next);
    after = next;
  }
  return times;
}
