import { nextFireAfter, type TriggerPlan } from '../trigger/trigger-plan';

/** How far a job's schedule got, as MySQL records it. */
export interface ScheduleProgress {
  plan: TriggerPlan;
  /** The trigger's repeat count (-1: unlimited). */
  repeatCount: number;
  /** Scheduled occurrences that produced a run, counted against `repeatCount`. */
  runCount: number;
  /** The latest recurring occurrence handled (epoch ms), if any. */
  lastPlannedMs: number | null;
  /** A one-shot trigger's occurrence has its record. */
  onceRecorded: boolean;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Why a job's schedule has nothing left to fire, or null while it has: its repeat count is
 * used up, its one-shot occurrence (SIMPLE with a start date) has its record, or its cron
 * expression has no fire time after the last occurrence handled (a year field). On-demand,
 * fixed-rate and fixed-delay triggers never run out.
 */
export function scheduleEnd(progress: ScheduleProgress): string | null {
  const { plan, repeatCount, runCount, lastPlannedMs } = progress;
  if (repeatCount > 0 && runCount >= repeatCount) {
    return `repeat count reached (${repeatCount} occurrence${repeatCount === 1 ? '' : 's'})`;
  }
  if (plan.kind === 'once' && progress.onceRecorded) {
    return `no further fire time: its only occurrence (${iso(plan.atMs)}) has ended`;
  }
  if (plan.kind === 'cron' && lastPlannedMs !== null && nextFireAfter(plan, lastPlannedMs) === null) {
    return `no further fire time after its last occurrence (${iso(lastPlannedMs)})`;
  }
  return null;
}
