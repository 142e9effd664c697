import type { JobKey, JobPersistParameter, WorkerJobDeclaration } from '@chaconne/contracts';
import { jobDefinitionProblems, jobKeySchema, schemaProblems } from '@chaconne/contracts/definition';
import { inWords } from './definition-check';
import { ChaconneWorkerError } from './errors';
import { toJson } from './message-format';
import type { ChacJobKey, DynamicJobOptions, Job, JobContext, JobHooks } from './job';
import { listenersProblem, type JobListener } from './job-listener';
import { runPolicyOf } from './run-policy';

/** A job this worker can run, whatever way it was registered. */
export interface RegisteredJob {
  readonly jobClassName: string;
  /** Code-defined jobs only. */
  readonly jobName: string | undefined;
  /** Who declared it, for error messages: a class name or `jobClassName`. */
  readonly source: string;
  readonly definition: JobPersistParameter | undefined;
  /** Most runs executing at once in this process; `Infinity` = unlimited. */
  readonly concurrency: number;
  /** Asked before each run: the worker's listeners, then the job's. */
  readonly listeners: readonly JobListener[];
  /** Call `onFailure` after a failed attempt that will be retried too. */
  readonly onFailureEveryAttempt: boolean;
  prepare(ctx: JobContext): unknown;
  shouldRun(ctx: JobContext): unknown;
  run(ctx: JobContext): unknown;
  onSuccess(ctx: JobContext, result: unknown): unknown;
  onFailure(ctx: JobContext, error: Error): unknown;
}

const sources = new WeakMap<object, string>();

/** Records who declared a job (e.g. the decorated class), for error messages. */
export function setRegistrationSource(job: Job, source: string): void {
  sources.set(job, source);
}

/** `Abc` -> `abc`: Chaconne's default job name for a class. */
export function lowerFirst(value: string): string {
  return value.charAt(0).toLowerCase() + value.slice(1);
}

/** The segment after the last `.`: `com.acme.EtlJob` -> `EtlJob`. */
export function simpleName(jobClassName: string): string {
  return jobClassName.slice(jobClassName.lastIndexOf('.') + 1);
}

/** A bad value as the error message shows it. */
function shown(value: unknown): string {
  return typeof value === 'number' ? String(value) : (toJson(value) ?? typeof value);
}

/** Problems of a `concurrency` value, in words (undefined = unlimited). */
export function concurrencyProblem(value: unknown): string | undefined {
  if (value === undefined || value === Infinity) return undefined;
  return typeof value === 'number' && Number.isInteger(value) && value >= 1
    ? undefined
    : `concurrency must be an integer >= 1 (got ${shown(value)})`;
}

/** A full contracts `JobKey` rather than a `@ChacJobKey`-style reference. */
function isFullJobKey(key: ChacJobKey | JobKey): key is JobKey {
  return 'jobClassName' in key;
}

/** The problems of the options every job style takes, in words. */
function executionProblems(options: DynamicJobOptions): string[] {
  return [concurrencyProblem(options.concurrency), listenersProblem(options.listeners, 'listeners')].filter(
    (problem) => problem !== undefined,
  );
}

/** What runs a job: its body and hooks, in the one form the worker calls. */
export type JobHandlers = Pick<RegisteredJob, 'run' | 'prepare' | 'shouldRun' | 'onSuccess' | 'onFailure'>;

/** The hooks an object declares (a Job, a NotManagedJob), bound to it; absent ones do nothing. */
export function boundHooks(
  job: JobHooks,
): Pick<RegisteredJob, 'prepare' | 'shouldRun' | 'onSuccess' | 'onFailure'> {
  return {
    prepare: (ctx) => job.prepare?.(ctx),
    shouldRun: (ctx) => (job.shouldRun ? job.shouldRun(ctx) : true),
    onSuccess: (ctx, result) => job.onSuccess?.(ctx, result),
    onFailure: (ctx, error) => job.onFailure?.(ctx, error),
  };
}

/**
 * The jobs of one worker, keyed by job class name. Rejects duplicates at registration
 * (naming both declarations) and finds a handler for an incoming job key.
 */
export class JobRegistry {
  private readonly byClassName = new Map<string, RegisteredJob>();
  private readonly byJobName = new Map<string, RegisteredJob>();

  constructor(
    private readonly clusterName: string,
    private readonly groupName: string,
    /** The worker's listeners, asked before those of each job. */
    private readonly globalListeners: readonly JobListener[] = [],
  ) {}

  /** Adds a code-defined job and builds the definition the manager will upsert. */
  addCodeDefined(job: Job): RegisteredJob {
    const named = job.jobClassName ?? job.jobName;
    const source = sources.get(job) ?? named ?? 'a Job object';
    if (typeof named !== 'string' || named.trim() === '') {
      throw new ChaconneWorkerError(
        `Job from ${source}: jobClassName (or jobName) is required: the manager dispatches runs by it`,
      );
    }
    const jobClassName = named;
    const jobName = job.jobName ?? lowerFirst(jobClassName);
    const definition: JobPersistParameter = {
      jobKey: { clusterName: this.clusterName, groupName: this.groupName, jobName, jobClassName },
      description: job.description ?? null,
      email: job.email ?? null,
      retries: job.retries ?? 0,
      timeout: job.timeout ?? -1,
      weight: job.weight ?? 100,
      dependentKeys: this.resolveKeys(job.dependentKeys),
      forkKeys: this.resolveKeys(job.forkKeys),
      completionRate: job.completionRate ?? -1,
      trigger: job.trigger,
      attachment: job.attachment ?? null,
      ...runPolicyOf(job),
    };
    // What the manager would refuse at registration, by the same schema, then the SDK's own.
    const refused = jobDefinitionProblems(definition);
    const problems = inWords(refused);
    if (typeof job.execute !== 'function') problems.push('execute must be a function');
    problems.push(...executionProblems(job));
    if (problems.length > 0) {
      throw new ChaconneWorkerError(`Invalid job "${jobName}" (${source}): ${problems.join('; ')}`, refused);
    }
    return this.add({
      ...this.execution(job),
      jobClassName,
      jobName,
      source,
      definition,
      run: (ctx) => job.execute(ctx),
      ...boundHooks(job),
    });
  }

  /**
   * Adds a dynamic job (no trigger; its definition lives in the manager), its handler
   * already in the core's form (the package root converts the dynamic job styles).
   */
  addDynamic(
    jobClassName: string,
    handlers: JobHandlers,
    options: DynamicJobOptions = {},
    source?: string,
  ): RegisteredJob {
    if (typeof jobClassName !== 'string' || jobClassName.trim() === '') {
      throw new ChaconneWorkerError('A dynamic job needs a non-empty job class name');
    }
    const [classProblem] = schemaProblems(jobKeySchema.shape.jobClassName, jobClassName);
    if (classProblem) throw new ChaconneWorkerError(`Dynamic job class name ${classProblem.reason}`);
    const problems = executionProblems(options);
    if (problems.length > 0) {
      throw new ChaconneWorkerError(`Dynamic job "${jobClassName}": ${problems.join('; ')}`);
    }
    return this.add({
      ...this.execution(options),
      jobClassName,
      jobName: undefined,
      source: source ?? jobClassName,
      definition: undefined,
      ...handlers,
    });
  }

  /**
   * The job for an incoming job class name: an exact match, else the only job whose simple
   * name matches (`com.acme.EtlJob` finds `EtlJob`). Ambiguous simple names match nothing.
   */
  find(jobClassName: string): RegisteredJob | undefined {
    const exact = this.byClassName.get(jobClassName);
    if (exact) return exact;
    const wanted = simpleName(jobClassName);
    const candidates = [...this.byClassName.values()].filter(
      (job) => simpleName(job.jobClassName) === wanted,
    );
    return candidates.length === 1 ? candidates[0] : undefined;
  }

  /** Every job, as declared at registration. */
  declarations(): WorkerJobDeclaration[] {
    return [...this.byClassName.values()].map((job) =>
      job.definition
        ? { jobClassName: job.jobClassName, definition: job.definition }
        : { jobClassName: job.jobClassName },
    );
  }

  get size(): number {
    return this.byClassName.size;
  }

  /**
   * The most runs this process takes at once: the sum of its jobs' concurrency limits, or
   * null when some job has none (or there are no jobs).
   */
  capacity(): number | null {
    let total = 0;
    for (const job of this.byClassName.values()) total += job.concurrency;
    return this.byClassName.size > 0 && Number.isFinite(total) ? total : null;
  }

  /** How this process runs the job's runs, from the options every job style takes. */
  private execution(
    options: DynamicJobOptions,
  ): Pick<RegisteredJob, 'concurrency' | 'listeners' | 'onFailureEveryAttempt'> {
    return {
      concurrency: options.concurrency ?? Infinity,
      listeners: [...this.globalListeners, ...(options.listeners ?? [])],
      onFailureEveryAttempt: options.onFailureEveryAttempt === true,
    };
  }

  /**
   * Full job keys from `@ChacJobKey`-style references; a missing or blank cluster/group is
   * ours. Anything else is left as it is, for the definition's check to name.
   */
  private resolveKeys(keys: readonly (ChacJobKey | JobKey)[] | null | undefined): JobKey[] | null {
    if (keys === undefined || keys === null) return null;
    if (!Array.isArray(keys)) return keys as unknown as JobKey[];
    const resolved = keys.map((key: ChacJobKey | JobKey): JobKey => {
      if (typeof key !== 'object' || (key as unknown) === null || isFullJobKey(key)) return key as JobKey;
      return {
        clusterName: key.cluster?.trim() ? key.cluster : this.clusterName,
        groupName: key.group?.trim() ? key.group : this.groupName,
        jobName: key.name,
        jobClassName: key.className,
      };
    });
    return resolved.length > 0 ? resolved : null;
  }

  private add(job: RegisteredJob): RegisteredJob {
    const sameClass = this.byClassName.get(job.jobClassName);
    if (sameClass) {
      throw new ChaconneWorkerError(
        `Duplicate job class "${job.jobClassName}": declared by ${sameClass.source} and by ${job.source}`,
      );
    }
    if (job.jobName !== undefined) {
      const sameName = this.byJobName.get(job.jobName);
      if (sameName) {
        throw new ChaconneWorkerError(
          `Duplicate job name "${job.jobName}": declared by ${sameName.source} and by ${job.source}`,
        );
      }
      this.byJobName.set(job.jobName, job);
    }
    this.byClassName.set(job.jobClassName, job);
    return job;
  }
}
