import { Injectable, Logger } from '@nestjs/common';
import { type JobKey, JobState, OverlapPolicy, RunningState, TriggerType } from '@chaconne/contracts';
import { DataSource } from 'typeorm';
import { AlertService, type RunAlert } from '../alert/alert.service';
import { storedRunPolicy } from '../job-definition/dto/run-policy.dto';
import { JobLifecycleService } from '../job-definition/job-lifecycle.service';
import { retryDelayMs } from '../policy/backoff';
import { FireQueue } from '../schedule/fire-queue.service';
import { ScheduleSyncService } from '../schedule/schedule-sync.service';
import { StatRollup } from '../statistics/stat-rollup.service';
import { WorkerRegistryService } from '../worker-registry/worker-registry.service';
import { MANAGER_INSTANCE } from '../xcron/http-callback.runner';
import { RunDispatcher } from './run-dispatcher.service';
import { type Outcome, RunStore, type SettledRun } from './run-store.service';

/** Why a run failed, when it matters to what follows. */
export type FailureKind =
  /** The handler threw or the worker reported FAILED (the default). */
  | 'execution'
  /** The run outlived its timeout: counts toward freezing the job. */
  | 'timeout'
  /** Its instance stopped sending heartbeats. */
  | 'worker-lost'
  /** No instance took the run. */
  | 'dispatch'
  /** REPLACE: a newer occurrence cancelled it. Not retried, not counted as a failure. */
  | 'replaced';

export interface RecordOptions {
  /** The reporting instance: a report from another one is kept as a late report only. */
  fromInstance?: string;
  failure?: FailureKind;
}

interface JobRow {
  cluster_name: string;
  group_name: string;
  job_name: string;
  job_class_name: string;
  email: string;
  retries: number;
  timeout: number | string;
  run_policy: string | null;
  job_state: number;
  consecutive_failures: number;
  consecutive_timeouts: number;
  freeze_count: number;
}

/** Cool-downs stop doubling after this many freezes in a row (timeout x 1024). */
const MAX_FREEZE_EXPONENT = 10;
/** States in which a failed run is retried. */
const RETRYABLE_STATES: readonly number[] = [
  JobState.SCHEDULING,
  JobState.RUNNING,
  JobState.PAUSED,
  JobState.NOT_SCHEDULED,
];

/**
 * Every way a run ends comes through here: the run's outcome (once), then what follows
 * from it: the job's runtime row and counters, the overlap slot, the daily roll-up, a
 * retry after its backoff, freezing after repeated timeouts, termination (handler,
 * consecutive failures), a queued run's turn, a fixed-delay job's next occurrence, alerts.
 */
@Injectable()
export class RunOutcomes {
  private readonly logger = new Logger(RunOutcomes.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly runs: RunStore,
    private readonly rollup: StatRollup,
    private readonly scheduleSync: ScheduleSyncService,
    private readonly fireQueue: FireQueue,
    private readonly lifecycle: JobLifecycleService,
    private readonly registry: WorkerRegistryService,
    private readonly dispatcher: RunDispatcher,
    private readonly alerts: AlertService,
  ) {}

  /** Records an outcome; answers false when the run already had one (nothing changes then). */
  async record(
    runId: number,
    outcome: Outcome,
    options: RecordOptions = {},
  ): Promise<{ accepted: boolean; jobId: number }> {
    const { settled, run } = await this.runs.settle(runId, outcome, options.fromInstance);
    if (!settled) return { accepted: false, jobId: run.jobId };
    if (run.instanceId !== null && run.instanceId !== MANAGER_INSTANCE) {
      this.registry.noteEnded(run.instanceId).catch((error: unknown) => {
        this.logger.debug(`in-flight count of ${run.instanceId ?? ''}: ${(error as Error).message}`);
      });
    }
    await this.follow(run, outcome, options.failure ?? 'execution');
    return { accepted: true, jobId: run.jobId };
  }

  /**
   * Stops a run: the worker is told to abort its handler (best effort; it may be gone),
   * and the run ends FAILED with the reason.
   */
  async cancel(runId: number, reason: string, failure: 'timeout' | 'replaced'): Promise<boolean> {
    const rows = await this.dataSource.query<{ address: string | null; instance_id: string | null }[]>(
      'SELECT address, instance_id FROM chac_job_run WHERE run_id = ? AND running_state = ?',
      [runId, RunningState.RUNNING],
    );
    const run = rows[0];
    if (!run) return false;
    if (run.address && run.instance_id !== MANAGER_INSTANCE) {
      const sent = await this.dispatcher.cancel(run.address, runId, reason);
      if (!sent.ok)
        this.logger.warn(`cancel of run ${runId} at ${run.address} not delivered: ${sent.reason}`);
    }
    const { accepted } = await this.record(
      runId,
      { runningState: RunningState.FAILED, reason, finishedAt: new Date() },
      { failure },
    );
    return accepted;
  }

  private async follow(run: SettledRun, outcome: Outcome, failure: FailureKind): Promise<void> {
    const job = await this.loadJob(run.jobId);
    if (!job) return;
    const policy = storedRunPolicy(job.run_policy);
    const state = outcome.runningState;
    const failed = state === RunningState.FAILED;
    const completed = state === RunningState.COMPLETED;
    const timedOut = failed && failure === 'timeout';
    const countsAsFailure = failed && failure !== 'replaced';
    const timeoutMs = Number(job.timeout);
    const timeoutsInARow = timedOut ? job.consecutive_timeouts + 1 : completed ? 0 : job.consecutive_timeouts;
    const freeze =
      timedOut &&
      timeoutMs > 0 &&
      policy.freezeAfterTimeouts > 0 &&
      timeoutsInARow >= policy.freezeAfterTimeouts &&
      (job.job_state === JobState.SCHEDULING || job.job_state === JobState.RUNNING);
    const retry =
      countsAsFailure && !freeze && run.attempt < job.retries && RETRYABLE_STATES.includes(job.job_state);

    const now = Date.now();
    let retryRunId: number | null = null;
    let retryAt = now;
    if (retry) {
      retryAt = now + retryDelayMs(policy.retryBackoff, run.attempt + 1);
      retryRunId = await this.runs.createRetry(run, new Date(retryAt));
    }
    const finalFailure = countsAsFailure && retryRunId === null;
    const frozenUntil = freeze
      ? new Date(now + timeoutMs * 2 ** Math.min(job.freeze_count + 1, MAX_FREEZE_EXPONENT))
      : null;
    // One statement, so no tick can slip in between: the outcome, the counters, the freeze,
    // and the overlap slot handed to the retry, else to the waiting run (QUEUE_ONE), else
    // released. (MySQL applies the assignments left to right: after the first, a promoted
    // waiting run is both active and queued, and the second clears it from the queue.)
    await this.dataSource.query(
      `UPDATE chac_job_runtime_detail SET
          active_run_id = IF(active_run_id = ?, COALESCE(?, queued_run_id), active_run_id),
          queued_run_id = IF(? IS NULL AND active_run_id = queued_run_id, NULL, queued_run_id),
          last_running_state = ?, last_completion_time = ?,
          consecutive_failures = CASE WHEN ? THEN consecutive_failures + 1 WHEN ? THEN 0 ELSE consecutive_failures END,
          consecutive_timeouts = CASE WHEN ? THEN 0 WHEN ? THEN consecutive_timeouts + 1 WHEN ? THEN 0 ELSE consecutive_timeouts END,
          freeze_count = CASE WHEN ? THEN freeze_count + 1 WHEN ? THEN 0 ELSE freeze_count END,
          job_state = IF(? AND job_state IN (?, ?), ?, job_state),
          frozen_until = IF(?, ?, frozen_until)
        WHERE job_id = ?`,
      [
        run.runId,
        retryRunId,
        retryRunId,
        state,
        outcome.finishedAt,
        finalFailure,
        completed,
        freeze,
        timedOut,
        completed,
        freeze,
        completed,
        freeze,
        JobState.SCHEDULING,
        JobState.RUNNING,
        JobState.FROZEN,
        freeze,
        frozenUntil,
        run.jobId,
      ],
    );
    await this.rollup.record(
      run.jobId,
      run.plannedAt,
      state,
      run.attempt,
      outcome.startedAt ?? outcome.finishedAt,
    );
    if (retryRunId !== null) {
      const retryId = retryRunId;
      await this.fireQueue.enqueueLaunch(run.jobId, retryId, retryAt).catch((error: unknown) => {
        // The sweeper ends a retry that is never sent, so it still gets an outcome.
        this.logger.warn(`retry ${retryId} of run ${run.runId} not queued: ${(error as Error).message}`);
      });
      this.logger.log(
        `run ${run.runId} failed (attempt ${run.attempt}); retry ${retryRunId} in ${retryAt - now} ms`,
      );
    }

    const alert = (event: RunAlert['event'], reason: string | null): void => {
      this.alerts.notify({
        jobId: run.jobId,
        jobKey: keyOf(job),
        recipients: job.email,
        runId: run.runId,
        attempt: run.attempt,
        plannedAt: run.plannedAt,
        runningState: state,
        reason,
        errorStack: outcome.errorStack ?? null,
        instanceId: run.instanceId,
        event,
      });
    };
    const label = `job ${run.jobId}`;
    if (state === RunningState.FINISHED) {
      // The handler or a listener terminated its job (Chaconne's JobTerminationException).
      await this.lifecycle.applyById(run.jobId, 'terminate', `${label} (terminated by run ${run.runId})`);
      alert('terminated', outcome.reason ?? 'terminated by the job');
    } else if (freeze && frozenUntil) {
      // Its schedule leaves Redis; the sweeper thaws the job at frozenUntil.
      this.logger.log(
        `job ${run.jobId}: ${timeoutsInARow} timed-out runs in a row -> FROZEN until ${frozenUntil.toISOString()}`,
      );
      await this.scheduleSync.syncQuietly(run.jobId);
      alert(
        'frozen',
        `${timeoutsInARow} timed-out runs in a row: job frozen until ${frozenUntil.toISOString()}`,
      );
    } else if (
      finalFailure &&
      policy.maxConsecutiveFailures > 0 &&
      job.consecutive_failures + 1 >= policy.maxConsecutiveFailures
    ) {
      const reason = `${policy.maxConsecutiveFailures} consecutive failures: job terminated`;
      await this.dataSource.query(
        "UPDATE chac_job_run SET reason = LEFT(CONCAT(COALESCE(reason, ''), ' — ', ?), 1000) WHERE run_id = ?",
        [reason, run.runId],
      );
      await this.lifecycle.applyById(run.jobId, 'terminate', `${label} (${reason})`);
      alert('terminated', reason);
    } else if (finalFailure) {
      alert('failed', outcome.reason ?? null);
    }

    if (retryRunId === null) {
      if (policy.overlapPolicy === OverlapPolicy.QUEUE_ONE) await this.startPromoted(run.jobId);
      if (run.triggerType === TriggerType.PERIODIC) await this.scheduleSync.onRunFinished(run.jobId);
    }
  }

  /** QUEUE_ONE: the waiting run that just got the slot is sent at once. */
  private async startPromoted(jobId: number): Promise<void> {
    const rows = await this.dataSource.query<{ run_id: number | string }[]>(
      `SELECT x.run_id FROM chac_job_runtime_detail r JOIN chac_job_run x ON x.run_id = r.active_run_id
        WHERE r.job_id = ? AND x.running_state = ? AND x.dispatched_at IS NULL`,
      [jobId, RunningState.RUNNING],
    );
    const promoted = rows[0];
    if (promoted) await this.fireQueue.enqueueLaunch(jobId, Number(promoted.run_id), Date.now());
  }

  private async loadJob(jobId: number): Promise<JobRow | undefined> {
    const rows = await this.dataSource.query<JobRow[]>(
      `SELECT d.cluster_name, d.group_name, d.job_name, d.job_class_name, d.email, d.retries, d.timeout,
              d.run_policy, r.job_state, r.consecutive_failures, r.consecutive_timeouts, r.freeze_count
         FROM chac_job_detail d JOIN chac_job_runtime_detail r ON r.job_id = d.job_id WHERE d.job_id = ?`,
      [jobId],
    );
    return rows[0];
  }
}

function keyOf(job: JobRow): JobKey {
  return {
    clusterName: job.cluster_name,
    groupName: job.group_name,
    jobName: job.job_name,
    jobClassName: job.job_class_name,
  };
}
