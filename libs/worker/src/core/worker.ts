import {
  ErrorCode,
  ManagerRoutes,
  PROTOCOL_VERSION,
  ProtocolLimits,
  RunningState,
  type HeartbeatRequest,
  type HeartbeatResponse,
  type RegisterRequest,
  type RegisterResponse,
  type RunReport,
  type RunRequest,
  type WorkerJobDeclaration,
} from '@chaconne/contracts';
import { backoffDelay, sleep } from './backoff';
import { ChaconneWorkerError, isFinalRefusal, ManagerRequestError, RunAbortedError } from './errors';
import type { WorkerHttpRequest, WorkerHttpResponse } from './http';
import type {
  DynamicJobOptions,
  Job,
  JobContext,
  JobHandler,
  NotManagedJob,
  NotManagedJobClass,
} from './job';
import { JobRegistry, type RegisteredJob } from './job-registry';
import { LogShipper } from './log-shipper';
import { ManagerClient, type ManagerTransport } from './manager-client';
import {
  detectHostAddress,
  resolveWorkerOptions,
  type ChaconneWorkerOptions,
  type ResolvedWorkerOptions,
} from './options';
import { RecentRunIds } from './recent-run-ids';
import { ReportSender } from './report-sender';
import { RequestHandler, type RunAcceptance } from './request-handler';
import { executeRun, type RunOutcomeReport } from './run-executor';
import { SDK_VERSION } from './version';
import { clipText } from './message-format';
import type { ManagedJob } from '../managed-job';
import { toJob } from '../to-job';

/** Runtime facts an adapter knows only once the host server listens. */
export interface WorkerStartOptions {
  /** Port the host HTTP server listens on; used when `baseUrl` is not configured. */
  port?: number;
}

/** The reason reported for runs still executing when the shutdown grace period ends. */
export const SHUTDOWN_REASON = 'worker shut down before the run finished';
/** Extra time after the grace period for aborted runs to send their reports. */
const FINAL_REPORT_WINDOW_MS = 5_000;
/** Timeout of the best-effort requests sent while closing (draining heartbeat, deregister). */
const CLOSING_REQUEST_TIMEOUT_MS = 3_000;
/** Lowest heartbeat interval honoured, whatever the manager answers. */
const MIN_HEARTBEAT_MS = 50;

/** How an accepted run leaves the wait: it starts (after `waitedMs` in the queue, if it queued), or never does. */
type RunStart = { waitedMs: number | undefined } | { skipped: string };

/**
 * A run accepted and not started: held until its start time (sent ahead), or queued for a
 * free slot under its job's concurrency limit.
 */
interface PendingRun {
  readonly runId: number;
  readonly job: RegisteredJob;
  /** `performance.now()` when it joined its job's wait queue. */
  queuedAt: number;
  /** Starts the run or ends it unstarted; called once, after it left every queue. */
  readonly begin: (start: RunStart) => void;
}

/** A run sent ahead, waiting for its start time on this process's monotonic clock. */
interface HeldRun {
  readonly run: PendingRun;
  /** `performance.now()` at which it is due. */
  readonly dueAt: number;
  timer: NodeJS.Timeout;
}

/** The reason reported for runs accepted but not started when the shutdown grace period ends. */
export const SHUTDOWN_BEFORE_START_REASON = 'worker shutting down before start';

/** A run accepted and not yet decided. */
interface ExecutingRun {
  readonly controller: AbortController;
  /** The outcome, once known (its onSuccess/onFailure hook may still be running). */
  decided: RunOutcomeReport | undefined;
  /** Ends the run now with this outcome, whatever its code is still doing. */
  readonly force: (outcome: RunOutcomeReport) => void;
}

/** Read through a call: the flag flips while a request awaits, which narrowing cannot see. */
function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}

/**
 * Runs of one job that may wait for a slot when `maxWaitingRunsPerJob` is not set: four
 * rounds of its concurrency, at least 16 (a burst of one second's runs of a few triggers),
 * none for an unlimited job (it never waits).
 */
export function defaultWaitLimit(concurrency: number): number {
  return Number.isFinite(concurrency) ? Math.max(16, 4 * concurrency) : 0;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The Chaconne worker: registers this process's jobs with the manager, keeps it informed
 * with heartbeats, serves the signed run endpoints through {@link ChaconneWorker.handle},
 * runs handlers with a context (log, signal, timeout) and reports every outcome.
 *
 * @example
 * const worker = new ChaconneWorker({
 *   managerUrl: 'http://127.0.0.1:6543',
 *   secret: process.env.CHACONNE_SECRET!,
 *   clusterName: 'demo-cluster',
 *   groupName: 'billing',
 *   port: 8088,
 * });
 * worker.addJob(new HealthCheckJob()); // a ManagedJob; or a Job object; or jobFromInstance(new DemoCronJob())
 * worker.addDynamicJob(EtlJob, { concurrency: 2 });
 * // serve /chaconne/* with an adapter (`@chaconne/worker/http`, `/express`, `/nest`), then:
 * await worker.start();
 */
export class ChaconneWorker {
  /** Identity of this process in the manager's worker registry. */
  readonly instanceId: string;
  /** Resolves once the manager has accepted the first registration; rejects if it never will. */
  readonly ready: Promise<void>;

  private readonly options: ResolvedWorkerOptions;
  private readonly registry: JobRegistry;
  private readonly transport: ManagerTransport;
  private readonly logs: LogShipper;
  private readonly reports: ReportSender;
  private readonly endpoints: RequestHandler;
  private readonly recentRunIds = new RecentRunIds();
  /** Runs accepted and not yet reported. */
  private readonly runs = new Map<number, Promise<void>>();
  /** Runs whose outcome is not decided yet (handler or hooks still executing). */
  private readonly executing = new Map<number, ExecutingRun>();
  /** Runs of each job (by job class name) counted against its concurrency limit. */
  private readonly runningByJob = new Map<string, number>();
  /** Runs due but waiting for a free slot, per job class name, in arrival order. */
  private readonly queues = new Map<string, PendingRun[]>();
  /** The same runs by runId (a cancel names the run only). */
  private readonly waiting = new Map<number, PendingRun>();
  /** Runs sent ahead, waiting for their start time, by runId. */
  private readonly held = new Map<number, HeldRun>();
  private readonly background = new Set<Promise<void>>();
  /** Aborted at the end of close(): ends every retry loop. */
  private readonly stopping = new AbortController();
  /** Aborted as close() begins: a draining worker does not (re-)register. */
  private readonly stopRegistering = new AbortController();
  private readonly startedAt = new Date().toISOString();
  private resolveReady: () => void = () => undefined;
  private rejectReady: (error: Error) => void = () => undefined;
  private starting: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private registration: RegisterRequest | undefined;
  private registered = false;
  private draining = false;
  private heartbeatIntervalMs = 5_000;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private heartbeatFailures = 0;

  constructor(options: ChaconneWorkerOptions) {
    this.options = resolveWorkerOptions(options);
    this.instanceId = this.options.instanceId;
    this.registry = new JobRegistry(this.options.clusterName, this.options.groupName, this.options.listeners);
    this.transport = new ManagerClient({
      managerUrl: this.options.managerUrl,
      secret: this.options.secret,
      timeoutMs: this.options.requestTimeoutMs,
    });
    this.logs = new LogShipper(
      {
        transport: this.transport,
        instanceId: this.instanceId,
        logger: this.options.logger,
        backoff: this.options.retryBackoff,
      },
      this.options.logShipping,
    );
    this.reports = new ReportSender(this.transport, this.stopping.signal);
    this.endpoints = new RequestHandler(
      this.options.secret,
      {
        instanceId: this.instanceId,
        clusterName: this.options.clusterName,
        groupName: this.options.groupName,
      },
      {
        acceptRun: (request) => this.acceptRun(request),
        cancelRun: (runId, reason) => this.cancelRun(runId, reason),
      },
    );
    this.ready = new Promise<void>((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    // Nobody has to await `ready`; a failed start is logged where it happens.
    this.ready.catch(() => undefined);
  }

  /**
   * Registers a code-defined job: a {@link ManagedJob} subclass instance, a {@link Job}
   * (object literal or class instance), or `jobFromInstance(new MyChacJob())`. Its
   * definition (trigger and dependencies included) is sent at registration and upserted by
   * the manager. Throws on an invalid definition or a duplicate job name or class, naming
   * both declarations.
   *
   * @example
   * worker.addJob(new HealthCheckJob());
   * worker.addJob({ jobClassName: 'Nightly', trigger: cronTrigger, concurrency: 1, execute: (ctx) => run(ctx) });
   */
  addJob(job: Job | ManagedJob): this {
    this.assertNotStarted();
    this.registry.addCodeDefined(toJob(job));
    return this;
  }

  /**
   * Registers a dynamic job (Chaconne's `NotManagedJob`): no trigger here, its definition
   * lives in the manager. Matched by job class name, or by simple name
   * (`com.acme.EtlJob` finds `EtlJob`).
   *
   * @example
   * worker.addDynamicJob('EtlJob', async (ctx) => ({ rows: await load(ctx.attachment) }));
   * worker.addDynamicJob(EtlJob); // a class implementing NotManagedJob, instantiated per run
   * worker.addDynamicJob(EtlJob, { concurrency: 1 }); // at most one EtlJob run at a time here
   */
  addDynamicJob(
    jobClassName: string,
    job: JobHandler | NotManagedJob | NotManagedJobClass,
    options?: DynamicJobOptions,
  ): this;
  addDynamicJob(jobClass: NotManagedJobClass, options?: DynamicJobOptions): this;
  addDynamicJob(
    nameOrClass: string | NotManagedJobClass,
    jobOrOptions?: JobHandler | NotManagedJob | NotManagedJobClass | DynamicJobOptions,
    options?: DynamicJobOptions,
  ): this {
    this.assertNotStarted();
    if (typeof nameOrClass === 'string') {
      if (jobOrOptions === undefined)
        throw new ChaconneWorkerError(`Dynamic job "${nameOrClass}" needs a handler`);
      this.registry.addDynamic(
        nameOrClass,
        jobOrOptions as JobHandler | NotManagedJob | NotManagedJobClass,
        options,
      );
    } else {
      this.registry.addDynamic(
        nameOrClass.name,
        nameOrClass,
        jobOrOptions as DynamicJobOptions | undefined,
        `class ${nameOrClass.name}`,
      );
    }
    return this;
  }

  /** The jobs sent at registration. */
  get jobs(): WorkerJobDeclaration[] {
    return this.registry.declarations();
  }

  /** Runs accepted and not yet reported. */
  get activeRuns(): number {
    return this.runs.size;
  }

  /** Whether the manager currently knows this instance. */
  get isRegistered(): boolean {
    return this.registered;
  }

  /** The base URL sent to the manager (known once `start()` has been called). */
  get baseUrl(): string | undefined {
    return this.registration?.baseUrl;
  }

  /**
   * Registers with the manager, retrying (0.5 s -> 5 s backoff) until it answers, then
   * heartbeats. Resolves once registered; rejects if the manager refuses this worker for
   * good (incompatible protocol, invalid job definitions) or `close()` comes first.
   * Idempotent. Serve the endpoints before calling it: the manager may dispatch at once.
   */
  start(options: WorkerStartOptions = {}): Promise<void> {
    if (this.closing) return Promise.reject(new ChaconneWorkerError('ChaconneWorker is closed'));
    this.starting ??= this.runStart(options);
    return this.starting;
  }

  /** {@link start} without waiting: failures are logged; `ready` tells when registered. */
  startInBackground(options: WorkerStartOptions = {}): void {
    this.start(options).catch(() => undefined);
  }

  /**
   * Handles a manager -> worker request (`POST /chaconne/runs`, `.../:runId/cancel`).
   * Framework adapters call this with the exact raw body and write the answer back.
   */
  readonly handle = (request: WorkerHttpRequest): Promise<WorkerHttpResponse> => {
    try {
      return Promise.resolve(this.endpoints.handle(request));
    } catch (error) {
      this.options.logger.error(`request handling failed: ${describe(error)}`);
      return Promise.resolve({
        status: 500,
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({
          success: false,
          msg: 'internal error',
          code: ErrorCode.INTERNAL_ERROR,
          data: null,
        }),
      });
    }
  };

  /**
   * Graceful shutdown, in this order:
   * 1. tells the manager at once that this instance is draining (a heartbeat with
   *    `draining: true`, not at the next interval) and refuses new runs with 503;
   * 2. lets in-flight runs finish within `shutdownGraceMs`, shipping their logs and reports;
   * 3. aborts the runs still going at the end of the grace period and reports them FAILED
   *    with the reason {@link SHUTDOWN_REASON} (never silently lost);
   * 4. deregisters and stops every timer.
   * Idempotent. Adapters that own the HTTP server close it after this.
   */
  close(): Promise<void> {
    this.closing ??= this.runClose();
    return this.closing;
  }

  // ---- registration and heartbeats ----

  private async runStart(options: WorkerStartOptions): Promise<void> {
    try {
      this.registration = this.buildRegistration(options);
      const response = await this.registerUntilAccepted();
      this.onRegistered(response);
      this.options.logger.log(
        `registered with ${this.options.managerUrl} as ${this.instanceId} (${this.registry.size} jobs, reachable at ${this.registration.baseUrl})`,
      );
      this.resolveReady();
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      this.rejectReady(failure);
      throw failure;
    }
  }

  private buildRegistration(options: WorkerStartOptions): RegisterRequest {
    const port = this.options.port ?? options.port;
    let baseUrl = this.options.baseUrl;
    if (baseUrl === undefined) {
      if (port === undefined) {
        const error = new ChaconneWorkerError(
          'ChaconneWorker cannot tell the manager where to reach it: set options.baseUrl or options.port',
        );
        this.options.logger.error(error.message);
        throw error;
      }
      baseUrl = `http://${detectHostAddress()}:${port}`;
    }
    return {
      instanceId: this.instanceId,
      clusterName: this.options.clusterName,
      groupName: this.options.groupName,
      baseUrl,
      baseUrlSource: this.options.baseUrl === undefined ? 'detected' : 'configured',
      weight: this.options.weight,
      labels: this.options.labels,
      sdkVersion: SDK_VERSION,
      protocolVersion: PROTOCOL_VERSION,
      startedAt: this.startedAt,
      jobs: this.registry.declarations(),
    };
  }

  /** POST register until the manager answers; one warning per failure streak. */
  private async registerUntilAccepted(): Promise<RegisterResponse> {
    const signal = this.stopRegistering.signal;
    const registration = this.registration;
    if (!registration) throw new ChaconneWorkerError('registration is not prepared');
    for (let attempt = 0; ; attempt++) {
      if (signal.aborted)
        throw new ChaconneWorkerError('ChaconneWorker closed before the manager accepted its registration');
      try {
        const response = await this.transport.post<RegisterResponse>(
          ManagerRoutes.register,
          registration,
          signal,
        );
        if (attempt > 0)
          this.options.logger.log(`manager reachable again after ${attempt} failed registration attempts`);
        return response;
      } catch (error) {
        if (isAborted(signal)) continue;
        if (
          error instanceof ManagerRequestError &&
          (error.code === ErrorCode.INCOMPATIBLE_PROTOCOL || error.code === ErrorCode.VALIDATION_FAILED)
        ) {
          const reason =
            error.code === ErrorCode.INCOMPATIBLE_PROTOCOL
              ? `the manager refuses protocol ${PROTOCOL_VERSION} / SDK ${SDK_VERSION}`
              : 'the manager refuses the job definitions';
          this.options.logger.error(`registration stopped: ${reason}: ${error.message}`);
          throw new ChaconneWorkerError(`registration refused: ${error.message}`);
        }
        if (attempt === 0) {
          this.options.logger.warn(
            `cannot register with the manager at ${this.options.managerUrl} (${describe(error)}); retrying every ${this.options.retryBackoff.maxMs / 1000} s at most until it answers`,
          );
        }
        await sleep(backoffDelay(attempt, this.options.retryBackoff), signal);
      }
    }
  }

  private onRegistered(response: RegisterResponse): void {
    this.registered = true;
    this.reports.useBatchLimit(response.reportBatchLimit);
    const interval = response.heartbeatIntervalMs;
    if (typeof interval === 'number' && Number.isFinite(interval)) {
      this.heartbeatIntervalMs = Math.max(MIN_HEARTBEAT_MS, interval);
    }
    this.scheduleHeartbeat();
  }

  private scheduleHeartbeat(): void {
    if (this.stopping.signal.aborted) return;
    clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = setTimeout(() => {
      this.heartbeatTimer = undefined;
      this.track(this.heartbeat());
    }, this.heartbeatIntervalMs);
    this.heartbeatTimer.unref();
  }

  private heartbeatBody(): HeartbeatRequest {
    return {
      instanceId: this.instanceId,
      // Counted apart: runs started and not yet reported, runs held and runs waiting for a slot.
      activeRuns: this.runs.size - this.held.size - this.waiting.size,
      draining: this.draining,
      capacity: this.registry.capacity(),
      heldRuns: this.held.size,
      waitingRuns: this.waiting.size,
    };
  }

  private async heartbeat(): Promise<void> {
    const signal = this.stopping.signal;
    let known = true;
    try {
      const response = await this.transport.post<HeartbeatResponse>(
        ManagerRoutes.heartbeat,
        this.heartbeatBody(),
        signal,
      );
      if (this.heartbeatFailures > 0) this.options.logger.log('heartbeats reach the manager again');
      this.heartbeatFailures = 0;
      known = response.known;
    } catch (error) {
      if (signal.aborted) return;
      if (this.heartbeatFailures === 0) this.options.logger.warn(`heartbeat failed: ${describe(error)}`);
      this.heartbeatFailures++;
    }
    if (!known) {
      this.registered = false;
      this.options.logger.warn(
        'the manager does not know this instance (restarted or expired it); registering again',
      );
      try {
        this.registration = {
          ...(this.registration ?? this.buildRegistration({})),
          jobs: this.registry.declarations(),
        };
        this.onRegistered(await this.registerUntilAccepted());
        this.options.logger.log(`registered again as ${this.instanceId}`);
      } catch {
        // closed, or refused for good (already logged)
      }
      return;
    }
    this.scheduleHeartbeat();
  }

  // ---- runs ----

  private acceptRun(request: RunRequest): RunAcceptance {
    if (this.draining) return { outcome: 'draining' };
    const job = this.registry.find(request.jobKey.jobClassName);
    if (!job) return { outcome: 'no-handler' };
    if (this.recentRunIds.has(request.runId)) return { outcome: 'duplicate' };
    const startInMs = request.startInMs ?? 0;
    const queued = this.queues.get(job.jobClassName)?.length ?? 0;
    // A run sent ahead is not weighed against the slots of now: it takes its turn when due.
    // Not remembered as seen: the manager may dispatch this run here again later.
    if (startInMs === 0 && !this.hasFreeSlot(job) && queued >= this.waitLimit(job)) {
      return { outcome: 'at-capacity', limit: job.concurrency, waiting: queued };
    }
    this.recentRunIds.add(request.runId);
    const done = this.superviseRun(job, request, startInMs).finally(() => {
      this.runs.delete(request.runId);
    });
    this.runs.set(request.runId, done);
    return { outcome: 'accepted' };
  }

  /** The most runs of the job that may wait here for a slot (beyond that: 429). */
  private waitLimit(job: RegisteredJob): number {
    return this.options.maxWaitingRunsPerJob ?? defaultWaitLimit(job.concurrency);
  }

  private hasFreeSlot(job: RegisteredJob): boolean {
    return (
      (this.runningByJob.get(job.jobClassName) ?? 0) < job.concurrency && !this.queues.has(job.jobClassName)
    );
  }

  /** From acceptance to report: waits for a slot, runs, reports; or reports why it never started. */
  private async superviseRun(job: RegisteredJob, request: RunRequest, startInMs: number): Promise<void> {
    const { runId } = request;
    const start = await new Promise<RunStart>((begin) => {
      const run: PendingRun = { runId, job, queuedAt: 0, begin };
      if (startInMs > 0) this.hold(run, performance.now() + startInMs);
      else this.admit(run);
    });
    if ('skipped' in start) await this.reportUnstarted(runId, start.skipped);
    else await this.runAndReport(job, request, start.waitedMs);
  }

  /**
   * Holds a run sent ahead until `dueAt`, then admits it. A timer may fire a little early
   * (it counts from the event loop's cached time, not from the moment it was set): it is
   * set again for what is left, so the handler never starts before its time.
   */
  private hold(run: PendingRun, dueAt: number): void {
    const fire = (): void => {
      const left = dueAt - performance.now();
      if (left > 0) {
        held.timer = setTimeout(fire, Math.ceil(left));
        return;
      }
      this.held.delete(run.runId);
      this.admit(run);
    };
    const held: HeldRun = { run, dueAt, timer: setTimeout(fire, Math.ceil(dueAt - performance.now())) };
    this.held.set(run.runId, held);
  }

  /** Takes a run out of the held ones or its job's wait queue; undefined when it is neither. */
  private unstarted(runId: number): PendingRun | undefined {
    const held = this.held.get(runId);
    if (!held) return this.unqueue(runId);
    clearTimeout(held.timer);
    this.held.delete(runId);
    return held.run;
  }

  /** Starts a due run in a free slot of its job, or queues it for the next one. */
  private admit(run: PendingRun): void {
    const { job } = run;
    if (this.hasFreeSlot(job)) {
      this.takeSlot(job);
      run.begin({ waitedMs: undefined });
      return;
    }
    run.queuedAt = performance.now();
    const queue = this.queues.get(job.jobClassName);
    if (queue) queue.push(run);
    else this.queues.set(job.jobClassName, [run]);
    this.waiting.set(run.runId, run);
  }

  private takeSlot(job: RegisteredJob): void {
    this.runningByJob.set(job.jobClassName, (this.runningByJob.get(job.jobClassName) ?? 0) + 1);
  }

  /** Frees a slot of the job and hands it to the run that has waited longest. */
  private releaseSlot(job: RegisteredJob): void {
    const running = (this.runningByJob.get(job.jobClassName) ?? 1) - 1;
    if (running > 0) this.runningByJob.set(job.jobClassName, running);
    else this.runningByJob.delete(job.jobClassName);
    const queue = this.queues.get(job.jobClassName);
    const next = queue?.shift();
    if (!next) return;
    if (queue?.length === 0) this.queues.delete(job.jobClassName);
    this.waiting.delete(next.runId);
    this.takeSlot(job);
    next.begin({ waitedMs: Math.round(performance.now() - next.queuedAt) });
  }

  /** Takes a run out of its job's wait queue; undefined when it is not waiting. */
  private unqueue(runId: number): PendingRun | undefined {
    const run = this.waiting.get(runId);
    if (!run) return undefined;
    this.waiting.delete(runId);
    const name = run.job.jobClassName;
    const queue = this.queues.get(name) ?? [];
    queue.splice(queue.indexOf(run), 1);
    if (queue.length === 0) this.queues.delete(name);
    return run;
  }

  /** Reports SKIPPED a run that was accepted and never started (cancelled, or shutting down). */
  private async reportUnstarted(runId: number, reason: string): Promise<void> {
    const now = new Date().toISOString();
    await this.reportUntilAccepted(runId, {
      instanceId: this.instanceId,
      runningState: RunningState.SKIPPED,
      reason,
      startedAt: now,
      finishedAt: now,
    });
  }

  /**
   * A run not started yet never starts: SKIPPED with the manager's reason. A running one has
   * its signal aborted with that reason: the handler and the FAILED report see it.
   */
  private cancelRun(runId: number, reason: string): boolean {
    const pending = this.unstarted(runId);
    if (pending) {
      pending.begin({ skipped: clipText(`cancelled before start: ${reason}`, ProtocolLimits.reasonChars) });
      return true;
    }
    const run = this.executing.get(runId);
    if (!run) return false;
    run.controller.abort(new RunAbortedError(reason));
    return true;
  }

  private async runAndReport(
    job: RegisteredJob,
    request: RunRequest,
    waitedMs: number | undefined,
  ): Promise<void> {
    const { runId } = request;
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
      this.releaseSlot(job);
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
        log: this.logs.openRun(runId, this.options.echoRunLogs ? this.options.logger : undefined),
        instanceId: this.instanceId,
      });
      if (waitedMs !== undefined) ctx.log.info(`waited ${waitedMs} ms for a free slot`);
      let outcome: RunOutcomeReport;
      try {
        // `forced` wins when close() gives up on the run (e.g. a hook that never returns).
        outcome = await Promise.race([
          executeRun(job, ctx, controller, request.timeoutMs, this.options.logger, (decided) => {
            run.decided = decided;
          }),
          forced,
        ]);
      } finally {
        settle();
        this.logs.endRun(runId);
      }
      const report: RunReport = {
        instanceId: this.instanceId,
        ...outcome,
        startedAt,
        finishedAt: new Date().toISOString(),
      };
      await this.reportUntilAccepted(runId, report);
    } catch (error) {
      settle();
      this.options.logger.error(`run ${runId}: unexpected SDK failure: ${describe(error)}`);
    }
  }

  /** Ships the run's logs, then its report, retrying until the manager takes both. */
  private async reportUntilAccepted(runId: number, report: RunReport): Promise<void> {
    const signal = this.stopping.signal;
    for (let attempt = 0; ; attempt++) {
      if (signal.aborted) {
        this.options.logger.error(
          `run ${runId}: report not delivered before shutdown; the manager will time the run out`,
        );
        return;
      }
      try {
        await this.logs.flushRun(runId, signal);
        await this.reports.send(runId, report);
        if (attempt > 0)
          this.options.logger.log(`run ${runId}: report delivered after ${attempt} failed attempts`);
        return;
      } catch (error) {
        if (isAborted(signal)) continue;
        if (isFinalRefusal(error)) {
          this.options.logger.warn(
            `run ${runId}: the manager refused the report, not resending: ${error.message}`,
          );
          return;
        }
        if (attempt === 0)
          this.options.logger.warn(`run ${runId}: cannot report yet (${describe(error)}); retrying`);
        await sleep(backoffDelay(attempt, this.options.retryBackoff), signal);
      }
    }
  }

  // ---- shutdown ----

  private async runClose(): Promise<void> {
    this.draining = true;
    const logger = this.options.logger;
    this.giveBackHeldBeyond(performance.now() + this.options.shutdownGraceMs);
    this.stopRegistering.abort();
    if (this.registered) {
      // Tell the manager at once, so it stops dispatching here while runs finish; tracked, so
      // it is settled before the deregistration below.
      this.track(this.sendOnce(ManagerRoutes.heartbeat, this.heartbeatBody()).then(() => undefined));
    }
    if (this.runs.size > 0) {
      logger.log(`closing: waiting up to ${this.options.shutdownGraceMs} ms for ${this.runs.size} run(s)`);
      if (!(await this.settleRuns(this.options.shutdownGraceMs))) {
        // First, so that the slots freed below are not handed to them.
        const unstarted = this.giveBackUnstarted();
        const executing = this.abortExecuting();
        if (unstarted + executing > 0) await this.settleRuns(FINAL_REPORT_WINDOW_MS);
      }
    }
    this.stopping.abort();
    clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
    await Promise.all([...this.runs.values(), ...this.background]);
    await this.starting?.catch(() => undefined);
    await this.logs.close(CLOSING_REQUEST_TIMEOUT_MS);
    if (this.registered) {
      const deregistered = await this.sendOnce(ManagerRoutes.deregister, { instanceId: this.instanceId });
      if (deregistered) logger.log(`deregistered ${this.instanceId}`);
      this.registered = false;
    }
    this.transport.close?.();
  }

  /**
   * Ends the held runs due after `limit` (beyond the grace period) at once, SKIPPED: the
   * manager learns it now rather than at the end of the drain.
   */
  private giveBackHeldBeyond(limit: number): void {
    const late = [...this.held.values()].filter((held) => held.dueAt > limit).map((held) => held.run.runId);
    for (const runId of late) this.unstarted(runId)?.begin({ skipped: SHUTDOWN_BEFORE_START_REASON });
    if (late.length > 0) {
      this.options.logger.warn(
        `closing: ${late.length} run(s) due after the grace period given back; reporting them SKIPPED`,
      );
    }
  }

  /** Ends every run accepted and not started: SKIPPED, the worker shuts down. Answers how many. */
  private giveBackUnstarted(): number {
    const unstarted = [...this.held.keys(), ...this.waiting.keys()];
    for (const runId of unstarted) this.unstarted(runId)?.begin({ skipped: SHUTDOWN_BEFORE_START_REASON });
    if (unstarted.length > 0) {
      this.options.logger.warn(
        `closing: ${unstarted.length} run(s) not started after the grace period; reporting them SKIPPED`,
      );
    }
    return unstarted.length;
  }

  /** Aborts every run still executing and reports it FAILED (or its known outcome). Answers how many. */
  private abortExecuting(): number {
    const count = this.executing.size;
    if (count === 0) return 0;
    this.options.logger.warn(
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
  private async settleRuns(timeoutMs: number): Promise<boolean> {
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

  /** One best-effort request while closing; false (with a warning) if it failed. */
  private async sendOnce(path: string, body: unknown): Promise<boolean> {
    try {
      await this.transport.post<unknown>(path, body, AbortSignal.timeout(CLOSING_REQUEST_TIMEOUT_MS));
      return true;
    } catch (error) {
      this.options.logger.warn(`closing: ${describe(error)}`);
      return false;
    }
  }

  private track(task: Promise<void>): void {
    const tracked = task.catch((error: unknown) => {
      this.options.logger.error(`background task failed: ${describe(error)}`);
    });
    this.background.add(tracked);
    void tracked.finally(() => this.background.delete(tracked));
  }

  private assertNotStarted(): void {
    if (this.starting || this.closing) {
      throw new ChaconneWorkerError('Register jobs before start(): the manager learns them at registration');
    }
  }
}
