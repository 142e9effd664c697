import { Injectable, Logger } from '@nestjs/common';
import { enumName, ErrorCode, formatJobKey, type JobKey, JobState } from '@chaconne/contracts';
import { DataSource } from 'typeorm';
import { Conflict } from '../../common/app-error';
import { ScheduleSyncService } from '../schedule/schedule-sync.service';
import { JobDefinitionService } from './job-definition.service';

export type LifecycleAction =
  'pause' | 'resume' | 'schedule' | 'unschedule' | 'finish' | 'delete' | 'terminate' | 'thaw';

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
  // A job frozen by timeouts (set with the run's outcome) resumes when its cool-down ends.
  thaw: { from: [JobState.FROZEN], to: JobState.SCHEDULING },
};

/** setJobState: the action that reaches `target` from `current`, if any. */
export function actionFor(current: JobState, target: JobState): LifecycleAction | null {
  const candidates: LifecycleAction[] = ['pause', 'resume', 'schedule', 'unschedule', 'finish'];
  return (
    candidates.find((a) => TRANSITIONS[a].to === target && TRANSITIONS[a].from.includes(current)) ?? null
  );
}

const stateName = (state: number): string => String(enumName(JobState, state) ?? state);

/** Moves jobs through their states and keeps their schedules in step. */
@Injectable()
export class JobLifecycleService {
  private readonly logger = new Logger(JobLifecycleService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: JobDefinitionService,
    private readonly scheduleSync: ScheduleSyncService,
  ) {}

  async apply(key: JobKey, action: LifecycleAction): Promise<JobState> {
    return this.applyById(await this.jobs.getJobId(key), action, formatJobKey(key));
  }

  /** setJobState: only where a transition is legal. */
  async setState(key: JobKey, target: JobState): Promise<JobState> {
    const jobId = await this.jobs.getJobId(key);
    const current = await this.stateOf(jobId);
    if (current === target) return current;
    const action = actionFor(current, target);
    if (!action) throw this.illegal(formatJobKey(key), `setJobState(${stateName(target)})`, current, null);
    return this.applyById(jobId, action, formatJobKey(key));
  }

  /**
   * Ends a job for good on the manager's own decision (no fire time left, repeat count or
   * end date reached, a run or a policy ended it); `reason` stays in its runtime detail.
   */
  async terminate(jobId: number, reason: string): Promise<JobState> {
    return this.applyById(jobId, 'terminate', `job ${jobId} (${reason})`, reason);
  }

  /**
   * Applies a transition atomically (a conditional UPDATE, so two managers cannot both
   * move the same job), then brings the job's schedule in Redis in line. The job's
   * `state_reason` becomes `reason`: null for an operator's request.
   */
  async applyById(
    jobId: number,
    action: LifecycleAction,
    label = `job ${jobId}`,
    reason: string | null = null,
  ): Promise<JobState> {
    const { from, to } = TRANSITIONS[action];
    // Back to SCHEDULING: the schedule starts afresh (the time it was stopped is no misfire)
    // and a cool-down is over.
    const restart = to === JobState.SCHEDULING ? ', last_planned_at = NULL, frozen_until = NULL' : '';
    const result = await this.dataSource.query<{ affectedRows: number }>(
      `UPDATE chac_job_runtime_detail SET job_state = ?, state_reason = LEFT(?, 1000)${restart}
        WHERE job_id = ? AND job_state IN (${from.map(() => '?').join(',')})`,
      [to, reason, jobId, ...from],
    );
    if (result.affectedRows === 0) {
      const current = await this.stateOf(jobId);
      if (current !== to) throw this.illegal(label, `${action}Job`, current, from);
      return current;
    }
    this.logger.log(`${label}: ${action} -> ${stateName(to)}`);
    await this.scheduleSync.syncQuietly(jobId);
    return to;
  }

  async stateOf(jobId: number): Promise<JobState> {
    const rows = await this.dataSource.query<{ job_state: number }[]>(
      'SELECT job_state FROM chac_job_runtime_detail WHERE job_id = ?',
      [jobId],
    );
    return (rows[0]?.job_state ?? JobState.FINISHED) as JobState;
  }

  private illegal(
    label: string,
    request: string,
    current: JobState,
    from: readonly JobState[] | null,
  ): Conflict {
    const needed = from ? `; it needs ${from.map(stateName).join(' or ')}` : '';
    return new Conflict(
      ErrorCode.STATE_CONFLICT,
      `${label} is ${stateName(current)}: ${request} is not possible${needed}`,
      {
        jobState: current,
      },
    );
  }
}
