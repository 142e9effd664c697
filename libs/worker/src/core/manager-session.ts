import {
  ErrorCode,
  ManagerRoutes,
  PROTOCOL_VERSION,
  type HeartbeatRequest,
  type HeartbeatResponse,
  type RegisterRequest,
  type RegisterResponse,
} from '@chaconne/contracts';
import { backoffDelay, isAborted, sleep } from './backoff';
import { ChaconneWorkerError, describeError, ManagerRequestError } from './errors';
import type { JobRegistry } from './job-registry';
import type { ManagerTransport } from './manager-client';
import { detectHostAddress, type ResolvedWorkerOptions } from './options';
import type { ReportSender } from './report-sender';
import type { RunCounts } from './run-supervisor';
import { SDK_VERSION } from './version';

/** Runtime facts an adapter knows only once the host server listens. */
export interface WorkerStartOptions {
  /** Port the host HTTP server listens on; used when `baseUrl` is not configured. */
  port?: number;
}

/** Timeout of the best-effort requests sent while closing (draining heartbeat, deregister). */
export const CLOSING_REQUEST_TIMEOUT_MS = 3_000;
/** Lowest heartbeat interval honoured, whatever the manager answers. */
const MIN_HEARTBEAT_MS = 50;

export interface ManagerSessionDeps {
  options: ResolvedWorkerOptions;
  transport: ManagerTransport;
  registry: JobRegistry;
  reports: ReportSender;
  /** What the heartbeats say about the runs and the drain. */
  status: () => RunCounts & { draining: boolean };
  /** Aborted at the end of close(): ends the heartbeats. */
  stopping: AbortSignal;
}

/**
 * This instance as the manager knows it: registration (retried until the manager answers),
 * heartbeats at the interval it asks for, registering again when it has forgotten the
 * instance, the draining heartbeat and the deregistration on shutdown.
 */
export class ManagerSession {
  private readonly startedAt = new Date().toISOString();
  /** Aborted as close() begins: a draining worker does not (re-)register. */
  private readonly registering = new AbortController();
  private readonly background = new Set<Promise<void>>();
  private registration: RegisterRequest | undefined;
  private registered = false;
  private heartbeatIntervalMs = 5_000;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private heartbeatFailures = 0;

  constructor(private readonly deps: ManagerSessionDeps) {}

  /** Whether the manager currently knows this instance. */
  get isRegistered(): boolean {
    return this.registered;
  }

  /** The base URL sent to the manager (known once registration began). */
  get baseUrl(): string | undefined {
    return this.registration?.baseUrl;
  }

  /**
   * Registers, retrying with backoff until the manager answers, then heartbeats. Rejects if
   * the manager refuses this worker for good or {@link stopRegistering} comes first.
   */
  async register(start: WorkerStartOptions): Promise<void> {
    const { options, registry } = this.deps;
    this.registration = this.buildRegistration(start);
    this.onRegistered(await this.registerUntilAccepted());
    options.logger.log(
      `registered with ${options.managerUrl} as ${options.instanceId} (${registry.size} jobs, reachable at ${this.registration.baseUrl})`,
    );
  }

  stopRegistering(): void {
    this.registering.abort();
  }

  /** Tells the manager at once that this instance drains, so it stops dispatching here. */
  announceDraining(): void {
    // Tracked, so it is settled before the deregistration.
    if (this.registered)
      this.track(this.sendOnce(ManagerRoutes.heartbeat, this.heartbeatBody()).then(() => undefined));
  }

  /** Stops the heartbeats (call once `stopping` is aborted) and waits for those in flight. */
  async stop(): Promise<void> {
    clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
    await Promise.all([...this.background]);
  }

  /** Deregisters this instance, best effort, if the manager knows it. */
  async deregister(): Promise<void> {
    if (!this.registered) return;
    const { instanceId } = this.deps.options;
    if (await this.sendOnce(ManagerRoutes.deregister, { instanceId }))
      this.deps.options.logger.log(`deregistered ${instanceId}`);
    this.registered = false;
  }

  private buildRegistration(start: WorkerStartOptions): RegisterRequest {
    const { options, registry } = this.deps;
    const port = options.port ?? start.port;
    let baseUrl = options.baseUrl;
    if (baseUrl === undefined) {
      if (port === undefined) {
        const error = new ChaconneWorkerError(
          'ChaconneWorker cannot tell the manager where to reach it: set options.baseUrl or options.port',
        );
        options.logger.error(error.message);
        throw error;
      }
      baseUrl = `http://${detectHostAddress()}:${port}`;
    }
    return {
      instanceId: options.instanceId,
      clusterName: options.clusterName,
      groupName: options.groupName,
      baseUrl,
      baseUrlSource: options.baseUrl === undefined ? 'detected' : 'configured',
      weight: options.weight,
      labels: options.labels,
      sdkVersion: SDK_VERSION,
      protocolVersion: PROTOCOL_VERSION,
      startedAt: this.startedAt,
      jobs: registry.declarations(),
    };
  }

  /** POST register until the manager answers; one warning per failure streak. */
  private async registerUntilAccepted(): Promise<RegisterResponse> {
    const { options, transport } = this.deps;
    const signal = this.registering.signal;
    const registration = this.registration;
    if (!registration) throw new ChaconneWorkerError('registration is not prepared');
    for (let attempt = 0; ; attempt++) {
      if (signal.aborted)
        throw new ChaconneWorkerError('ChaconneWorker closed before the manager accepted its registration');
      try {
        const response = await transport.post<RegisterResponse>(ManagerRoutes.register, registration, signal);
        if (attempt > 0)
          options.logger.log(`manager reachable again after ${attempt} failed registration attempts`);
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
          options.logger.error(`registration stopped: ${reason}: ${error.message}`);
          throw new ChaconneWorkerError(`registration refused: ${error.message}`);
        }
        if (attempt === 0) {
          options.logger.warn(
            `cannot register with the manager at ${options.managerUrl} (${describeError(error)}); retrying every ${options.retryBackoff.maxMs / 1000} s at most until it answers`,
          );
        }
        await sleep(backoffDelay(attempt, options.retryBackoff), signal);
      }
    }
  }

  private onRegistered(response: RegisterResponse): void {
    this.registered = true;
    this.deps.reports.useBatchLimit(response.reportBatchLimit);
    const interval = response.heartbeatIntervalMs;
    if (typeof interval === 'number' && Number.isFinite(interval)) {
      this.heartbeatIntervalMs = Math.max(MIN_HEARTBEAT_MS, interval);
    }
    this.scheduleHeartbeat();
  }

  private scheduleHeartbeat(): void {
    if (this.deps.stopping.aborted) return;
    clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = setTimeout(() => {
      this.heartbeatTimer = undefined;
      this.track(this.heartbeat());
    }, this.heartbeatIntervalMs);
    this.heartbeatTimer.unref();
  }

  private heartbeatBody(): HeartbeatRequest {
    const { draining, ...counts } = this.deps.status();
    return {
      instanceId: this.deps.options.instanceId,
      ...counts,
      draining,
      capacity: this.deps.registry.capacity(),
    };
  }

  private async heartbeat(): Promise<void> {
    const { options, transport, stopping: signal } = this.deps;
    let known = true;
    try {
      const response = await transport.post<HeartbeatResponse>(
        ManagerRoutes.heartbeat,
        this.heartbeatBody(),
        signal,
      );
      if (this.heartbeatFailures > 0) options.logger.log('heartbeats reach the manager again');
      this.heartbeatFailures = 0;
      known = response.known;
    } catch (error) {
      if (signal.aborted) return;
      if (this.heartbeatFailures === 0) options.logger.warn(`heartbeat failed: ${describeError(error)}`);
      this.heartbeatFailures++;
    }
    if (!known) {
      this.registered = false;
      options.logger.warn(
        'the manager does not know this instance (restarted or expired it); registering again',
      );
      try {
        this.registration = {
          ...(this.registration ?? this.buildRegistration({})),
          jobs: this.deps.registry.declarations(),
        };
        this.onRegistered(await this.registerUntilAccepted());
        options.logger.log(`registered again as ${options.instanceId}`);
      } catch {
        // closed, or refused for good (already logged)
      }
      return;
    }
    this.scheduleHeartbeat();
  }

  /** One best-effort request while closing; false (with a warning) if it failed. */
  private async sendOnce(path: string, body: unknown): Promise<boolean> {
    try {
      await this.deps.transport.post<unknown>(path, body, AbortSignal.timeout(CLOSING_REQUEST_TIMEOUT_MS));
      return true;
    } catch (error) {
      this.deps.options.logger.warn(`closing: ${describeError(error)}`);
      return false;
    }
  }

  private track(task: Promise<void>): void {
    const tracked = task.catch((error: unknown) => {
      this.deps.options.logger.error(`background task failed: ${describeError(error)}`);
    });
    this.background.add(tracked);
    void tracked.finally(() => this.background.delete(tracked));
  }
}
