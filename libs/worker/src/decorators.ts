import 'reflect-metadata';
import {
  SchedulingUnit,
  TriggerType,
  type RunPolicy,
  type TriggerDefinition,
  type WireDate,
} from '@chaconne/contracts';
import { ChaconneWorkerError } from './core/errors';
import type { ChacJobKey, DynamicJobOptions, Job, JobContext, ShouldRunResult } from './core/job';
import {
  definitionFieldProblems,
  inWords,
  referenceProblems,
  triggerProblems,
} from './core/definition-check';
import { concurrencyProblem, lowerFirst, setRegistrationSource } from './core/job-registry';
import { runPolicyOf } from './core/run-policy';
import { onDemandTrigger } from './core/trigger';

// Symbol.for: the metadata stays readable if the SDK is loaded twice (sources and dist).
const JOB = Symbol.for('chaconne.worker.job');
const TRIGGER = Symbol.for('chaconne.worker.trigger');
const RUN = Symbol.for('chaconne.worker.run');
const ON_SUCCESS = Symbol.for('chaconne.worker.onSuccess');
const ON_FAILURE = Symbol.for('chaconne.worker.onFailure');
const PREPARE = Symbol.for('chaconne.worker.prepare');
const SHOULD_RUN = Symbol.for('chaconne.worker.shouldRun');
const DEPENDENCY = Symbol.for('chaconne.worker.dependency');
const FORK = Symbol.for('chaconne.worker.fork');

/**
 * Attributes of {@link ChacJob} (Chaconne's `@ChacJob`), the job's run policy
 * (`clusterMode`, `loadBalancer`, `overlapPolicy`, `retryBackoff`, ...; unset fields take the
 * manager's defaults), and how this process runs it (`concurrency`,
 * `onFailureEveryAttempt`, `listeners`).
 */
export interface ChacJobOptions extends RunPolicy, DynamicJobOptions {
  /**
   * The job name (third part of the job key).
   * @defaultValue the class name with a lower-case first letter (`DemoCronJob` -> `demoCronJob`)
   */
  name?: string;
  /**
   * The job class name the manager dispatches by. Set it if your build minifies class names.
   * @defaultValue the class name
   */
  jobClassName?: string;
  /** @defaultValue null */
  description?: string;
  /** Retries after a failed run. @defaultValue 0 */
  retries?: number;
  /** Milliseconds before a run is aborted and reported FAILED; -1 = none. @defaultValue -1 */
  timeout?: number;
  /** Comma-separated alert recipients. @defaultValue null */
  email?: string;
  /** Weight in fork/join completion rates. @defaultValue 100 */
  weight?: number;
  /** The job's initial parameter (JSON recommended), passed as `ctx.attachment`. @defaultValue null */
  attachment?: string;
}

/** Attributes of {@link ChacFork} besides the fork children. */
export interface ChacForkOptions {
  /**
   * Weighted fraction (0-1) of fork children that must complete before this job's body
   * runs; -1 = run once any child reported.
   * @defaultValue -1
   */
  completionRate?: number;
}

/** The dependency declarations of a class, as {@link ChacDependency} and {@link ChacFork} left them. */
export interface DeclaredDependencies {
  dependentKeys: ChacJobKey[] | null;
  forkKeys: ChacJobKey[] | null;
  completionRate: number | null;
}

/** Attributes of {@link ChacTrigger} (Chaconne's `@ChacTrigger`). */
export interface ChacTriggerOptions {
  /** Quartz (6/7 fields, seconds first) or Unix (5 fields) cron expression; implies CRON. */
  cron?: string;
  /**
   * @defaultValue CRON if `cron` is set, PERIODIC if `period` is set, else SIMPLE
   */
  triggerType?: TriggerType;
  /** PERIODIC: the period, in `schedulingUnit`s. */
  period?: number;
  /** PERIODIC: @defaultValue SchedulingUnit.SECONDS */
  schedulingUnit?: SchedulingUnit;
  /** PERIODIC: true = fixed rate, false = fixed delay after each run ends. @defaultValue false */
  fixedRate?: boolean;
  /** SIMPLE: the one-shot fire time; CRON/PERIODIC: when the schedule starts. @defaultValue null */
  startDate?: WireDate | Date;
  /** The job finishes at its first fire after this date. @defaultValue null */
  endDate?: WireDate | Date;
  /** Maximum number of runs; -1 = unlimited. @defaultValue -1 */
  repeatCount?: number;
  /** IANA time zone for cron and wall-clock dates. @defaultValue the manager's */
  timeZone?: string;
}

type Constructor = abstract new (...args: never[]) => unknown;

function className(target: object): string {
  return typeof target === 'function' ? target.name : target.constructor.name;
}

function wireDate(value: WireDate | Date | undefined, field: string, owner: string): WireDate | null {
  if (value === undefined) return null;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime()))
      throw new ChaconneWorkerError(`@ChacTrigger on ${owner}: ${field} is an invalid Date`);
    return value.toISOString();
  }
  return value;
}

/**
 * Builds the trigger a {@link ChacTrigger} declares; throws on contradictory attributes.
 * A DEPENDENT trigger is checked when the job is registered: it needs
 * {@link ChacDependency} or {@link ChacFork}.
 */
export function triggerFromOptions(options: ChacTriggerOptions, owner = 'job'): TriggerDefinition {
  const fail = (reason: string): never => {
    throw new ChaconneWorkerError(`@ChacTrigger on ${owner}: ${reason}`);
  };
  const cron = options.cron?.trim() ? options.cron.trim() : undefined;
  const type =
    options.triggerType ??
    (cron !== undefined
      ? TriggerType.CRON
      : options.period !== undefined
        ? TriggerType.PERIODIC
        : TriggerType.SIMPLE);
  if (cron !== undefined && type !== TriggerType.CRON) fail('cron is set but triggerType is not CRON');
  if (options.period !== undefined && type !== TriggerType.PERIODIC)
    fail('period is set but triggerType is not PERIODIC');
  const trigger: TriggerDefinition = {
    triggerType: type,
    triggerDescription:
      // A missing cron or period is left out: the check names what the type needs.
      type === TriggerType.CRON && cron !== undefined
        ? { cron: { expression: cron } }
        : type === TriggerType.PERIODIC && options.period !== undefined
          ? {
              periodic: {
                period: options.period,
                schedulingUnit: options.schedulingUnit ?? SchedulingUnit.SECONDS,
                fixedRate: options.fixedRate ?? false,
              },
            }
          : null,
    startDate: wireDate(options.startDate, 'startDate', owner),
    endDate: wireDate(options.endDate, 'endDate', owner),
    repeatCount: options.repeatCount ?? -1,
    timeZone: options.timeZone ?? null,
  };
  const problems = triggerProblems(trigger);
  if (problems.length > 0) {
    throw new ChaconneWorkerError(`@ChacTrigger on ${owner}: ${inWords(problems).join('; ')}`, problems);
  }
  return trigger;
}

/**
 * Marks a class as a code-defined job. Its definition is sent to the manager at start-up,
 * so the schedule lives in code. Without {@link ChacTrigger} the job is SIMPLE and runs on
 * demand only. In NestJS, list the class as a provider: the module discovers it.
 *
 * @example
 * \@ChacJob({ description: 'Say hello', timeout: 30_000, overlapPolicy: OverlapPolicy.QUEUE_ONE })
 * \@ChacTrigger({ cron: '*\/5 * * * * ?' })
 * export class DemoCronJob {
 *   \@Run() run(ctx: JobContext) { ctx.log.info('hello {}', ctx.runId); return 42; }
 * }
 */
export function ChacJob(options: ChacJobOptions = {}): ClassDecorator {
  return (target) => {
    const owner = target.name;
    // The job's name and class name are checked with the whole definition, at registration.
    const declared = definitionFieldProblems({
      description: options.description,
      email: options.email,
      retries: options.retries,
      timeout: options.timeout,
      weight: options.weight,
      attachment: options.attachment,
      ...runPolicyOf(options),
    });
    const problems = inWords(declared);
    if (options.name?.trim() === '') problems.push('name must not be empty');
    if (options.jobClassName?.trim() === '') problems.push('jobClassName must not be empty');
    const concurrency = concurrencyProblem(options.concurrency);
    if (concurrency) problems.push(concurrency);
    if (problems.length > 0)
      throw new ChaconneWorkerError(`@ChacJob on ${owner}: ${problems.join('; ')}`, declared);
    Reflect.defineMetadata(JOB, { ...options }, target);
  };
}

/** Declares when a {@link ChacJob} runs (cron, periodic, one-shot, or DEPENDENT on upstream jobs). */
export function ChacTrigger(options: ChacTriggerOptions): ClassDecorator {
  return (target) => {
    Reflect.defineMetadata(TRIGGER, triggerFromOptions(options, target.name), target);
  };
}

function checkedKeys(keys: readonly ChacJobKey[], decorator: string, owner: string): ChacJobKey[] {
  const list: unknown = keys; // decorators are also called from JavaScript
  if (!Array.isArray(list) || keys.length === 0) {
    throw new ChaconneWorkerError(`${decorator} on ${owner}: list at least one job key`);
  }
  const problems = keys.flatMap((key, index) => referenceProblems(key, `key ${index}`));
  if (problems.length > 0)
    throw new ChaconneWorkerError(`${decorator} on ${owner}: ${inWords(problems).join('; ')}`, problems);
  return keys.map((key) => ({ ...key }));
}

/**
 * Declares a serial dependency (Chaconne's `@ChacDependency`): this job runs after the
 * listed upstream jobs. Sent to the manager as the definition's `dependentKeys`; a key
 * without `cluster`/`group` names a job of this worker's own cluster and group. Works on
 * `@ChacJob` classes, `ManagedJob` subclasses and classes implementing `Job`.
 *
 * @example
 * \@ChacJob()
 * \@ChacTrigger({ triggerType: TriggerType.DEPENDENT })
 * \@ChacDependency([{ name: 'demoSchedJob', className: 'DemoSchedJob' }])
 * export class DemoDependentJob { \@Run() run(ctx: JobContext) { return 1; } }
 */
export function ChacDependency(keys: readonly ChacJobKey[]): ClassDecorator {
  return (target) => {
    Reflect.defineMetadata(DEPENDENCY, checkedKeys(keys, '@ChacDependency', target.name), target);
  };
}

/**
 * Declares a parallel (fork/join) dependency (Chaconne's `@ChacFork`): the listed children
 * run first, then this job's body once enough of them completed. Sent to the manager as the
 * definition's `forkKeys` and `completionRate`.
 *
 * @example
 * \@ChacJob()
 * \@ChacTrigger({ cron: '0 0/1 * * * ?' })
 * \@ChacFork(
 *   [{ name: 'demoTaskOne', className: 'DemoTaskOne' }, { name: 'demoTaskTwo', className: 'DemoTaskTwo' }],
 *   { completionRate: 0.5 },
 * )
 * export class DemoTask { \@Run() run(ctx: JobContext) { return 1; } }
 */
export function ChacFork(keys: readonly ChacJobKey[], options: ChacForkOptions = {}): ClassDecorator {
  return (target) => {
    const forkKeys = checkedKeys(keys, '@ChacFork', target.name);
    const rate = definitionFieldProblems({ completionRate: options.completionRate });
    if (rate.length > 0)
      throw new ChaconneWorkerError(`@ChacFork on ${target.name}: ${inWords(rate).join('; ')}`, rate);
    Reflect.defineMetadata(FORK, { forkKeys, completionRate: options.completionRate ?? -1 }, target);
  };
}

/** What {@link ChacDependency} and {@link ChacFork} declared on a class (or its ancestors). */
export function declaredDependencies(type: unknown): DeclaredDependencies {
  if (typeof type !== 'function') return { dependentKeys: null, forkKeys: null, completionRate: null };
  const dependentKeys = Reflect.getMetadata(DEPENDENCY, type) as ChacJobKey[] | undefined;
  const fork = Reflect.getMetadata(FORK, type) as
    { forkKeys: ChacJobKey[]; completionRate: number } | undefined;
  return {
    dependentKeys: dependentKeys ?? null,
    forkKeys: fork?.forkKeys ?? null,
    completionRate: fork?.completionRate ?? null,
  };
}

function methodOwner(target: object, decorator: string, key: string | symbol): Constructor {
  if (typeof target === 'function') {
    throw new ChaconneWorkerError(
      `${decorator} on static method ${target.name}.${String(key)}: use an instance method`,
    );
  }
  return target.constructor as Constructor;
}

function singleMethodDecorator(metadataKey: symbol, decorator: string): () => MethodDecorator {
  return () => (target, key) => {
    const owner = methodOwner(target, decorator, key);
    const existing = Reflect.getOwnMetadata(metadataKey, owner) as string | symbol | undefined;
    if (existing !== undefined && existing !== key) {
      throw new ChaconneWorkerError(
        `${owner.name} has two ${decorator} methods: ${String(existing)} and ${String(key)}`,
      );
    }
    Reflect.defineMetadata(metadataKey, key, owner);
  };
}

function hookDecorator(metadataKey: symbol, decorator: string): () => MethodDecorator {
  return () => (target, key) => {
    const owner = methodOwner(target, decorator, key);
    const existing = (Reflect.getOwnMetadata(metadataKey, owner) as (string | symbol)[] | undefined) ?? [];
    Reflect.defineMetadata(metadataKey, [...existing, key], owner);
  };
}

/** Marks the method that runs the job: `(ctx: JobContext) => result | Promise<result>`. */
export const Run: () => MethodDecorator = singleMethodDecorator(RUN, '@Run');

/**
 * Marks the method deciding whether a run goes ahead: `(ctx) => boolean | string` (or a
 * promise of it). `false` or a string skips the run (reported SKIPPED; the string is the
 * reason). One per class.
 */
export const ShouldRun: () => MethodDecorator = singleMethodDecorator(SHOULD_RUN, '@ShouldRun');

/** Marks a method called before each run (and before `@ShouldRun`): `(ctx) => void`. Several allowed. */
export const Prepare: () => MethodDecorator = hookDecorator(PREPARE, '@Prepare');

/** Marks a method called after each completed run: `(ctx, result) => void`. Several allowed. */
export const OnSuccess: () => MethodDecorator = hookDecorator(ON_SUCCESS, '@OnSuccess');

/**
 * Marks a method called after a failed run that will not be retried (its last attempt, or a
 * `NonRetryableError`): `(ctx, error: Error) => void`. With `@ChacJob({ onFailureEveryAttempt: true })`
 * it is called after every failed attempt. Several allowed.
 */
export const OnFailure: () => MethodDecorator = hookDecorator(ON_FAILURE, '@OnFailure');

/** Whether a class (or an instance's class) carries {@link ChacJob}. */
export function isChacJob(target: unknown): boolean {
  if (target === null || (typeof target !== 'function' && typeof target !== 'object')) return false;
  const type: unknown = typeof target === 'function' ? target : target.constructor;
  return typeof type === 'function' && Reflect.hasOwnMetadata(JOB, type);
}

/** Methods named by a hook decorator, from the class and its ancestors (base first). */
function hookKeys(type: Constructor, metadataKey: symbol): (string | symbol)[] {
  const keys: (string | symbol)[] = [];
  for (let current: unknown = type; typeof current === 'function' && current !== Function.prototype;) {
    const own = Reflect.getOwnMetadata(metadataKey, current) as (string | symbol)[] | undefined;
    if (own) keys.unshift(...own.filter((key) => !keys.includes(key)));
    current = Object.getPrototypeOf(current);
  }
  return keys;
}

/**
 * Turns an instance of a {@link ChacJob} class into a {@link Job} for `worker.addJob()`:
 * job name, class name and definition (dependencies included) from the decorators, body and
 * hooks bound to the instance.
 *
 * @example
 * worker.addJob(jobFromInstance(new DemoCronJob()));
 */
export function jobFromInstance(instance: object): Job {
  const type = instance.constructor as Constructor;
  const owner = className(instance);
  const options = Reflect.getOwnMetadata(JOB, type) as ChacJobOptions | undefined;
  if (!options) throw new ChaconneWorkerError(`${owner} is not decorated with @ChacJob`);
  const methods = instance as Record<string | symbol, unknown>;
  const method = (key: string | symbol, decorator: string): ((...args: unknown[]) => unknown) => {
    const fn = methods[key];
    if (typeof fn !== 'function')
      throw new ChaconneWorkerError(`${decorator} ${owner}.${String(key)} is not a method`);
    return (...args) => (fn as (...inner: unknown[]) => unknown).apply(instance, args);
  };
  const runKey = Reflect.getMetadata(RUN, type) as string | symbol | undefined;
  if (runKey === undefined) throw new ChaconneWorkerError(`${owner} has @ChacJob but no @Run method`);
  const run = method(runKey, '@Run');
  const shouldRunKey = Reflect.getMetadata(SHOULD_RUN, type) as string | symbol | undefined;
  const shouldRun = shouldRunKey === undefined ? undefined : method(shouldRunKey, '@ShouldRun');
  const prepare = hookKeys(type, PREPARE).map((key) => method(key, '@Prepare'));
  const onSuccess = hookKeys(type, ON_SUCCESS).map((key) => method(key, '@OnSuccess'));
  const onFailure = hookKeys(type, ON_FAILURE).map((key) => method(key, '@OnFailure'));
  const trigger =
    (Reflect.getOwnMetadata(TRIGGER, type) as TriggerDefinition | undefined) ?? onDemandTrigger();
  const dependencies = declaredDependencies(type);
  const job: Job = {
    jobName: options.name ?? lowerFirst(owner),
    jobClassName: options.jobClassName ?? owner,
    description: options.description ?? null,
    email: options.email ?? null,
    retries: options.retries ?? 0,
    timeout: options.timeout ?? -1,
    weight: options.weight ?? 100,
    attachment: options.attachment ?? null,
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    listeners: options.listeners,
    onFailureEveryAttempt: options.onFailureEveryAttempt,
    ...runPolicyOf(options),
    ...dependencies,
    trigger,
    execute: (ctx: JobContext) => run(ctx),
    prepare: async (ctx: JobContext) => {
      for (const hook of prepare) await hook(ctx);
    },
    ...(shouldRun && {
      shouldRun: (ctx: JobContext) => shouldRun(ctx) as ShouldRunResult | Promise<ShouldRunResult>,
    }),
    onSuccess: async (ctx: JobContext, result: unknown) => {
      for (const hook of onSuccess) await hook(ctx, result);
    },
    onFailure: async (ctx: JobContext, error: Error) => {
      for (const hook of onFailure) await hook(ctx, error);
    },
  };
  setRegistrationSource(job, `class ${owner}`);
  return job;
}
