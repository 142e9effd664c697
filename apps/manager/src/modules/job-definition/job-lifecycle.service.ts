import { Injectable, Logger } from '@nestjs/common';
import { enumName, ErrorCode, formatJobKey, type JobKey, JobState } from '@chaconne/contracts';
import { Conflict } from '../../common/app-error';
import { JobRuntimeRepository } from '../job-runtime/job-runtime.repository';
import { ScheduleSyncService } from '../schedule/schedule-sync.service';
import { JobDefinitionService } from './job-definition.service';
import { actionFor, type LifecycleAction, TRANSITIONS } from './job-transitions';

const stateName = (state: number): string => String(enumName(JobState, state) ?? state);

/** Moves jobs through their states and keeps their schedules in step. */
@Injectable()
export class JobLifecycleService {
  private readonly logger = new Logger(JobLifecycleService.name);

  constructor(
    private readonly runtime: JobRuntimeRepository,
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
   * Freezes a job after too many timed-out runs in a row, until `frozenUntil` (the sweeper
   * thaws it then). Answers whether it froze: a job no longer being scheduled (paused,
   * unscheduled, ended meanwhile) is left as it is.
   */
  async freeze(jobId: number, frozenUntil: Date, reason: string): Promise<boolean> {
    return this.move(jobId, 'freeze', `job ${jobId}`, reason, frozenUntil);
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
    if (await this.move(jobId, action, label, reason)) return to;
    const current = await this.stateOf(jobId);
    if (current !== to) throw this.illegal(label, `${action}Job`, current, from);
    return current;
  }

  async stateOf(jobId: number): Promise<JobState> {
    return (await this.runtime.stateOf(jobId)) ?? JobState.FINISHED;
  }

  /** The one place a job's state changes: true when the job was in a source state of `action`. */
  private async move(
    jobId: number,
    action: LifecycleAction,
    label: string,
    reason: string | null,
    frozenUntil?: Date,
  ): Promise<boolean> {
    const { from, to } = TRANSITIONS[action];
    const moved = await this.runtime.changeState(jobId, from, to, reason, {
      restartSchedule: to === JobState.SCHEDULING,
      frozenUntil,
    });
    if (!moved) return false;
    this.logger.log(`${label}: ${action} -> ${stateName(to)}`);
    await this.scheduleSync.syncQuietly(jobId);
    return true;
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
