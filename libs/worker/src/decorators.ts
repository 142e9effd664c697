import 'reflect-metadata';
import { SchedulingUnit, TriggerType, type TriggerDefinition, type WireDate } from '@chaconne/contracts';
import { ChaconneWorkerError } from './core/errors';
import type { JobContext, JobRegistration } from './core/job';
import { lowerFirst, setRegistrationSource } from './core/job-registry';
import { onDemandTrigger, triggerProblems } from './core/trigger';

// Symbol.for: the metadata stays readable if the SDK is loaded twice (sources and dist).
const JOB = Symbol.for('chaconne.worker.job');
const TRIGGER = Symbol.for('chaconne.worker.trigger');
const RUN = Symbol.for('chaconne.worker.run');
const ON_SUCCESS = Symbol.for('chaconne.worker.onSuccess');
const ON_FAILURE = Symbol.for('chaconne.worker.onFailure');

/** Attributes of {@link ChacJob} (Chaconne's `@ChacJob`). */
export interface ChacJobOptions {
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

/** Builds the trigger a {@link ChacTrigger} declares; throws on contradictory attributes. */
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
  if (type === TriggerType.DEPENDENT) {
    fail(
      'DEPENDENT triggers need upstream job keys, which decorators do not declare yet; persist such jobs through the admin API',
    );
  }
  const trigger: TriggerDefinition = {
    triggerType: type,
    triggerDescription:
      type === TriggerType.CRON
        ? { cron: { expression: cron ?? '' } }
        : type === TriggerType.PERIODIC
          ? {
              periodic: {
                period: options.period ?? 0,
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
  if (problems.length > 0) fail(problems.join('; '));
  return trigger;
}

/**
 * Marks a class as a code-defined job. Its definition is sent to the manager at start-up,
 * so the schedule lives in code. Without {@link ChacTrigger} the job is SIMPLE and runs on
 * demand only. In NestJS, list the class as a provider: the module discovers it.
 *
 * @example
 * \@ChacJob({ description: 'Say hello', timeout: 30_000 })
 * \@ChacTrigger({ cron: '*\/5 * * * * ?' })
 * export class DemoCronJob {
 *   \@Run() run(ctx: JobContext) { ctx.log.info('hello {}', ctx.runId); return 42; }
 * }
 */
export function ChacJob(options: ChacJobOptions = {}): ClassDecorator {
  return (target) => {
    const owner = target.name;
    const problems: string[] = [];
    if (options.name?.trim() === '') problems.push('name must not be empty');
    if (options.jobClassName?.trim() === '') problems.push('jobClassName must not be empty');
    if (options.retries !== undefined && (!Number.isInteger(options.retries) || options.retries < 0)) {
      problems.push('retries must be an integer >= 0');
    }
    if (options.timeout !== undefined && (!Number.isFinite(options.timeout) || options.timeout < -1)) {
      problems.push('timeout must be -1 (none) or a number of milliseconds');
    }
    if (options.weight !== undefined && (!Number.isFinite(options.weight) || options.weight < 0)) {
      problems.push('weight must be a number >= 0');
    }
    if (problems.length > 0) throw new ChaconneWorkerError(`@ChacJob on ${owner}: ${problems.join('; ')}`);
    Reflect.defineMetadata(JOB, { ...options }, target);
  };
}

/** Declares when a {@link ChacJob} runs (cron, periodic or one-shot). */
export function ChacTrigger(options: ChacTriggerOptions): ClassDecorator {
  return (target) => {
    Reflect.defineMetadata(TRIGGER, triggerFromOptions(options, target.name), target);
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

/** Marks the method that runs the job: `(ctx: JobContext) => result | Promise<result>`. */
export function Run(): MethodDecorator {
  return (target, key) => {
    const owner = methodOwner(target, '@Run', key);
    const existing = Reflect.getOwnMetadata(RUN, owner) as string | symbol | undefined;
    if (existing !== undefined && existing !== key) {
      throw new ChaconneWorkerError(
        `${owner.name} has two @Run methods: ${String(existing)} and ${String(key)}`,
      );
    }
    Reflect.defineMetadata(RUN, key, owner);
  };
}

function hookDecorator(metadataKey: symbol, decorator: string): () => MethodDecorator {
  return () => (target, key) => {
    const owner = methodOwner(target, decorator, key);
    const existing = (Reflect.getOwnMetadata(metadataKey, owner) as (string | symbol)[] | undefined) ?? [];
    Reflect.defineMetadata(metadataKey, [...existing, key], owner);
  };
}

/** Marks a method called after each completed run: `(ctx, result) => void`. Several allowed. */
export const OnSuccess: () => MethodDecorator = hookDecorator(ON_SUCCESS, '@OnSuccess');

/** Marks a method called after each failed run: `(ctx, error: Error) => void`. Several allowed. */
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
 * Turns an instance of a {@link ChacJob} class into a registration for `worker.addJob()`:
 * job name, class name and definition from the decorators, handler and hooks bound to the
 * instance.
 *
 * @example
 * worker.addJob(jobFromInstance(new DemoCronJob()));
 */
export function jobFromInstance(instance: object): JobRegistration {
  const type = instance.constructor as Constructor;
  const owner = className(instance);
  const job = Reflect.getOwnMetadata(JOB, type) as ChacJobOptions | undefined;
  if (!job) throw new ChaconneWorkerError(`${owner} is not decorated with @ChacJob`);
  const runKey = Reflect.getMetadata(RUN, type) as string | symbol | undefined;
  const methods = instance as Record<string | symbol, unknown>;
  const method = (key: string | symbol, decorator: string): ((...args: unknown[]) => unknown) => {
    const fn = methods[key];
    if (typeof fn !== 'function')
      throw new ChaconneWorkerError(`${decorator} ${owner}.${String(key)} is not a method`);
    return (...args) => (fn as (...inner: unknown[]) => unknown).apply(instance, args);
  };
  if (runKey === undefined) throw new ChaconneWorkerError(`${owner} has @ChacJob but no @Run method`);
  const run = method(runKey, '@Run');
  const onSuccess = hookKeys(type, ON_SUCCESS).map((key) => method(key, '@OnSuccess'));
  const onFailure = hookKeys(type, ON_FAILURE).map((key) => method(key, '@OnFailure'));
  const trigger =
    (Reflect.getOwnMetadata(TRIGGER, type) as TriggerDefinition | undefined) ?? onDemandTrigger();
  const jobClassName = job.jobClassName ?? owner;
  const registration: JobRegistration = {
    name: job.name ?? lowerFirst(owner),
    jobClassName,
    description: job.description ?? null,
    email: job.email ?? null,
    retries: job.retries ?? 0,
    timeout: job.timeout ?? -1,
    weight: job.weight ?? 100,
    attachment: job.attachment ?? null,
    trigger,
    run: (ctx: JobContext) => run(ctx),
    onSuccess: async (ctx: JobContext, result: unknown) => {
      for (const hook of onSuccess) await hook(ctx, result);
    },
    onFailure: async (ctx: JobContext, error: Error) => {
      for (const hook of onFailure) await hook(ctx, error);
    },
  };
  setRegistrationSource(registration, `class ${owner}`);
  return registration;
}
