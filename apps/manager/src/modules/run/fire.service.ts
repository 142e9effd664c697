import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ErrorCode, JobState, RunningState, formatJobKey } from '@chaconne/contracts';
import { Conflict, NotFound, ValidationFailed } from '../../common/app-error';
import { JobLifecycleService } from '../job-definition/job-lifecycle.service';
import { DataSource } from 'typeorm';
import { type Fire, FireQueue } from '../schedule/fire-queue.service';
import {
  ACTIVE_STATES,
  SCHEDULED_JOB_SELECT,
  planOf,
  type ScheduledJobRow,
} from '../schedule/schedule-sync.service';
import { nextFireAfter } from '../trigger/trigger-plan';
import { WorkerRegistryService } from '../worker-registry/worker-registry.service';
import { HttpCallbackRunner } from '../xcron/http-callback.runner';
import { RunDispatcher } from './run-dispatcher.service';
import { RunStore } from './run-store.service';

interface FireJobRow extends ScheduledJobRow {
  cluster_name: string;
  group_name: string;
  job_name: string;
  job_class_name: string;
  attachment: string | null;
  timeout: number | string;
  /** `worker`, or `http` for xcron callback tasks the manager runs itself. */
  executor: string;
  end_date: Date | null;
  repeat_count: number;
}

const FIRE_SELECT = SCHEDULED_JOB_SELECT.replace(
  'SELECT ',
  'SELECT d.cluster_name, d.group_name, d.job_name, d.job_class_name, d.attachment, d.timeout, d.executor, t.end_date, t.repeat_count, ',
);

/**
 * The fire pipeline (DESIGN.md §3): load the job, apply policy, create the run (unique per
 * occurrence), choose a live worker, push the signed run request, record the outcome.
 */
@Injectable()
export class FireService implements OnApplicationBootstrap {
  private readonly logger = new Logger(FireService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly fireQueue: FireQueue,
    private readonly runs: RunStore,
    private readonly registry: WorkerRegistryService,
    private readonly dispatcher: RunDispatcher,
    private readonly httpCallbacks: HttpCallbackRunner,
    private readonly lifecycle: JobLifecycleService,
  ) {}

  onApplicationBootstrap(): void {
    this.fireQueue.start((fire) => this.fire(fire));
  }

  async fire({ jobId, plannedAt }: Fire): Promise<void> {
    const rows = await this.dataSource.query<FireJobRow[]>(`${FIRE_SELECT} WHERE t.job_id = ?`, [jobId]);
    const job = rows[0];
    if (!job || !ACTIVE_STATES.includes(job.job_state)) {
      // A schedule outlived its job (deleted or finished): drop it.
      await this.fireQueue.removeRecurring(jobId);
      return;
    }
    const planned = new Date(plannedAt);
    // End date: the first occurrence after it finishes the job.
    if (job.end_date && plannedAt > job.end_date.getTime()) {
      await this.terminate(job, planned, `end date ${job.end_date.toISOString()} has passed`);
      return;
    }
    if (job.job_state === JobState.PAUSED) {
      await this.runs.recordEnded(jobId, planned, RunningState.SKIPPED, 'job is paused');
      return;
    }
    const claimed = await this.runs.claim(jobId, planned, 0);
    if (!claimed.needsDispatch) return;

    let last = false;
    // Only jobs with a repeat count pay for counting occurrences.
    if (claimed.fresh && job.repeat_count > 0) {
      const occurrence = await this.runs.countOccurrence(jobId);
      if (!occurrence.allowed) {
        await this.runs.finish(claimed.runId, {
          runningState: RunningState.FINISHED,
          reason: 'repeat count reached',
          finishedAt: new Date(),
        });
        await this.lifecycle.applyById(jobId, 'terminate', `job ${jobId} (repeat count reached)`);
        return;
      }
      last = occurrence.last;
    }
    await this.dispatch(claimed.runId, job, planned, 0);
    await this.recordExecution(job, plannedAt);
    // Repeat count: the job finishes after its last allowed run was sent.
    if (last) await this.lifecycle.applyById(jobId, 'terminate', `job ${jobId} (repeat count reached)`);
  }

  /**
   * Runs a job now, outside its schedule (Chaconne's triggerJob), optionally with another
   * attachment; answers the run id. Manual runs do not count against the repeat count.
   */
  async runNow(jobId: number, attachment?: string | null): Promise<number> {
    const rows = await this.dataSource.query<FireJobRow[]>(`${FIRE_SELECT} WHERE t.job_id = ?`, [jobId]);
    const job = rows[0];
    if (!job) throw new NotFound(ErrorCode.JOB_NOT_FOUND, `no job ${jobId}`);
    if (job.job_state === JobState.FINISHED) {
      throw new Conflict(ErrorCode.STATE_CONFLICT, `job ${jobId} is FINISHED: triggerJob is not possible`, {
        jobState: job.job_state,
      });
    }
    if (job.executor === 'http' && attachment !== undefined) {
      // An xcron task's attachment is its callback: an override would bypass createTask's checks.
      throw ValidationFailed.of(
        'attachment',
        "cannot be overridden for an HTTP callback task (its attachment is the task's callback)",
      );
    }
    const planned = new Date();
    const claimed = await this.runs.claim(jobId, planned, 0);
    if (claimed.needsDispatch) {
      await this.dispatch(claimed.runId, attachment === undefined ? job : { ...job, attachment }, planned, 0);
      await this.recordExecution(job, planned.getTime());
    }
    return claimed.runId;
  }

  private async recordExecution(job: FireJobRow, plannedAt: number): Promise<void> {
    const next = nextFireAfter(planOf(job), Math.max(plannedAt, Date.now()));
    await this.dataSource.query(
      'UPDATE chac_job_runtime_detail SET last_execution_time = ?, next_execution_time = ? WHERE job_id = ?',
      [new Date(), next === null ? null : new Date(next), job.job_id],
    );
  }

  /** A termination strategy ends the job: the occurrence is recorded FINISHED with the reason. */
  private async terminate(job: FireJobRow, planned: Date, reason: string): Promise<void> {
    await this.runs.recordEnded(job.job_id, planned, RunningState.FINISHED, reason);
    await this.lifecycle.applyById(job.job_id, 'terminate', `job ${job.job_id} (${reason})`);
  }

  private async dispatch(runId: number, job: FireJobRow, plannedAt: Date, attempt: number): Promise<void> {
    if (job.executor === 'http') {
      await this.httpCallbacks.run(runId, job, this.runs);
      return;
    }
    const jobKey = {
      clusterName: job.cluster_name,
      groupName: job.group_name,
      jobName: job.job_name,
      jobClassName: job.job_class_name,
    };
    const candidates = await this.registry.candidates(job.cluster_name, job.group_name, job.job_class_name);
    const failures: string[] = [];
    for (const candidate of candidates) {
      const result = await this.dispatcher.send(candidate, {
        runId,
        jobId: job.job_id,
        jobKey,
        attempt,
        plannedAt: plannedAt.toISOString(),
        attachment: job.attachment,
        timeoutMs: Number(job.timeout),
      });
      if (result.ok) {
        await this.runs.markDispatched(runId, candidate.instanceId, candidate.baseUrl);
        return;
      }
      failures.push(`${candidate.instanceId}: ${result.reason}`);
    }
    const reason =
      candidates.length === 0
        ? `no worker available: no live instance of ${job.cluster_name}/${job.group_name} runs ${job.job_class_name}`
        : `no worker available: dispatch failed on every instance (${failures.join('; ')})`;
    this.logger.warn(`run ${runId} of ${formatJobKey(jobKey)}: ${reason}`);
    await this.runs.finish(runId, { runningState: RunningState.FAILED, reason, finishedAt: new Date() });
  }
}
