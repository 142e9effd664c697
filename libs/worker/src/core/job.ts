import type { JobKey, RunPolicy, TriggerDefinition } from '@chaconne/contracts';
import type { JobListener } from './job-listener';

/**
 * A run's logger. Lines go to the manager (shown in the console under the run), never
 * block the handler, and take SLF4J-style `{}` placeholders.
 *
 * @example
 * ctx.log.info('JobKey:{}, Parameter: {}', ctx.jobKey, ctx.attachment);
 * ctx.log.error('load failed for {}', table, error); // the error's stack is appended
 */
export interface JobLogger {
  trace(message: string, ...args: unknown[]): void;
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(message: string, ...args: unknown[]): void;
}

/** What a handler (and every hook) receives for one run. */
export interface JobContext {
  readonly jobKey: JobKey;
  readonly jobId: number;
  /** Stable id of this run; the same across re-sent requests. */
  readonly runId: number;
  /** 0 for the first attempt, then 1, 2, ... for retries. */
  readonly attempt: number;
  /** The job's retries: the attempt numbered `retries` is the last one. */
  readonly retries: number;
  /** `attempt >= retries`: the manager will not retry this run if it fails. */
  readonly isLastAttempt: boolean;
  /** The job's parameter exactly as stored (JSON recommended), or null. */
  readonly attachment: string | null;
  /** The occurrence this run belongs to. */
  readonly plannedAt: Date;
  /**
   * Aborts on timeout (reason: a `RunTimeoutError`), on cancellation by the manager and when
   * the worker shuts down (a `RunAbortedError` whose message says why, e.g. `replaced by run 42`).
   */
  readonly signal: AbortSignal;
  readonly log: JobLogger;
  /** This worker's instance id (as the manager's worker list shows it). */
  readonly instanceId: string;
}

/** A job body. Its return value (JSON-serialisable) becomes the run's result. */
export type JobHandler<TResult = unknown> = (ctx: JobContext) => TResult | Promise<TResult>;

/**
 * The answer of a `shouldRun` hook: `true` runs the job; `false` skips the run (reported
 * SKIPPED with the reason `shouldRun returned false`); a string skips it with that string
 * as the reason.
 */
export type ShouldRunResult = boolean | string;

/**
 * The hooks every job style may declare, called in this order for a run:
 * the listeners' `beforeRun` -> `prepare` -> `shouldRun` -> the body -> `onSuccess`
 * (COMPLETED) or `onFailure` (FAILED, on the last attempt by default).
 * A skipped run (SKIPPED), a run whose code threw `JobTerminationError` and a run a
 * {@link JobListener} terminated (both FINISHED) call neither `onSuccess` nor `onFailure`.
 * An error thrown by a listener, `prepare` or `shouldRun` fails the run; one thrown by
 * `onSuccess`/`onFailure` is logged and does not change the outcome.
 */
export interface JobHooks {
  /** Runs before `shouldRun` and the body (open connections, load state, ...). */
  prepare?(ctx: JobContext): unknown;
  /** Decides whether this run goes ahead; see {@link ShouldRunResult}. */
  shouldRun?(ctx: JobContext): ShouldRunResult | Promise<ShouldRunResult>;
  /** Called after a completed run with the body's result. */
  onSuccess?(ctx: JobContext, result: unknown): unknown;
  /**
   * Called with the error when a run failed (threw, timed out, cancelled) and the manager
   * will not retry it: on the last attempt (`ctx.isLastAttempt`) or after a
   * `NonRetryableError`. A failed attempt that will be retried does not call it, so an alert
   * sent from here goes out once per failed run, not once per attempt; set the job's
   * `onFailureEveryAttempt` to be called after every failed attempt.
   */
  onFailure?(ctx: JobContext, error: Error): unknown;
}

/**
 * Another job, as Chaconne's `@ChacJobKey` names it in `@ChacDependency` and `@ChacFork`.
 * A missing (or empty) `cluster` or `group` means this worker's own.
 *
 * @example
 * { name: 'demoTaskOne', className: 'DemoTaskOne' }
 * { group: 'billing', name: 'invoiceExport', className: 'com.acme.InvoiceExport' }
 */
export interface ChacJobKey {
  /** @defaultValue the worker's `clusterName` */
  cluster?: string;
  /** @defaultValue the worker's `groupName` */
  group?: string;
  /** The job name (third part of the job key). */
  name: string;
  /** The job class name (fourth part of the job key). */
  className: string;
}

/**
 * A code-defined job (Chaconne's `Job` interface): its definition and its body in one
 * object, registered with `worker.addJob(job)`. The definition (trigger included) is sent
 * to the manager at registration and upserted there, so the schedule lives in code.
 * An object literal or an instance of a class implementing it both work; a class instance
 * gets its class name as the default `jobClassName`, and `@ChacDependency`/`@ChacFork` on
 * the class are read too. The run-policy fields (`clusterMode`, `loadBalancer`,
 * `overlapPolicy`, `retryBackoff`, ...) go into the definition as given; unset ones take the
 * manager's defaults.
 *
 * @example
 * worker.addJob({
 *   jobClassName: 'NightlyReport',
 *   trigger: { triggerType: TriggerType.CRON, triggerDescription: { cron: { expression: '0 0 2 * * ?' } } },
 *   retries: 2,
 *   overlapPolicy: OverlapPolicy.QUEUE_ONE,
 *   retryBackoff: { policy: BackoffPolicy.EXPONENTIAL, delayMs: 5_000 },
 *   execute: (ctx) => buildReport(ctx.signal),
 *   shouldRun: () => !isHoliday(new Date()) || 'holiday',
 * });
 */
export interface Job extends JobHooks, RunPolicy {
  /**
   * The job name (third part of the job key).
   * @defaultValue `jobClassName` with a lower-case first letter
   */
  jobName?: string;
  /**
   * The job class name the manager dispatches by (fourth part of the job key).
   * @defaultValue the class name of the object, else `jobName`
   */
  jobClassName?: string;
  /** When the job runs. Use a SIMPLE trigger without `startDate` for "on demand only". */
  trigger: TriggerDefinition;
  /** @defaultValue null */
  description?: string | null;
  /** Comma-separated alert recipients. @defaultValue null */
  email?: string | null;
  /** Retries after a failed run. @defaultValue 0 */
  retries?: number;
  /** Milliseconds before the run is aborted and reported FAILED; -1 = none. @defaultValue -1 */
  timeout?: number;
  /** Weight in fork/join completion rates. @defaultValue 100 */
  weight?: number;
  /** The job's initial parameter, passed to the handler as `ctx.attachment`. @defaultValue null */
  attachment?: string | null;
  /** Upstream jobs of a serial dependency (Chaconne's `dependentKeys`). @defaultValue null */
  dependentKeys?: readonly (ChacJobKey | JobKey)[] | null;
  /** Fork children of a parallel dependency (Chaconne's `forkKeys`). @defaultValue null */
  forkKeys?: readonly (ChacJobKey | JobKey)[] | null;
  /** Fork/join completion rate, a fraction 0-1; -1 = any. @defaultValue -1 */
  completionRate?: number | null;
  /**
   * Most runs of this job executing at once in this process. A run arriving at the limit waits
   * for a free slot (`maxWaitingRunsPerJob`), or, that queue full, is refused with 429
   * (`RATE_LIMITED`) and the manager dispatches it to another instance.
   * @defaultValue unlimited
   */
  concurrency?: number;
  /**
   * Call `onFailure` after every failed attempt, not only when the run will not be retried.
   * @defaultValue false
   */
  onFailureEveryAttempt?: boolean;
  /**
   * Listeners asked before each run of this job, after the worker's own (its `listeners`
   * option); see {@link JobListener}.
   * @defaultValue []
   */
  listeners?: readonly JobListener[];
  /** The body. Its return value (JSON-serialisable) becomes the run's result. */
  execute(ctx: JobContext): unknown;
}

/**
 * A dynamic job (Chaconne's `NotManagedJob`): its definition lives in the manager
 * (created through the admin API, client or console); the worker only knows how to run it.
 * Register the class by name with `worker.addDynamicJob(EtlJob)`; it is instantiated for
 * every run, so it needs a no-argument constructor.
 *
 * @example
 * class EtlJob implements NotManagedJob {
 *   execute(ctx: JobContext) {
 *     ctx.log.info('JobKey:{}, Parameter: {}', ctx.jobKey, ctx.attachment);
 *     return { rows: 42 };
 *   }
 * }
 */
export interface NotManagedJob extends JobHooks {
  execute(ctx: JobContext): unknown;
}

/** A class of dynamic jobs, instantiated per run. */
export type NotManagedJobClass = new () => NotManagedJob;

/**
 * Options of `worker.addDynamicJob()`: how this process runs the job (see {@link Job}); its
 * definition, run policy included, lives in the manager.
 */
export type DynamicJobOptions = Pick<Job, 'concurrency' | 'onFailureEveryAttempt' | 'listeners'>;
