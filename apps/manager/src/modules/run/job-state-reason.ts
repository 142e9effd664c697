import { JobState } from '@chaconne/contracts';

const WORDS: Readonly<Record<number, string>> = {
  [JobState.NOT_SCHEDULED]: 'unscheduled',
  [JobState.SCHEDULING]: 'scheduling',
  [JobState.RUNNING]: 'running',
  [JobState.PAUSED]: 'paused',
  [JobState.FINISHED]: 'finished',
  [JobState.FROZEN]: 'frozen',
};

/**
 * The reason a run is SKIPPED because of its job's stored state (`job is paused`): one
 * wording whichever step of the pipeline saw the state first.
 */
export function jobStateReason(state: number): string {
  return `job is ${WORDS[state] ?? `in state ${String(state)}`}`;
}
