import { ErrorCode, type WorkerJobDeclaration } from '@chaconne/contracts';
import { ChaconneWorkerError, describeError } from './core/errors';
import type { WorkerHttpRequest, WorkerHttpResponse } from './core/http';
import type { DynamicJobOptions, Job, JobHandler, NotManagedJob, NotManagedJobClass } from './core/job';
import { JobRegistry } from './core/job-registry';
import { LogShipper } from './core/log-shipper';
import { ManagerClient, type ManagerTransport } from './core/manager-client';
import { CLOSING_REQUEST_TIMEOUT_MS, ManagerSession, type WorkerStartOptions } from './core/manager-session';
import { resolveWorkerOptions, type ChaconneWorkerOptions, type ResolvedWorkerOptions } from './core/options';
import { ReportSender } from './core/report-sender';
import { RequestHandler } from './core/request-handler';
import { RunSupervisor, SHUTDOWN_BEFORE_START_REASON, SHUTDOWN_REASON } from './core/run-supervisor';
import { dynamicJobHandlers } from './dynamic-job';
import type { ManagedJob } from './managed-job';
import { toJob } from './to-job';

export { SHUTDOWN_BEFORE_START_REASON, SHUTDOWN_REASON };
export type { WorkerStartOptions };

/**
 * The Chaconne worker: registers this process's jobs with the manager, keeps it informed
 * with heartbeats, serves the signed run endpoints through {@link ChaconneWorker.handle},
 * runs handlers with a context (log, signal, timeout) and reports every outcome. A facade:
 * the job styles become the core's {@link Job} here, the manager session and the run
 * supervisor (`core/`) do the rest.
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
  private readonly supervisor: RunSupervisor;
  private readonly session: ManagerSession;
  private readonly endpoints: RequestHandler;
  /** Aborted at the end of close(): ends every retry loop and the heartbeats. */
  private readonly stopping = new AbortController();
  private resolveReady: () => void = () => undefined;
  private rejectReady: (error: Error) => void = () => undefined;
  private starting: Promise<void> | undefined;
  private closing: Promise<void> | undefined;

  constructor(options: ChaconneWorkerOptions) {
    this.options = resolveWorkerOptions(options);
    const { logger, clusterName, groupName } = this.options;
    this.instanceId = this.options.instanceId;
    this.registry = new JobRegistry(clusterName, groupName, this.options.listeners);
    this.transport = new ManagerClient({
      managerUrl: this.options.managerUrl,
      secret: this.options.secret,
      timeoutMs: this.options.requestTimeoutMs,
    });
    this.logs = new LogShipper(
      { transport: this.transport, instanceId: this.instanceId, logger, backoff: this.options.retryBackoff },
      this.options.logShipping,
    );
    const reports = new ReportSender(this.transport, this.stopping.signal);
    this.supervisor = new RunSupervisor({
      instanceId: this.instanceId,
      registry: this.registry,
      logs: this.logs,
      reports,
      logger,
      echoRunLogs: this.options.echoRunLogs,
      retryBackoff: this.options.retryBackoff,
      maxWaitingRunsPerJob: this.options.maxWaitingRunsPerJob,
      stopping: this.stopping.signal,
    });
    this.session = new ManagerSession({
      options: this.options,
      transport: this.transport,
      registry: this.registry,
      reports,
      status: () => ({ ...this.supervisor.counts, draining: this.supervisor.draining }),
      stopping: this.stopping.signal,
    });
    this.endpoints = new RequestHandler(
      this.options.secret,
      { instanceId: this.instanceId, clusterName, groupName },
      this.supervisor,
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
      const job = jobOrOptions as JobHandler | NotManagedJob | NotManagedJobClass;
      this.registry.addDynamic(nameOrClass, dynamicJobHandlers(nameOrClass, job), options);
    } else {
      this.registry.addDynamic(
        nameOrClass.name,
        dynamicJobHandlers(nameOrClass.name, nameOrClass),
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

  /** Runs accepted and not yet reported (held and waiting ones included). */
  get activeRuns(): number {
    return this.supervisor.size;
  }

  /** Whether the manager currently knows this instance. */
  get isRegistered(): boolean {
    return this.session.isRegistered;
  }

  /** The base URL sent to the manager (known once `start()` has been called). */
  get baseUrl(): string | undefined {
    return this.session.baseUrl;
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
      this.options.logger.error(`request handling failed: ${describeError(error)}`);
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
   * 1. refuses new runs with 503, reports SKIPPED ({@link SHUTDOWN_BEFORE_START_REASON}) the
   *    runs sent ahead whose start time is after the grace period, and tells the manager at
   *    once that this instance is draining (a heartbeat with `draining: true`, not at the
   *    next interval);
   * 2. lets the accepted runs (in flight, held or waiting for a slot) start and finish within
   *    `shutdownGraceMs`, shipping their logs and reports;
   * 3. at the end of the grace period, reports the runs not started yet SKIPPED
   *    ({@link SHUTDOWN_BEFORE_START_REASON}), aborts the runs still going and reports them
   *    FAILED with the reason {@link SHUTDOWN_REASON} (never silently lost);
   * 4. deregisters and stops every timer.
   * Idempotent. Adapters that own the HTTP server close it after this.
   */
  close(): Promise<void> {
    this.closing ??= this.runClose();
    return this.closing;
  }

  private async runStart(options: WorkerStartOptions): Promise<void> {
    try {
      await this.session.register(options);
      this.resolveReady();
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      this.rejectReady(failure);
      throw failure;
    }
  }

  private async runClose(): Promise<void> {
    const { shutdownGraceMs } = this.options;
    this.session.stopRegistering();
    this.supervisor.stopAccepting(shutdownGraceMs);
    this.session.announceDraining();
    await this.supervisor.drain(shutdownGraceMs);
    this.stopping.abort();
    await Promise.all([this.supervisor.whenIdle(), this.session.stop()]);
    await this.starting?.catch(() => undefined);
    await this.logs.close(CLOSING_REQUEST_TIMEOUT_MS);
    await this.session.deregister();
    this.transport.close?.();
  }

  private assertNotStarted(): void {
    if (this.starting || this.closing) {
      throw new ChaconneWorkerError('Register jobs before start(): the manager learns them at registration');
    }
  }
}
