import type { JobKey, RunPolicy, TriggerDefinition } from '@chaconne/contracts';
import type { ChacJobKey, JobContext, ShouldRunResult } from './core/job';
import type { JobListener } from './core/job-listener';
import { lowerFirst } from './core/job-registry';
import { onDemandTrigger } from './core/trigger';
import { declaredDependencies } from './decorators';

// Symbol.for: recognised even if the SDK is loaded twice (sources and dist).
const MANAGED_JOB = Symbol.for('chaconne.worker.managedJob');

/**
 * A code-defined job as a class (Chaconne's `ManagedJob`): implement `execute(ctx)`, override
 * the getters whose defaults do not fit, and register an instance with
 * `worker.addJob(new MyJob())` (in NestJS, list it as a provider: the module discovers it).
 * The definition is read from the getters once, at registration. `@ChacDependency` and
 * `@ChacFork` on the subclass declare its dependencies.
 *
 * @example
 * export class HealthCheckJob extends ManagedJob {
 *   override getTrigger(): TriggerDefinition {
 *     return { triggerType: TriggerType.CRON, triggerDescription: { cron: { expression: '*\/5 * * * * ?' } } };
 *   }
 *   override getTimeout(): number { return 60_000; }
 *   execute(ctx: JobContext): number { return process.memoryUsage().rss; }
 *   override onSuccess(ctx: JobContext, result: unknown): void { ctx.log.info('rss: {}', result); }
 * }
 */
export abstract class ManagedJob {
  /** The body. Its return value (JSON-serialisable) becomes the run's result. */
  abstract execute(ctx: JobContext): unknown;

  /** The job class name the manager dispatches by. @defaultValue the class name */
  getJobClassName(): string {
    return this.constructor.name;
  }

  /** The job name. @defaultValue the class name with a lower-case first letter */
  getName(): string {
    return lowerFirst(this.constructor.name);
  }

  /** When the job runs. @defaultValue SIMPLE without a start date: on demand only */
  getTrigger(): TriggerDefinition {
    return onDemandTrigger();
  }

  /** @defaultValue null */
  getDescription(): string | null {
    return null;
  }

  /** Comma-separated alert recipients. @defaultValue null */
  getEmail(): string | null {
    return null;
  }

  /** Retries after a failed run. @defaultValue 0 */
  getRetries(): number {
    return 0;
  }

  /** Milliseconds before a run is aborted and reported FAILED; -1 = none. @defaultValue -1 */
  getTimeout(): number {
    return -1;
  }

  /** Weight in fork/join completion rates. @defaultValue 100 */
  getWeight(): number {
    return 100;
  }

  /** The initial parameter, passed as `ctx.attachment`. @defaultValue null */
  getAttachment(): string | null {
    return null;
  }

  /**
   * Most runs of this job executing at once in this process; a run arriving at the limit waits
   * for a free slot (`maxWaitingRunsPerJob`), or, that queue full, is refused with 429 and the
   * manager dispatches it to another instance.
   * @defaultValue Infinity (unlimited)
   */
  getConcurrency(): number {
    return Infinity;
  }

  /**
   * The job's run policy: cluster mode, load balancer, required worker labels, retry
   * backoff, overlap and misfire policies, failure and timeout limits.
   * @defaultValue `{}`: the manager's defaults (`DEFAULT_RUN_POLICY`)
   *
   * @example
   * override getRunPolicy(): RunPolicy {
   *   return { clusterMode: ClusterMode.MASTER_STANDBY, overlapPolicy: OverlapPolicy.QUEUE_ONE };
   * }
   */
  getRunPolicy(): RunPolicy {
    return {};
  }

  /** Listeners asked before each run, after the worker's own; see {@link JobListener}. @defaultValue [] */
  getListeners(): readonly JobListener[] {
    return [];
  }

  /**
   * Call {@link onFailure} after every failed attempt, not only when the run will not be retried.
   * @defaultValue false
   */
  getOnFailureEveryAttempt(): boolean {
    return false;
  }

  /** Upstream jobs of a serial dependency. @defaultValue the keys of `@ChacDependency`, else null */
  getDependentKeys(): readonly (ChacJobKey | JobKey)[] | null {
    return declaredDependencies(this.constructor).dependentKeys;
  }

  /** Fork children of a parallel dependency. @defaultValue the keys of `@ChacFork`, else null */
  getForkKeys(): readonly (ChacJobKey | JobKey)[] | null {
    return declaredDependencies(this.constructor).forkKeys;
  }

  /** Fork/join completion rate (0-1, -1 = any). @defaultValue `@ChacFork`'s, else -1 */
  getCompletionRate(): number {
    return declaredDependencies(this.constructor).completionRate ?? -1;
  }

  /** Called before each run, before {@link shouldRun}. */
  prepare(_ctx: JobContext): unknown {
    return undefined;
  }

  /** `false` or a string (the reason) skips the run: it is reported SKIPPED. @defaultValue true */
  shouldRun(_ctx: JobContext): ShouldRunResult | Promise<ShouldRunResult> {
    return true;
  }

  /** Called after each completed run with its result. */
  onSuccess(_ctx: JobContext, _result: unknown): unknown {
    return undefined;
  }

  /**
   * Called with the error after a failed run (threw, timed out, cancelled) that will not be
   * retried: its last attempt, or a `NonRetryableError`; see {@link getOnFailureEveryAttempt}.
   */
  onFailure(_ctx: JobContext, _error: Error): unknown {
    return undefined;
  }
}

Object.defineProperty(ManagedJob.prototype, MANAGED_JOB, { value: true });

/** Whether a value is an instance of a {@link ManagedJob} subclass. */
export function isManagedJob(value: unknown): value is ManagedJob {
  return (
    value instanceof ManagedJob ||
    (typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MANAGED_JOB] === true)
  );
}
