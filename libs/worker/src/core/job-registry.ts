import {
  freeTextCharacterProblem,
  IDENTIFIER_MAX_LENGTH,
  identifierProblem,
  JOB_DEFINITION_LIMITS,
  JOB_KEY_MAX_LENGTH,
  jobKeyProblems as keyPartProblems,
  labelProblems,
  TriggerType,
  type JobKey,
  type JobPersistParameter,
  type RunPolicy,
  type TriggerDefinition,
  type WorkerJobDeclaration,
} from '@chaconne/contracts';
import { ChaconneWorkerError } from './errors';
import { toJson } from './message-format';
import type {
  ChacJobKey,
  DynamicJobOptions,
  Job,
  JobContext,
  JobHandler,
  JobHooks,
  NotManagedJob,
  NotManagedJobClass,
} from './job';
import { listenersProblem, type JobListener } from './job-listener';
import { runPolicyOf } from './run-policy';
import { triggerProblems } from './trigger';

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

function isNotManagedJob(value: unknown): value is NotManagedJob {
  return (
    typeof value === 'object' && value !== null && typeof (value as NotManagedJob).execute === 'function'
  );
}

/**
 * A NotManagedJob class: `execute` on its prototype, or any `class` (whose `execute` may be
 * an instance field); a class cannot be called as a plain handler anyway.
 */
function isNotManagedJobClass(value: unknown): value is NotManagedJobClass {
  if (typeof value !== 'function') return false;
  const prototype: unknown = (value as { prototype?: unknown }).prototype;
  return (
    (typeof prototype === 'object' &&
      prototype !== null &&
      typeof (prototype as NotManagedJob).execute === 'function') ||
    /^class[\s{]/.test(Function.prototype.toString.call(value))
  );
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

/** Problems of a `completionRate` value, in words. */
export function completionRateProblem(value: unknown): string | undefined {
  if (value === undefined || value === null || value === -1) return undefined;
  return typeof value === 'number' && value >= 0 && value <= 1
    ? undefined
    : `completionRate must be a fraction between 0 and 1, or -1 (got ${shown(value)})`;
}

/** A full contracts `JobKey` rather than a `@ChacJobKey`-style reference. */
function isFullJobKey(key: ChacJobKey | JobKey): key is JobKey {
  return 'jobClassName' in key;
}

/** Problems of a job key reference, in words (the manager's rule for each part). */
export function jobKeyProblems(key: ChacJobKey | JobKey, field: string): string[] {
  if (typeof key !== 'object' || (key as unknown) === null) return [`${field} must be a job key`];
  if (isFullJobKey(key)) return keyPartProblems(key).map((p) => `${field}.${p.field} ${p.reason}`);
  const parts: [string, unknown, number][] = [
    ['name', key.name, JOB_KEY_MAX_LENGTH.jobName],
    ['className', key.className, JOB_KEY_MAX_LENGTH.jobClassName],
  ];
  // cluster and group default to the worker's own when left out or blank.
  if (typeof key.cluster === 'string' && key.cluster.trim() !== '')
    parts.push(['cluster', key.cluster, JOB_KEY_MAX_LENGTH.clusterName]);
  if (typeof key.group === 'string' && key.group.trim() !== '')
    parts.push(['group', key.group, JOB_KEY_MAX_LENGTH.groupName]);
  return parts.flatMap(([name, value, max]) => {
    const problem = identifierProblem(value, max);
    if (!problem) return [];
    return [
      problem === 'must not be empty' || problem === 'must be a string'
        ? `${field}.${name} is required`
        : `${field}.${name} ${problem}`,
    ];
  });
}

/** Problems of an integer option between `min` and `max`, in words (undefined = the default). */
function rangeProblem(
  value: unknown,
  field: string,
  min: number,
  max: number,
  hint: string,
): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
    ? undefined
    : `${field} must be ${hint} (got ${shown(value)})`;
}

/** The manager's rules for the names of a run policy: plugins, hash key, labels. */
function runPolicyNameProblems(policy: RunPolicy): string[] {
  const problems: string[] = [];
  const names: [string, unknown, number][] = [
    ['loadBalancer', policy.loadBalancer, IDENTIFIER_MAX_LENGTH.pluginName],
    ['terminationStrategy', policy.terminationStrategy, IDENTIFIER_MAX_LENGTH.pluginName],
    ['hashKey', policy.hashKey, IDENTIFIER_MAX_LENGTH.hashKey],
  ];
  for (const [field, value, max] of names) {
    const problem = value === undefined || value === null ? undefined : identifierProblem(value, max);
    if (problem) problems.push(`${field} ${problem}`);
  }
  for (const problem of labelProblems(policy.labels ?? {}))
    problems.push(`${problem.field}: ${problem.reason}`);
  return problems;
}

/** The limits of the fields of a definition the manager checks too, in words. */
function definitionProblems(job: Job): string[] {
  const limits = JOB_DEFINITION_LIMITS;
  const problems = [
    rangeProblem(job.retries, 'retries', 0, limits.maxRetries, `an integer from 0 to ${limits.maxRetries}`),
    rangeProblem(
      job.timeout,
      'timeout',
      -1,
      limits.maxTimeoutMs,
      `-1 (none) or a number of milliseconds up to ${limits.maxTimeoutMs} (7 days)`,
    ),
    rangeProblem(job.weight, 'weight', 0, limits.maxWeight, `an integer from 0 to ${limits.maxWeight}`),
  ].filter((problem) => problem !== undefined);
  const description = job.description;
  if (typeof description === 'string') {
    const characters = freeTextCharacterProblem(description);
    if (characters) problems.push(`description ${characters}`);
    if (description.length > limits.maxDescriptionLength)
      problems.push(`description must be at most ${limits.maxDescriptionLength} characters`);
  }
  return [...problems, ...runPolicyNameProblems(job)];
}

/** The problems of the options every job style takes, in words. */
function executionProblems(options: DynamicJobOptions): string[] {
  return [concurrencyProblem(options.concurrency), listenersProblem(options.listeners, 'listeners')].filter(
    (problem) => problem !== undefined,
  );
}

/** Hooks of a NotManagedJob (or any object declaring them), bound to it. */
function boundHooks(job: JobHooks): Pick<RegisteredJob, 'prepare' | 'shouldRun' | 'onSuccess' | 'onFailure'> {
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
    const problems: string[] = [];
    if (typeof job.execute !== 'function') problems.push('execute must be a function');
    const classProblem = identifierProblem(jobClassName, JOB_KEY_MAX_LENGTH.jobClassName);
    if (classProblem) problems.push(`jobClassName ${classProblem}`);
    const nameProblem = identifierProblem(jobName, JOB_KEY_MAX_LENGTH.jobName);
    if (nameProblem) problems.push(`jobName ${nameProblem}`);
    // Typed as required, but a JavaScript caller or a class field may leave it out.
    const trigger = job.trigger as TriggerDefinition | null | undefined;
    if (typeof trigger !== 'object' || trigger === null) problems.push('trigger is required');
    else problems.push(...triggerProblems(trigger));
    problems.push(...definitionProblems(job));
    problems.push(...executionProblems(job));
    const rate = completionRateProblem(job.completionRate);
    if (rate) problems.push(rate);
    const dependentKeys = this.resolveKeys(job.dependentKeys, 'dependentKeys', problems);
    const forkKeys = this.resolveKeys(job.forkKeys, 'forkKeys', problems);
    if (trigger?.triggerType === TriggerType.DEPENDENT && !dependentKeys && !forkKeys) {
      problems.push(
        'a DEPENDENT trigger needs upstream jobs (@ChacDependency / @ChacFork, or dependentKeys / forkKeys)',
      );
    }
    if (problems.length > 0) {
      throw new ChaconneWorkerError(`Invalid job "${jobName}" (${source}): ${problems.join('; ')}`);
    }
    const definition: JobPersistParameter = {
      jobKey: { clusterName: this.clusterName, groupName: this.groupName, jobName, jobClassName },
      description: job.description ?? null,
      email: job.email ?? null,
      retries: job.retries ?? 0,
      timeout: job.timeout ?? -1,
      weight: job.weight ?? 100,
      dependentKeys,
      forkKeys,
      completionRate: job.completionRate ?? -1,
      trigger: job.trigger,
      attachment: job.attachment ?? null,
      ...runPolicyOf(job),
    };
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
   * Adds a dynamic job (no trigger; its definition lives in the manager): a handler
   * function, a `NotManagedJob` instance, or a `NotManagedJob` class instantiated per run.
   */
  addDynamic(
    jobClassName: string,
    job: JobHandler | NotManagedJob | NotManagedJobClass,
    options: DynamicJobOptions = {},
    source?: string,
  ): RegisteredJob {
    if (typeof jobClassName !== 'string' || jobClassName.trim() === '') {
      throw new ChaconneWorkerError('A dynamic job needs a non-empty job class name');
    }
    const classProblem = identifierProblem(jobClassName, JOB_KEY_MAX_LENGTH.jobClassName);
    if (classProblem) throw new ChaconneWorkerError(`Dynamic job class name ${classProblem}`);
    const problems = executionProblems(options);
    if (problems.length > 0) {
      throw new ChaconneWorkerError(`Dynamic job "${jobClassName}": ${problems.join('; ')}`);
    }
    const base = {
      ...this.execution(options),
      jobClassName,
      jobName: undefined,
      source: source ?? jobClassName,
      definition: undefined,
    };
    if (isNotManagedJob(job)) {
      return this.add({ ...base, run: (ctx) => job.execute(ctx), ...boundHooks(job) });
    }
    if (typeof job !== 'function') {
      throw new ChaconneWorkerError(
        `Dynamic job "${jobClassName}" must be a function, a NotManagedJob or its class`,
      );
    }
    if (isNotManagedJobClass(job)) {
      // Chaconne instantiates a NotManagedJob by class name for every run; so do we.
      const instances = new WeakMap<JobContext, NotManagedJob>();
      const instanceFor = (ctx: JobContext): NotManagedJob => {
        let instance = instances.get(ctx);
        if (!instance) {
          instance = new job();
          instances.set(ctx, instance);
        }
        return instance;
      };
      return this.add({
        ...base,
        run: (ctx) => instanceFor(ctx).execute(ctx),
        prepare: (ctx) => instanceFor(ctx).prepare?.(ctx),
        shouldRun: (ctx) => {
          const instance = instanceFor(ctx);
          return instance.shouldRun ? instance.shouldRun(ctx) : true;
        },
        onSuccess: (ctx, result) => instanceFor(ctx).onSuccess?.(ctx, result),
        onFailure: (ctx, error) => instanceFor(ctx).onFailure?.(ctx, error),
      });
    }
    return this.add({ ...base, run: (ctx) => job(ctx), ...boundHooks({}) });
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

  /** Full job keys from `@ChacJobKey`-style references; a missing cluster/group is ours. */
  private resolveKeys(
    keys: readonly (ChacJobKey | JobKey)[] | null | undefined,
    field: string,
    problems: string[],
  ): JobKey[] | null {
    if (keys === undefined || keys === null) return null;
    if (!Array.isArray(keys)) {
      problems.push(`${field} must be an array of job keys`);
      return null;
    }
    if (keys.length > JOB_DEFINITION_LIMITS.maxDependencyKeys) {
      problems.push(
        `${field} may list at most ${JOB_DEFINITION_LIMITS.maxDependencyKeys} keys (got ${keys.length})`,
      );
      return null;
    }
    const resolved: JobKey[] = [];
    // Where each key was first listed: a key listed twice is refused, as the manager does.
    const firstIndex = new Map<string, number>();
    keys.forEach((key: ChacJobKey | JobKey, index) => {
      const keyProblems = jobKeyProblems(key, `${field}[${index}]`);
      problems.push(...keyProblems);
      if (keyProblems.length > 0) return;
      const full: JobKey = isFullJobKey(key)
        ? {
            clusterName: key.clusterName,
            groupName: key.groupName,
            jobName: key.jobName,
            jobClassName: key.jobClassName,
          }
        : {
            clusterName: key.cluster?.trim() ? key.cluster : this.clusterName,
            groupName: key.group?.trim() ? key.group : this.groupName,
            jobName: key.name,
            jobClassName: key.className,
          };
      // Identifiers hold no NUL, so this joins the four parts unambiguously.
      const identity = [full.clusterName, full.groupName, full.jobName, full.jobClassName].join('\u0000');
      const first = firstIndex.get(identity);
      if (first !== undefined) problems.push(`${field}[${index}] repeats ${field}[${first}]`);
      else firstIndex.set(identity, index);
      resolved.push(full);
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
