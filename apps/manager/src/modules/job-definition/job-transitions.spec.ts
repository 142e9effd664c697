import { JobState } from '@chaconne/contracts';
import { actionFor, type LifecycleAction, TRANSITIONS } from './job-transitions';

const ALL_STATES = [
  JobState.NOT_SCHEDULED,
  JobState.SCHEDULING,
  JobState.RUNNING,
  JobState.PAUSED,
  JobState.FINISHED,
  JobState.FROZEN,
];
const actions = Object.keys(TRANSITIONS) as LifecycleAction[];

/** The actions legal from `state`. */
const actionsFrom = (state: JobState): LifecycleAction[] =>
  actions.filter((action) => TRANSITIONS[action].from.includes(state));

describe('the job state transitions', () => {
  it('freezes only a job being scheduled (SCHEDULING or RUNNING), to FROZEN', () => {
    expect(TRANSITIONS.freeze.to).toBe(JobState.FROZEN);
    expect(ALL_STATES.filter((state) => TRANSITIONS.freeze.from.includes(state))).toEqual([
      JobState.SCHEDULING,
      JobState.RUNNING,
    ]);
  });

  it('is the only way into FROZEN', () => {
    expect(actions.filter((action) => TRANSITIONS[action].to === JobState.FROZEN)).toEqual(['freeze']);
  });

  it('leaves FROZEN by a thaw, a schedule, an unschedule, a delete or a termination; never by pause or finish', () => {
    expect(actionsFrom(JobState.FROZEN).sort()).toEqual([
      'delete',
      'schedule',
      'terminate',
      'thaw',
      'unschedule',
    ]);
    expect(TRANSITIONS.thaw).toEqual({ from: [JobState.FROZEN], to: JobState.SCHEDULING });
  });

  it('does not freeze a paused, unscheduled, finished or already frozen job', () => {
    for (const state of [JobState.PAUSED, JobState.NOT_SCHEDULED, JobState.FINISHED, JobState.FROZEN])
      expect(actionsFrom(state)).not.toContain('freeze');
  });

  it('leaves FINISHED only by a revive (a trigger edit of a job the manager ended), to SCHEDULING', () => {
    expect(actionsFrom(JobState.FINISHED)).toEqual(['revive']);
    expect(TRANSITIONS.revive.to).toBe(JobState.SCHEDULING);
    for (const state of ALL_STATES) expect(actionFor(JobState.FINISHED, state)).toBeNull();
  });

  it('leaves freezing and thawing to the manager: setJobState cannot ask for them', () => {
    for (const state of ALL_STATES) expect(actionFor(state, JobState.FROZEN)).toBeNull();
    expect(actionFor(JobState.FROZEN, JobState.SCHEDULING)).toBe('schedule');
    expect(actionFor(JobState.SCHEDULING, JobState.PAUSED)).toBe('pause');
  });
});
