import { JobState, TriggerType } from '@chaconne/contracts';
import type { ScheduledJobRow } from '../schedule/schedule-sync.service';
import { unplannedReason } from './ahead-cancel.service';

const T = Date.parse('2026-12-07T10:00:00Z');

const row = (patch: Partial<ScheduledJobRow>): ScheduledJobRow => ({
  job_id: 1,
  trigger_type: TriggerType.CRON,
  trigger_description: JSON.stringify({ cron: { expression: '*/5 * * * * ?' } }),
  start_date: null,
  time_zone: 'UTC',
  job_state: JobState.SCHEDULING,
  create_date: new Date(T - 60_000),
  ...patch,
});

const run = (patch: Partial<{ planned_at: Date; attempt: number; state_reason: string | null }> = {}) => ({
  planned_at: new Date(T + 5_000),
  attempt: 0,
  state_reason: null,
  ...patch,
});

describe('unplannedReason', () => {
  it('keeps an occurrence its active job still plans', () => {
    expect(unplannedReason(row({}), run())).toBeNull();
    expect(unplannedReason(row({ job_state: JobState.RUNNING }), run())).toBeNull();
  });

  it('cancels every run of a paused, unscheduled, frozen or deleted job', () => {
    expect(unplannedReason(row({ job_state: JobState.PAUSED }), run())).toBe('job is paused');
    expect(unplannedReason(row({ job_state: JobState.NOT_SCHEDULED }), run())).toBe('job is unscheduled');
    expect(unplannedReason(row({ job_state: JobState.FROZEN }), run({ attempt: 1 }))).toBe('job is frozen');
    expect(unplannedReason(row({ job_state: JobState.FINISHED }), run())).toBe('job is deleted');
  });

  it('lets a job the manager ended (end date, repeat count) start what it planned before', () => {
    expect(
      unplannedReason(row({ job_state: JobState.FINISHED }), run({ state_reason: 'end date has passed' })),
    ).toBeNull();
  });

  it('cancels an occurrence the new trigger no longer plans, not one it still plans', () => {
    const every7 = row({ trigger_description: JSON.stringify({ cron: { expression: '*/7 * * * * ?' } }) });
    expect(unplannedReason(every7, run())).toBe('the trigger changed and no longer plans this occurrence');
    const every1 = row({ trigger_description: JSON.stringify({ cron: { expression: '* * * * * ?' } }) });
    expect(unplannedReason(every1, run())).toBeNull();
  });

  it('leaves retries alone when the trigger changes: they are not occurrences of it', () => {
    const every7 = row({ trigger_description: JSON.stringify({ cron: { expression: '*/7 * * * * ?' } }) });
    expect(unplannedReason(every7, run({ attempt: 1 }))).toBeNull();
  });
});
