import type { JobKey, TriggerDefinition } from '@chaconne/contracts';

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

/** What a handler receives for one run. */
export interface JobContext {
  readonly jobKey: JobKey;
  readonly jobId: number;
  /** Stable id of this run; the same across re-sent requests. */
  readonly runId: number;
  /** 0 for the first attempt, then 1, 2, ... for retries. */
  readonly attempt: number;
  /** The job's parameter exactly as stored (JSON recommended), or null. */
  readonly attachment: string | null;
  /** The occurrence this run belongs to. */
  readonly plannedAt: Date;
  /** Aborts on timeout, on cancellation by the manager, and when the worker shuts down. */
  readonly signal: AbortSignal;
  readonly log: JobLogger;
}

/** A job body. Its return value (JSON-serialisable) becomes the run's result. */
export type JobHandler<TResult = unknown> = (ctx: JobContext) => TResult | Promise<TResult>;

/** Called after a run completed; errors it throws are logged, not fatal. */
export type SuccessHook = (ctx: JobContext, result: unknown) => unknown;

/** Called after a run failed (threw, timed out or was cancelled); errors it throws are logged. */
export type FailureHook = (ctx: JobContext, error: Error) => unknown;

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
export interface NotManagedJob {
  execute(ctx: JobContext): unknown;
  onSuccess?(ctx: JobContext, result: unknown): unknown;
  onFailure?(ctx: JobContext, error: Error): unknown;
}

/** A class of dynamic jobs, instantiated per run. */
export type NotManagedJobClass = new () => NotManagedJob;

/**
 * A code-defined job: its definition (trigger included) is sent to the manager at
 * registration and upserted there, so the schedule lives in code. Decorated classes are
 * turned into one with `jobFromInstance`.
 *
 * @example
 * worker.addJob({
 *   jobClassName: 'NightlyReport',
 *   trigger: { triggerType: TriggerType.CRON, triggerDescription: { cron: { expression: '0 0 2 * * ?' } } },
 *   run: async (ctx) => buildReport(ctx.signal),
 * });
 */
export interface JobRegistration {
  /**
   * The job name (third part of the job key).
   * @defaultValue `jobClassName` with a lower-case first letter
   */
  name?: string;
  /** The job class name the manager dispatches by (fourth part of the job key). */
  jobClassName: string;
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
  /** Upstream jobs of a serial dependency. @defaultValue null */
  dependentKeys?: JobKey[] | null;
  /** Fork children of a parallel dependency. @defaultValue null */
  forkKeys?: JobKey[] | null;
  /** Fork/join completion rate; -1 = all. @defaultValue -1 */
  completionRate?: number | null;
  trigger: TriggerDefinition;
  run: JobHandler;
  onSuccess?: SuccessHook;
  onFailure?: FailureHook;
}
