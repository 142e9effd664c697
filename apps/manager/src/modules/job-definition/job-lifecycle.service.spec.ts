import { JobState } from '@chaconne/contracts';
import type { JobRuntimeRepository } from '../job-runtime/job-runtime.repository';
import type { ScheduleSyncService } from '../schedule/schedule-sync.service';
import type { JobDefinitionService } from './job-definition.service';
import { JobLifecycleService } from './job-lifecycle.service';

/** A lifecycle over an in-memory runtime row: what the repository's conditional UPDATE does. */
function lifecycleWith(state: JobState) {
  const row = { state, reason: null as string | null, frozenUntil: null as Date | null };
  const synced: number[] = [];
  const runtime = {
    changeState: jest.fn(
      (_jobId: number, from: readonly JobState[], to: JobState, reason: string | null, effects = {}) => {
        if (!from.includes(row.state)) return Promise.resolve(false);
        const { frozenUntil, restartSchedule } = effects as { frozenUntil?: Date; restartSchedule?: boolean };
        Object.assign(row, {
          state: to,
          reason,
          frozenUntil: restartSchedule ? null : (frozenUntil ?? row.frozenUntil),
        });
        return Promise.resolve(true);
      },
    ),
    stateOf: jest.fn(() => Promise.resolve(row.state)),
  };
  const scheduleSync = {
    syncQuietly: (jobId: number) => {
      synced.push(jobId);
      return Promise.resolve();
    },
  };
  const lifecycle = new JobLifecycleService(
    runtime as unknown as JobRuntimeRepository,
    {} as JobDefinitionService,
    scheduleSync as unknown as ScheduleSyncService,
  );
  return { lifecycle, row, runtime, synced };
}

describe('JobLifecycleService.freeze', () => {
  const until = new Date('2026-12-08T01:00:00Z');

  it.each([JobState.SCHEDULING, JobState.RUNNING])(
    'freezes a job in state %i through the transition table, with its cool-down and reason, and syncs its schedule',
    async (state) => {
      const { lifecycle, row, runtime, synced } = lifecycleWith(state);
      await expect(lifecycle.freeze(7, until, '3 timed-out runs in a row')).resolves.toBe(true);
      expect(runtime.changeState).toHaveBeenCalledWith(
        7,
        [JobState.SCHEDULING, JobState.RUNNING],
        JobState.FROZEN,
        '3 timed-out runs in a row',
        { restartSchedule: false, frozenUntil: until },
      );
      expect(row).toEqual({
        state: JobState.FROZEN,
        reason: '3 timed-out runs in a row',
        frozenUntil: until,
      });
      expect(synced).toEqual([7]);
    },
  );

  it.each([JobState.PAUSED, JobState.NOT_SCHEDULED, JobState.FINISHED, JobState.FROZEN])(
    'leaves a job in state %i as it is, quietly',
    async (state) => {
      const { lifecycle, row, synced } = lifecycleWith(state);
      await expect(lifecycle.freeze(7, until, 'timeouts')).resolves.toBe(false);
      expect(row.state).toBe(state);
      expect(synced).toEqual([]);
    },
  );

  it('thaws a frozen job back to SCHEDULING, clearing its cool-down', async () => {
    const { lifecycle, row, synced } = lifecycleWith(JobState.SCHEDULING);
    await lifecycle.freeze(7, until, 'timeouts');
    await expect(lifecycle.applyById(7, 'thaw')).resolves.toBe(JobState.SCHEDULING);
    expect(row).toEqual({ state: JobState.SCHEDULING, reason: null, frozenUntil: null });
    expect(synced).toEqual([7, 7]);
  });
});
