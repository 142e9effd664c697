import { JobState, RunningState } from '@chaconne/client';
import { Badge } from '@mantine/core';
import { jobStateName, runningStateName } from './enum-names';

const JOB_STATE_COLORS: Record<number, string> = {
  [JobState.NOT_SCHEDULED]: 'gray',
  [JobState.SCHEDULING]: 'blue',
  [JobState.RUNNING]: 'teal',
  [JobState.PAUSED]: 'yellow',
  [JobState.FINISHED]: 'dark',
  [JobState.FROZEN]: 'cyan',
};

const RUNNING_STATE_COLORS: Record<number, string> = {
  [RunningState.COMPLETED]: 'green',
  [RunningState.FAILED]: 'red',
  [RunningState.SKIPPED]: 'gray',
  [RunningState.FINISHED]: 'dark',
  [RunningState.RUNNING]: 'blue',
};

export function JobStateBadge({ state }: { state: number }) {
  return (
    <Badge color={JOB_STATE_COLORS[state] ?? 'gray'} variant="light" data-testid="job-state">
      {jobStateName(state)}
    </Badge>
  );
}

/** A run's outcome; RUNNING while it has none yet. */
export function RunningStateBadge({ state }: { state: number | null }) {
  if (state === null)
    return (
      <Badge color="gray" variant="outline">
        never run
      </Badge>
    );
  return (
    <Badge color={RUNNING_STATE_COLORS[state] ?? 'gray'} variant="light" data-testid="run-state">
      {runningStateName(state)}
    </Badge>
  );
}
