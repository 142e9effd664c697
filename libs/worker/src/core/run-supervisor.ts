import { ProtocolLimits, RunningState, type RunReport, type RunRequest } from '@chaconne/contracts';
import { backoffDelay, isAborted, sleep, type BackoffOptions } from './backoff';
import { describeError, isFinalRefusal, RunAbortedError } from './errors';
import type { JobContext } from './job';
import type { JobRegistry, RegisteredJob } from './job-registry';
import type { LogShipper } from './log-shipper';
import type { WorkerLogger } from './logger';
import { clipText } from './message-format';
import { RecentRunIds } from './recent-run-ids';
import type { ReportSender } from './report-sender';
import type { RunAcceptance, RunGateway } from './request-handler';
import { RunAdmission, type RunStart } from './run-admission';
import { executeRun, type RunOutcomeReport } from './run-executor';

/** The reason reported for runs still executing when the shutdown grace period ends. */
export const SHUTDOWN_REASON = 'worker shut down before the run finished';
/** The reason reported for runs accepted and never started because the worker shuts down. */
export const SHUTDOWN_BEFORE_START_REASON = 'worker shutting down before start';
/** Extra time after the grace period for aborted runs to send their reports. */
const FINAL_REPORT_WINDOW_MS = 5_000;

/** A run started and not yet decided. */
interface ExecutingRun {
  readonly controller: AbortController;
  /** The outcome, once known (its onSuccess/onFailure hook may still be running). */
  decided: RunOutcomeReport | undefined;
  /** Ends the run now with this outcome, whatever its code is still doing. */
  readonly force: (outcome: RunOutcomeReport) => void;
}

/** What the runs are doing, as a heartbeat tells the manager (each run counted once). */
export interface RunCounts {
  /** Accepted and not yet reported, but for the held and waiting ones. */
  activeRuns: number;
  heldRuns: number;
  waitingRuns: number;
}

export interface RunSupervisorDeps {
  instanceId: string;
  registry: JobRegistry;
  logs: LogShipper;
  reports: ReportSender;
  logger: WorkerLogger;
  /** Also write every `ctx.log` line to `logger`. */
  echoRunLogs: boolean;
  retryBackoff: BackoffOptions;
  /** undefined: the default rule, per job. */
  maxWaitingRunsPerJob: number | undefined;
  /** Aborted at the very end of close(): ends every report retry loop. */
  stopping: AbortSignal;
}

/**
 * Every run from acceptance to report: admission (deduplication, runs held until their start
 * time, the jobs' concurrency limits and wait queues), execution with its context, cancel,
 * the report (retried until the manager takes it), and the drain on shutdown.
 */
export class RunSupervisor implements RunGateway {
  private readonly admission: RunAdmission;
  private readonly recentRunIds = new RecentRunIds();
  /** Runs accepted and not yet reported. */
  private readonly runs = new Map<number, Promise<void>>();
  /** Runs started whose outcome is not decided yet (handler or hooks still executing). */
  private readonly executing = new Map<number, ExecutingRun>();
  private accepting = true;

  constructor(private readonly deps: RunSupervisorDeps) {
    this.admission = new RunAdmission(deps.maxWaitingRunsPerJob);
  }

  /** Runs accepted and not yet reported. */
  get size(): number {
    return this.runs.size;
  }

  /** Whether new runs are refused: the worker shuts down. */
  get draining(): boolean {
    return !this.accepting;
  }

  get counts(): RunCounts {
    const { heldRuns, waitingRuns } = this.admission;
    return { activeRuns: this.runs.size - heldRuns - waitingRuns, heldRuns, waitingRuns };
  }

  acceptRun(request: RunRequest): RunAcceptance {
    if (!this.accepting) return { outcome: 'draining' };
    const job = this.deps.registry.find(request.jobKey.jobClassName);
    if (!job) return { outcome: 'no-handler' };
    if (this.recentRunIds.has(request.runId)) return { outcome: 'duplicate' };
    const startInMs = request.startInMs ?? 0;
    // A run sent ahead is not weighed against the slots of now: it takes its turn when due.
    // A refused run is not remembered as seen: the manager may dispatch it here again later.
    const refusal = startInMs === 0 ? this.admission.refusal(job) : undefined;
    if (refusal) return { outcome: 'at-capacity', ...refusal };
    this.recentRunIds.add(request.runId);
    const done = this.supervise(job, request, startInMs).finally(() => {
      this.runs.delete(request.runId);
    });
    this.runs.set(request.runId, done);
    return { outcome: 'accepted' };
  }

  /**
   * A run not started yet never starts: SKIPPED with the manager's reason. A running one has
   * its signal aborted with that reason: the handler and the FAILED report see it.
   */
  cancelRun(runId: number, reason: string): boolean {
    const pending = this.admission.withdraw(runId);
    if (pending) {
      pending.begin({ skipped: clipText(`cancelled before start: ${reason}`, ProtocolLimits.reasonChars) });
      return true;
    }
    const run = this.executing.get(runId);
    if (!run) return false;
    run.controller.abort(new RunAbortedError(reason));
    return true;
  }

  /**
   * Refuses new runs (503) and gives back at once, SKIPPED, the held runs due after the
   * grace period: the manager learns it now rather than at the end of the drain.
   */
  stopAccepting(graceMs: number): void {
    this.accepting = false;
    const late = this.admission.withdrawHeldDueBeyond(graceMs);
    for (const run of late) run.begin({ skipped: SHUTDOWN_BEFORE_START_REASON });
    if (late.length > 0) {
      this.deps.logger.warn(
        `closing: ${late.length} run(s) due after the grace period given back; reporting them SKIPPED`,
      );
    }
  }

  /**
   * Lets the accepted runs start and finish within `graceMs`; then reports those not started
   * SKIPPED and aborts those still executing (reported FAILED, {@link SHUTDOWN_REASON}).
   */
  async drain(graceMs: number): Promise<void> {
    if (this.runs.size === 0) return;
    this.deps.logger.log(`closing: waiting up to ${graceMs} ms for ${this.runs.size} run(s)`);
    if (await this.settled(graceMs)) return;
    // First, so that the slots freed below are not handed to them.
    const unstarted = this.giveBackUnstarted();
    const executing = this.abortExecuting();
    if (unstarted + executing > 0) await this.settled(FINAL_REPORT_WINDOW_MS);
  }

  /** Settles once every accepted run has been reported (or given up on, once stopping). */
  async whenIdle(): Promise<void> {
    await Promise.all([...this.runs.values()]);
  }

  /** From acceptance to report: held and queued as admission says, run, reported; or reported unstarted. */
  private async supervise(job: RegisteredJob, request: RunRequest, startInMs: number): Promise<void> {
    const { runId } = request;
    const start = await new Promise<RunStart>((begin) => {
      this.admission.enter({ runId, job, begin }, startInMs);
    });
    if ('skipped' in start) await this.reportUnstarted(runId, start.skipped);
    else await this.runAndReport(job, request, start.waitedMs);
  }

  /** Reports SKIPPED a run that was accepted and never started (cancelled, or shutting down). */
  private async reportUnstarted(runId: number, reason: string): Promise<void> {
    const now = new Date().toISOString();
    await this.reportUntilAccepted(runId, {
      instanceId: this.deps.instanceId,
      runningState: RunningState.SKIPPED,
      reason,
      startedAt: now,
      finishedAt: now,
    });
  }

  private async runAndReport(
    job: RegisteredJob,
    request: RunRequest,
    waitedMs: number | undefined,
  ): Promise<void> {
    const { runId } = request;
    const { logs, logger, instanceId } = this.deps;
    const startedAt = new Date().toISOString();
    const controller = new AbortController();
    let force: (outcome: RunOutcomeReport) => void = () => undefined;
    const forced = new Promise<RunOutcomeReport>((resolve) => {
      force = resolve;
    });
    const run: ExecutingRun = { controller, decided: undefined, force };
    this.executing.set(runId, run);
    let holdsSlot = true;
    const settle = (): void => {
      if (!holdsSlot) return;
      holdsSlot = false;
      this.executing.delete(runId);
      this.admission.release(job);
    };
    try {
      const { retries } = request;
      const ctx: JobContext = Object.freeze({
        jobKey: request.jobKey,
        jobId: request.jobId,
        runId,
        attempt: request.attempt,
        retries,
        isLastAttempt: request.attempt >= retries,
        attachment: request.attachment,
        plannedAt: new Date(request.plannedAt),
        signal: controller.signal,
        log: logs.openRun(runId, this.deps.echoRunLogs ? logger : undefined),
        instanceId,
      });
      if (waitedMs !== undefined) ctx.log.info(`waited ${waitedMs} ms for a free slot`);
      let outcome: RunOutcomeReport;
      try {
        // `forced` wins when close() gives up on the run (e.g. a hook that never returns).
        outcome = await Promise.race([
          executeRun(job, ctx, controller, request.timeoutMs, logger, (decided) => {
            run.decided = decided;
          }),
          forced,
        ]);
      } finally {
        settle();
        logs.endRun(runId);
      }
      const report: RunReport = {
        instanceId,
        ...outcome,
        startedAt,
        finishedAt: new Date().toISOString(),
      };
      await this.reportUntilAccepted(runId, report);
    } catch (error) {
      settle();
      logger.error(`run ${runId}: unexpected SDK failure: ${describeError(error)}`);
    }
  }

  /** Ships the run's logs, then its report, retrying until the manager takes both. */
  private async reportUntilAccepted(runId: number, report: RunReport): Promise<void> {
    const { stopping: signal, logger } = this.deps;
    for (let attempt = 0; ; attempt++) {
      if (signal.aborted) {
        logger.error(`run ${runId}: report not delivered before shutdown; the manager will time the run out`);
        return;
      }
      try {
        await this.deps.logs.flushRun(runId, signal);
        await this.deps.reports.send(runId, report);
        if (attempt > 0) logger.log(`run ${runId}: report delivered after ${attempt} failed attempts`);
        return;
      } catch (error) {
        if (isAborted(signal)) continue;
        if (isFinalRefusal(error)) {
          logger.warn(`run ${runId}: the manager refused the report, not resending: ${error.message}`);
          return;
        }
        if (attempt === 0) logger.warn(`run ${runId}: cannot report yet (${describeError(error)}); retrying`);
        await sleep(backoffDelay(attempt, this.deps.retryBackoff), signal);
      }
    }
  }

  /** Ends every run accepted and not started: SKIPPED, the worker shuts down. Answers how many. */
  private giveBackUnstarted(): number {
    const unstarted = this.admission.withdrawAll();
    for (const run of unstarted) run.begin({ skipped: SHUTDOWN_BEFORE_START_REASON });
    if (unstarted.length > 0) {
      this.deps.logger.warn(
        `closing: ${unstarted.length} run(s) not started after the grace period; reporting them SKIPPED`,
      );
    }
    return unstarted.length;
  }

  /** Aborts every run still executing and reports it FAILED (or its known outcome). Answers how many. */
  private abortExecuting(): number {
    const count = this.executing.size;
    if (count === 0) return 0;
    this.deps.logger.warn(
      `closing: ${count} run(s) still executing after the grace period; reporting them FAILED`,
    );
    const error = new RunAbortedError(SHUTDOWN_REASON);
    for (const run of this.executing.values()) {
      run.controller.abort(error);
      // A run whose outcome is known but whose hook hangs keeps that outcome.
      run.force(
        run.decided ?? {
          runningState: RunningState.FAILED,
          error: { name: error.name, message: SHUTDOWN_REASON },
          reason: SHUTDOWN_REASON,
          retryable: true,
        },
      );
    }
    return count;
  }

  /** Whether every accepted run has been reported within `timeoutMs`. */
  private async settled(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => {
        resolve(false);
      }, timeoutMs);
    });
    try {
      return await Promise.race([Promise.all([...this.runs.values()]).then(() => true), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }
}
