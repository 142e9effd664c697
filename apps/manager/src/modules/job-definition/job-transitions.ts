import { JobState } from '@chaconne/contracts';

export type LifecycleAction =
  | 'pause'
  | 'resume'
  | 'schedule'
  | 'unschedule'
  | 'finish'
  | 'delete'
  | 'terminate'
  | 'freeze'
  | 'thaw'
  | 'revive';

/**
 * The legal job state transitions (Chaconne's state machine, reference §5). RUNNING is
 * treated like SCHEDULING. Asking for the state a job is already in is a no-op. One fix
 * over Chaconne: a paused job stays paused until resumed (its fires are recorded SKIPPED).
 */
export const TRANSITIONS: Readonly<Record<LifecycleAction, { from: readonly JobState[]; to: JobState }>> = {
  pause: { from: [JobState.SCHEDULING, JobState.RUNNING], to: JobState.PAUSED },
  resume: { from: [JobState.PAUSED], to: JobState.SCHEDULING },
  schedule: { from: [JobState.NOT_SCHEDULED, JobState.FROZEN], to: JobState.SCHEDULING },
  unschedule: {
    from: [JobState.SCHEDULING, JobState.RUNNING, JobState.PAUSED, JobState.FROZEN],
    to: JobState.NOT_SCHEDULED,
  },
  // Chaconne's finishJob requires an unscheduled job; deleteJob does both in one call.
  finish: { from: [JobState.NOT_SCHEDULED], to: JobState.FINISHED },
  delete: {
    from: [JobState.NOT_SCHEDULED, JobState.SCHEDULING, JobState.RUNNING, JobState.PAUSED, JobState.FROZEN],
    to: JobState.FINISHED,
  },
  // A termination strategy (end date, repeat count) ends the job like deleteJob does.
  terminate: {
    from: [JobState.NOT_SCHEDULED, JobState.SCHEDULING, JobState.RUNNING, JobState.PAUSED, JobState.FROZEN],
    to: JobState.FINISHED,
  },
  // Too many timed-out runs in a row (the run's outcome decides it): a job that is being
  // scheduled stops until its cool-down ends. A paused, unscheduled or ended job stays so.
  freeze: { from: [JobState.SCHEDULING, JobState.RUNNING], to: JobState.FROZEN },
  // A frozen job resumes when its cool-down ends.
  thaw: { from: [JobState.FROZEN], to: JobState.SCHEDULING },
  // A trigger edit schedules again a job the manager itself ended (FINISHED with a reason:
  // its trigger had nothing left to fire) when the new trigger fires in the future. A job an
  // operator deleted (FINISHED without a reason) stays deleted.
  revive: { from: [JobState.FINISHED], to: JobState.SCHEDULING },
};

/** setJobState: the action that reaches `target` from `current`, if any. */
export function actionFor(current: JobState, target: JobState): LifecycleAction | null {
  const candidates: LifecycleAction[] = ['pause', 'resume', 'schedule', 'unschedule', 'finish'];
  return (
    candidates.find((a) => TRANSITIONS[a].to === target && TRANSITIONS[a].from.includes(current)) ?? null
  );
}
