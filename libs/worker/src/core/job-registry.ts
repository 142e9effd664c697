import type { JobPersistParameter, WorkerJobDeclaration } from '@chaconne/contracts';
import { ChaconneWorkerError } from './errors';
import type {
  FailureHook,
  JobContext,
  JobHandler,
  JobRegistration,
  NotManagedJob,
  NotManagedJobClass,
  SuccessHook,
} from './job';
import { triggerProblems } from './trigger';

/** A job this worker can run, whatever way it was registered. */
export interface RegisteredJob {
  readonly jobClassName: string;
  /** Code-defined jobs only. */
  readonly jobName: string | undefined;
  /** Who declared it, for error messages: a class name or `jobClassName`. */
  readonly source: string;
  readonly definition: JobPersistParameter | undefined;
  run(ctx: JobContext): unknown;
  onSuccess(ctx: JobContext, result: unknown): unknown;
  onFailure(ctx: JobContext, error: Error): unknown;
}

const sources = new WeakMap<object, string>();

/** Records who declared a registration (e.g. the decorated class), for error messages. */
export function setRegistrationSource(registration: JobRegistration, source: string): void {
  sources.set(registration, source);
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
 * The jobs of one worker, keyed by job class name. Rejects duplicates at registration
 * (naming both declarations) and finds a handler for an incoming job key.
 */
export class JobRegistry {
  private readonly byClassName = new Map<string, RegisteredJob>();
  private readonly byJobName = new Map<string, RegisteredJob>();

  constructor(
    private readonly clusterName: string,
    private readonly groupName: string,
  ) {}

  /** Adds a code-defined job and builds the definition the manager will upsert. */
  addCodeDefined(registration: JobRegistration): RegisteredJob {
    const source = sources.get(registration) ?? registration.jobClassName;
    const jobClassName = registration.jobClassName as unknown;
    if (typeof jobClassName !== 'string' || jobClassName.trim() === '') {
      throw new ChaconneWorkerError(`Job from ${source}: jobClassName is required`);
    }
    const jobName = registration.name ?? lowerFirst(jobClassName);
    const problems = triggerProblems(registration.trigger);
    if (typeof registration.run !== 'function') problems.push('run must be a function');
    if (jobName.trim() === '') problems.push('name must not be empty');
    if (problems.length > 0) {
      throw new ChaconneWorkerError(`Invalid job "${jobName}" (${source}): ${problems.join('; ')}`);
    }
    const definition: JobPersistParameter = {
      jobKey: { clusterName: this.clusterName, groupName: this.groupName, jobName, jobClassName },
      description: registration.description ?? null,
      email: registration.email ?? null,
      retries: registration.retries ?? 0,
      timeout: registration.timeout ?? -1,
      weight: registration.weight ?? 100,
      dependentKeys: registration.dependentKeys ?? null,
      forkKeys: registration.forkKeys ?? null,
      completionRate: registration.completionRate ?? -1,
      trigger: registration.trigger,
      attachment: registration.attachment ?? null,
    };
    const { run, onSuccess, onFailure } = registration;
    return this.add({
      jobClassName,
      jobName,
      source,
      definition,
      run: (ctx) => run(ctx),
      onSuccess: (ctx, result) => onSuccess?.(ctx, result),
      onFailure: (ctx, error) => onFailure?.(ctx, error),
    });
  }

  /**
   * Adds a dynamic job (no trigger; its definition lives in the manager): a handler
   * function, a `NotManagedJob` instance, or a `NotManagedJob` class instantiated per run.
   */
  addDynamic(
    jobClassName: string,
    job: JobHandler | NotManagedJob | NotManagedJobClass,
    source?: string,
  ): RegisteredJob {
    if (typeof jobClassName !== 'string' || jobClassName.trim() === '') {
      throw new ChaconneWorkerError('A dynamic job needs a non-empty job class name');
    }
    const base = { jobClassName, jobName: undefined, source: source ?? jobClassName, definition: undefined };
    if (isNotManagedJob(job)) {
      return this.add({
        ...base,
        run: (ctx) => job.execute(ctx),
        onSuccess: (ctx, result) => job.onSuccess?.(ctx, result),
        onFailure: (ctx, error) => job.onFailure?.(ctx, error),
      });
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
        onSuccess: (ctx, result) => instanceFor(ctx).onSuccess?.(ctx, result),
        onFailure: (ctx, error) => instanceFor(ctx).onFailure?.(ctx, error),
      });
    }
    const noHook: SuccessHook & FailureHook = () => undefined;
    return this.add({ ...base, run: (ctx) => job(ctx), onSuccess: noHook, onFailure: noHook });
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

function isNotManagedJobClass(value: unknown): value is NotManagedJobClass {
  if (typeof value !== 'function') return false;
  const prototype: unknown = (value as { prototype?: unknown }).prototype;
  return (
    typeof prototype === 'object' &&
    prototype !== null &&
    typeof (prototype as NotManagedJob).execute === 'function'
  );
}
