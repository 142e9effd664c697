import { JobState, LogLevel, RunningState, TriggerType } from '@chaconne/client';

/** The name of an enum value (`{ SCHEDULING: 1 }` -> 1 -> 'SCHEDULING'); the number itself when unknown. */
function namer(values: Record<string, number>): (value: number) => string {
  const names = new Map(Object.entries(values).map(([name, value]) => [value, name]));
  return (value) => names.get(value) ?? String(value);
}

export const jobStateName = namer(JobState);
export const runningStateName = namer(RunningState);
export const triggerTypeName = namer(TriggerType);
export const logLevelName = namer(LogLevel);

/** `{ value, label }` options of a Select, from an enum object. */
export function enumOptions(values: Record<string, number>): { value: string; label: string }[] {
  return Object.entries(values).map(([label, value]) => ({ value: String(value), label }));
}
