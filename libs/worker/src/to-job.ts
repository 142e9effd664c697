import { ChaconneWorkerError } from './core/errors';
import type { Job, JobContext } from './core/job';
import { setRegistrationSource } from './core/job-registry';
import { runPolicyOf } from './core/run-policy';
import { declaredDependencies, isChacJob, jobFromInstance } from './decorators';
import { isManagedJob, type ManagedJob } from './managed-job';

/** A `ManagedJob` read through its getters, its body and hooks bound to it. */
function jobFromManagedJob(managed: ManagedJob): Job {
  const job: Job = {
    jobName: managed.getName(),
    jobClassName: managed.getJobClassName(),
    trigger: managed.getTrigger(),
    description: managed.getDescription(),
    email: managed.getEmail(),
    retries: managed.getRetries(),
    timeout: managed.getTimeout(),
    weight: managed.getWeight(),
    attachment: managed.getAttachment(),
    concurrency: managed.getConcurrency(),
    dependentKeys: managed.getDependentKeys(),
    forkKeys: managed.getForkKeys(),
    completionRate: managed.getCompletionRate(),
    ...runPolicyOf(managed.getRunPolicy()),
    listeners: managed.getListeners(),
    onFailureEveryAttempt: managed.getOnFailureEveryAttempt(),
    execute: (ctx) => managed.execute(ctx),
    prepare: (ctx) => managed.prepare(ctx),
    shouldRun: (ctx) => managed.shouldRun(ctx),
    onSuccess: (ctx, result) => managed.onSuccess(ctx, result),
    onFailure: (ctx, error) => managed.onFailure(ctx, error),
  };
  setRegistrationSource(job, `class ${managed.constructor.name}`);
  return job;
}

/**
 * An instance of a class implementing `Job`: its class name is the default job class name,
 * and dependency decorators on the class count. Methods stay bound to the instance.
 */
function jobFromClassInstance(instance: Job, type: abstract new (...args: never[]) => unknown): Job {
  const declared = declaredDependencies(type);
  const job: Job = {
    ...(instance.jobName === undefined ? {} : { jobName: instance.jobName }),
    jobClassName: instance.jobClassName ?? type.name,
    trigger: instance.trigger,
    description: instance.description ?? null,
    email: instance.email ?? null,
    ...(instance.retries === undefined ? {} : { retries: instance.retries }),
    ...(instance.timeout === undefined ? {} : { timeout: instance.timeout }),
    ...(instance.weight === undefined ? {} : { weight: instance.weight }),
    ...(instance.concurrency === undefined ? {} : { concurrency: instance.concurrency }),
    attachment: instance.attachment ?? null,
    dependentKeys: instance.dependentKeys ?? declared.dependentKeys,
    forkKeys: instance.forkKeys ?? declared.forkKeys,
    completionRate: instance.completionRate ?? declared.completionRate,
    ...runPolicyOf(instance),
    listeners: instance.listeners,
    onFailureEveryAttempt: instance.onFailureEveryAttempt,
    execute: (ctx: JobContext) => instance.execute(ctx),
    prepare: (ctx: JobContext) => instance.prepare?.(ctx),
    shouldRun: (ctx: JobContext) => (instance.shouldRun ? instance.shouldRun(ctx) : true),
    onSuccess: (ctx: JobContext, result: unknown) => instance.onSuccess?.(ctx, result),
    onFailure: (ctx: JobContext, error: Error) => instance.onFailure?.(ctx, error),
  };
  setRegistrationSource(job, `class ${type.name}`);
  return job;
}

/**
 * Any code-defined job as a {@link Job}: a `ManagedJob` subclass instance, an instance of a
 * `@ChacJob` class, an instance of a class implementing `Job`, or a `Job` object literal.
 */
export function toJob(source: Job | ManagedJob): Job {
  if (typeof source !== 'object' || (source as unknown) === null) {
    throw new ChaconneWorkerError(
      `addJob() takes a Job, a ManagedJob or a @ChacJob instance (got ${typeof source})`,
    );
  }
  if (isManagedJob(source)) return jobFromManagedJob(source);
  if (isChacJob(source)) return jobFromInstance(source);
  const type: unknown = source.constructor;
  if (typeof type === 'function' && type !== Object && type.name !== '') {
    return jobFromClassInstance(source, type as abstract new (...args: never[]) => unknown);
  }
  return source;
}
