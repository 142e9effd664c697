import { ChaconneWorkerError } from './core/errors';
import type { JobContext, JobHandler, NotManagedJob, NotManagedJobClass } from './core/job';
import { boundHooks, type JobHandlers } from './core/job-registry';

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

/** A NotManagedJob class's handlers: one instance per run, as Chaconne instantiates it by class name. */
function perRunInstance(type: NotManagedJobClass): JobHandlers {
  const instances = new WeakMap<JobContext, NotManagedJob>();
  const instanceFor = (ctx: JobContext): NotManagedJob => {
    let instance = instances.get(ctx);
    if (!instance) {
      instance = new type();
      instances.set(ctx, instance);
    }
    return instance;
  };
  return {
    run: (ctx) => instanceFor(ctx).execute(ctx),
    prepare: (ctx) => instanceFor(ctx).prepare?.(ctx),
    shouldRun: (ctx) => {
      const instance = instanceFor(ctx);
      return instance.shouldRun ? instance.shouldRun(ctx) : true;
    },
    onSuccess: (ctx, result) => instanceFor(ctx).onSuccess?.(ctx, result),
    onFailure: (ctx, error) => instanceFor(ctx).onFailure?.(ctx, error),
  };
}

/**
 * A dynamic job in the core's handler form: a handler function, a `NotManagedJob` instance,
 * or a `NotManagedJob` class instantiated for every run.
 */
export function dynamicJobHandlers(
  jobClassName: string,
  job: JobHandler | NotManagedJob | NotManagedJobClass,
): JobHandlers {
  if (isNotManagedJob(job)) return { run: (ctx) => job.execute(ctx), ...boundHooks(job) };
  if (typeof job !== 'function') {
    throw new ChaconneWorkerError(
      `Dynamic job "${jobClassName}" must be a function, a NotManagedJob or its class`,
    );
  }
  if (isNotManagedJobClass(job)) return perRunInstance(job);
  return { run: (ctx) => job(ctx), ...boundHooks({}) };
}
