import { Injectable, Logger } from '@nestjs/common';
import {
  ErrorCode,
  LoadBalancerName,
  OverlapPolicy,
  type ResolvedRunPolicy,
  RunningState,
  TriggerType,
} from '@chaconne/contracts';
import { Conflict, NotFound } from '../../common/app-error';
import { AlertService, type RunAlert } from '../alert/alert.service';
import { JobLifecycleService } from '../job-definition/job-lifecycle.service';
import { JobRuntimeRepository } from '../job-runtime/job-runtime.repository';
import { retryDelayMs } from '../policy/backoff';
import { FireQueue } from '../schedule/fire-queue.service';
import { ScheduleSyncService } from '../schedule/schedule-sync.service';
import { StatRollup } from '../statistics/stat-rollup.service';
import { WorkerRegistryService } from '../worker-registry/worker-registry.service';
import { MANAGER_INSTANCE } from './in-manager-runners';
import { JobCompletion } from './job-completion.service';
import { RunDispatcher } from './run-dispatcher.service';
import {
  clip,
  MAX_TEXT,
  type Outcome,
  RunStore,
  type SettledRun,
  type SettlingRun,
} from './run-store.service';
import { SqlBatcher } from '../sql/sql.module';
import { decideSettlement, type FailureKind } from './settlement';

export interface RecordOptions {
  /** The reporting instance: a report from another one is kept as a late report only. */
  fromInstance?: string;
  failure?: FailureKind;
}

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
    private readonly sql: SqlBatcher,
    private readonly runs: RunStore,
    private readonly rollup: StatRollup,
    private readonly scheduleSync: ScheduleSyncService,
    private readonly fireQueue: FireQueue,
    private readonly lifecycle: JobLifecycleService,
    private readonly registry: WorkerRegistryService,
    private readonly dispatcher: RunDispatcher,
    private readonly alerts: AlertService,
    private readonly completion: JobCompletion,
    private readonly runtime: JobRuntimeRepository,
  ) {}

  /** Records an outcome; answers false when the run already had one (nothing changes then). */
  async record(
    runId: number,
    outcome: Outcome,
    options: RecordOptions = {},
  ): Promise<{ accepted: boolean; jobId: number }> {
    const settling = await this.runs.loadSettling(runId);
    const { run } = settling;
    const foreign =
      options.fromInstance !== undefined &&
      run.instanceId !== null &&
      run.instanceId !== options.fromInstance;
    const accepted =
      !foreign && settling.open && (await this.settle(settling, outcome, options.failure ?? 'execution'));
    if (!accepted) {
      if (options.fromInstance !== undefined)
        await this.runs.keepLateReport(runId, options.fromInstance, outcome);
      return { accepted: false, jobId: run.jobId };
    }
    return { accepted: true, jobId: run.jobId };
  }

  /**
   * Stops a run: it ends FAILED with the reason, then its worker is told to abort the
   * handler (best effort; it may be gone). The outcome comes first, so the worker's own
   * report of the aborted handler arrives as a late report and cannot start a retry.
   */
  async cancel(
    runId: number,
    reason: string,
    failure: 'timeout' | 'replaced' | 'operator',
  ): Promise<boolean> {
    const rows = await this.sql.query<{ address: string | null; instance_id: string | null }[]>(
      'SELECT address, instance_id FROM chac_job_run WHERE run_id = ? AND running_state = ?',
      [runId, RunningState.RUNNING],
    );
    const run = rows[0];
    if (!run) return false;
    const { accepted } = await this.record(
      runId,
      { runningState: RunningState.FAILED, reason, finishedAt: new Date() },
      { failure },
    );
    if (!accepted) return false;
    await this.cancelAtWorker(runId, run, reason);
    return true;
  }

  /** Tells the worker a run was given to to abort it (best effort; it may be gone, or the run never sent). */
  async cancelAtWorker(
    runId: number,
    run: { address: string | null; instance_id: string | null },
    reason: string,
  ): Promise<void> {
    if (!run.address || !run.instance_id || run.instance_id === MANAGER_INSTANCE) return;
    const sent = await this.dispatcher.cancel(
      { instanceId: run.instance_id, baseUrl: run.address },
      runId,
      reason,
    );
    if (!sent.ok) this.logger.warn(`cancel of run ${runId} at ${run.address} not delivered: ${sent.reason}`);
  }

  /**
   * cancelRun: an operator stops a run in flight. It ends FAILED with `cancelled by an
   * operator (<token>)` and the operator's reason, and is not retried. 404 for an unknown
   * run, 409 RUN_FINISHED when it already has an outcome.
   */
  async cancelByOperator(runId: number, actor: string, why: string | null): Promise<RunningState> {
    const reason = `cancelled by an operator (token ${actor})${why ? `: ${why}` : ''}`;
    if (await this.cancel(runId, reason, 'operator')) return RunningState.FAILED;
    const rows = await this.sql.query<{ running_state: number }[]>(
      'SELECT running_state FROM chac_job_run WHERE run_id = ?',
      [runId],
    );
    const row = rows[0];
    if (!row) throw new NotFound(ErrorCode.RUN_NOT_FOUND, `no run ${runId}`);
    throw new Conflict(
      ErrorCode.RUN_FINISHED,
      `run ${runId} already ended (RunningState ${row.running_state})`,
      {
        runningState: row.running_state,
      },
    );
  }

  /**
   * Gives the run its outcome and applies what follows. The outcome, the counters, the
   * freeze and the overlap slot change in one statement, which only succeeds while the
   * run is open (answers false when another report or the sweeper settled it first).
   */
  private async settle(settling: SettlingRun, outcome: Outcome, failure: FailureKind): Promise<boolean> {
    const { run, job } = settling;
    const { policy } = job;
    const state = outcome.runningState;
    const now = Date.now();
    const { completed, timedOut, timeoutsInARow, freeze, frozenUntil, retry, finalFailure } =
      decideSettlement(settling, state, failure, now);
    // The overlap slot is released, unless the run keeps it to hand it over right after:
    // to its retry, or to the run waiting for it (QUEUE_ONE).
    const handOver = retry || policy.overlapPolicy === OverlapPolicy.QUEUE_ONE;
    const settled = await this.runtime.settleRun({
      runId: run.runId,
      runningState: state,
      reason: clip(outcome.reason, 1000),
      startedAt: outcome.startedAt ?? null,
      finishedAt: outcome.finishedAt,
      result: clip(outcome.result, MAX_TEXT),
      errorMessage: clip(outcome.errorMessage, 60_000),
      errorStack: clip(outcome.errorStack, MAX_TEXT),
      keepSlot: handOver,
      finalFailure,
      completed,
      timedOut,
      freeze,
    });
    if (!settled) return false;
    if (
      run.instanceId !== null &&
      run.instanceId !== MANAGER_INSTANCE &&
      policy.loadBalancer === LoadBalancerName.LEAST_ACTIVE
    ) {
      this.registry.noteEnded(run.instanceId).catch((error: unknown) => {
        this.logger.debug(`in-flight count of ${run.instanceId ?? ''}: ${(error as Error).message}`);
      });
    }
    await this.rollup.record(
      run.jobId,
      run.plannedAt,
      state,
      run.attempt,
      outcome.startedAt ?? outcome.finishedAt,
    );
    if (retry) await this.scheduleRetry(run, policy, now);

    const alert = (event: RunAlert['event'], reason: string | null): void => {
      this.alerts.notify({
        jobId: run.jobId,
        jobKey: job.jobKey,
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
    if (state === RunningState.FINISHED) {
      // The handler or a listener terminated its job (Chaconne's JobTerminationException).
      await this.lifecycle.terminate(
        run.jobId,
        `terminated by run ${run.runId}: ${outcome.reason ?? 'no reason given'}`,
      );
      alert('terminated', outcome.reason ?? 'terminated by the job');
    } else if (freeze && frozenUntil) {
      // The lifecycle's freeze takes its schedule out of Redis; the sweeper thaws the job at frozenUntil.
      const reason = `${timeoutsInARow} timed-out runs in a row: job frozen until ${frozenUntil.toISOString()}`;
      if (await this.lifecycle.freeze(run.jobId, frozenUntil, reason)) alert('frozen', reason);
    } else if (
      finalFailure &&
      policy.maxConsecutiveFailures > 0 &&
      job.consecutiveFailures + 1 >= policy.maxConsecutiveFailures
    ) {
      const reason = `${policy.maxConsecutiveFailures} consecutive failures: job terminated`;
      await this.sql.query(
        "UPDATE chac_job_run SET reason = LEFT(CONCAT(COALESCE(reason, ''), ' — ', ?), 1000) WHERE run_id = ?",
        [reason, run.runId],
      );
      await this.lifecycle.terminate(run.jobId, reason);
      alert('terminated', reason);
    } else if (finalFailure) {
      alert('failed', outcome.reason ?? null);
    }

    if (!retry) {
      if (policy.overlapPolicy === OverlapPolicy.QUEUE_ONE) await this.handToWaiting(run);
      if (run.triggerType === TriggerType.PERIODIC) await this.scheduleSync.onRunFinished(run.jobId);
      // The occurrence is final: a job whose schedule has ended is done once nothing else runs.
      if (job.scheduleMayHaveEnded && state !== RunningState.FINISHED)
        await this.completion.finishIfDone(run.jobId);
    }
    return true;
  }

  /**
   * The failed run's next attempt, due after the backoff; it takes over the overlap slot
   * the failed run kept for it.
   */
  private async scheduleRetry(run: SettledRun, policy: ResolvedRunPolicy, now: number): Promise<void> {
    const retryAt = now + retryDelayMs(policy.retryBackoff, run.attempt + 1);
    const retryId = await this.runs.createRetry(run, new Date(retryAt));
    await this.runtime.passSlot(run.jobId, run.runId, retryId);
    await this.fireQueue.enqueueLaunch(run.jobId, retryId, retryAt).catch((error: unknown) => {
      // The sweeper ends a retry that is never sent, so it still gets an outcome.
      this.logger.warn(`retry ${retryId} of run ${run.runId} not queued: ${(error as Error).message}`);
    });
    this.logger.log(
      `run ${run.runId} failed (attempt ${run.attempt}); retry ${retryId} in ${retryAt - now} ms`,
    );
  }

  /**
   * QUEUE_ONE: the waiting run takes the slot the finished run kept and is sent at once;
   * with none waiting the slot is released.
   */
  private async handToWaiting(run: SettledRun): Promise<void> {
    await this.runtime.handSlotToQueued(run.jobId, run.runId);
    const promoted = await this.runtime.openSlotHolder(run.jobId, true);
    if (promoted !== null) await this.fireQueue.enqueueLaunch(run.jobId, promoted, Date.now());
  }
}
