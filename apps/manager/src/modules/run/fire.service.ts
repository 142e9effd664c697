import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { JobState, RunningState, formatJobKey } from '@chaconne/contracts';
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
import { RunDispatcher } from './run-dispatcher.service';
import { RunStore } from './run-store.service';

interface FireJobRow extends ScheduledJobRow {
  cluster_name: string;
  group_name: string;
  job_name: string;
  job_class_name: string;
  attachment: string | null;
  timeout: number | string;
}

const FIRE_SELECT = SCHEDULED_JOB_SELECT.replace(
  'SELECT ',
  'SELECT d.cluster_name, d.group_name, d.job_name, d.job_class_name, d.attachment, d.timeout, ',
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
    if (job.job_state === JobState.PAUSED) {
      await this.runs.recordSkipped(jobId, planned, 'job is paused');
      return;
    }
    const claimed = await this.runs.claim(jobId, planned, 0);
    if (!claimed.needsDispatch) return;

    await this.dispatch(claimed.runId, job, planned, 0);
    const next = nextFireAfter(planOf(job), plannedAt);
    await this.dataSource.query(
      'UPDATE chac_job_runtime_detail SET last_execution_time = ?, next_execution_time = ? WHERE job_id = ?',
      [new Date(), next === null ? null : new Date(next), jobId],
    );
  }

  private async dispatch(runId: number, job: FireJobRow, plannedAt: Date, attempt: number): Promise<void> {
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
