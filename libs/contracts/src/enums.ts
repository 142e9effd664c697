/**
 * Chaconne's enums with their integer wire codes (reference §5). Each is a frozen object
 * plus a union type of its values, so payloads stay plain numbers on the wire.
 */

export const JobState = {
  NOT_SCHEDULED: 0,
  SCHEDULING: 1,
  RUNNING: 2,
  PAUSED: 3,
  FINISHED: 4,
  FROZEN: 10,
} as const;
export type JobState = (typeof JobState)[keyof typeof JobState];

export const RunningState = {
  FAILED: 0,
  COMPLETED: 1,
  SKIPPED: 2,
  FINISHED: 3,
  /** A run that has been created and dispatched but has no outcome yet. */
  RUNNING: 99,
} as const;
export type RunningState = (typeof RunningState)[keyof typeof RunningState];

/**
 * The outcomes a worker may report for a run. FINISHED means the handler terminated its
 * job (Chaconne's JobTerminationException): the manager finishes the job for good.
 */
export type RunOutcome =
  | typeof RunningState.COMPLETED
  | typeof RunningState.FAILED
  | typeof RunningState.SKIPPED
  | typeof RunningState.FINISHED;

export const TriggerType = {
  SIMPLE: 0,
  CRON: 1,
  PERIODIC: 2,
  DEPENDENT: 3,
} as const;
export type TriggerType = (typeof TriggerType)[keyof typeof TriggerType];

export const DependencyType = {
  SERIAL: 0,
  PARALLEL: 1,
  MIXED: 2,
} as const;
export type DependencyType = (typeof DependencyType)[keyof typeof DependencyType];

export const SchedulingUnit = {
  SECONDS: 0,
  MINUTES: 1,
  HOURS: 2,
  DAYS: 3,
} as const;
export type SchedulingUnit = (typeof SchedulingUnit)[keyof typeof SchedulingUnit];

/** Milliseconds in one {@link SchedulingUnit}. */
export const SCHEDULING_UNIT_MS: Readonly<Record<SchedulingUnit, number>> = {
  [SchedulingUnit.SECONDS]: 1_000,
  [SchedulingUnit.MINUTES]: 60_000,
  [SchedulingUnit.HOURS]: 3_600_000,
  [SchedulingUnit.DAYS]: 86_400_000,
};

export const LogLevel = {
  TRACE: 0,
  DEBUG: 1,
  INFO: 2,
  WARN: 3,
  ERROR: 4,
} as const;
export type LogLevel = (typeof LogLevel)[keyof typeof LogLevel];

/** Reverse lookup: the name of an enum value, e.g. `enumName(JobState, 1) === 'SCHEDULING'`. */
export function enumName<T extends Record<string, number>>(
  enumObject: T,
  value: number,
): keyof T | undefined {
  return (Object.keys(enumObject) as (keyof T)[]).find((key) => enumObject[key] === value);
}
