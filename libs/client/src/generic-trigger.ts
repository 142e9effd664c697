import type { FieldError, TriggerDefinition, TriggerDescription, WireDate } from '@chaconne/contracts';
import { schemaProblems, triggerSchema } from '@chaconne/contracts/definition';
import { type SchedulingUnit, TriggerType } from './enums';
import { throwIfAny } from './invalid-definition-error';
import type { DateInput } from './types';

type Schedule =
  | { kind: 'simple' }
  | { kind: 'cron'; expression: unknown }
  | { kind: 'periodic'; period: unknown; schedulingUnit: unknown; fixedRate: unknown };

/**
 * Builds a trigger the way Chaconne's `GenericTrigger.Builder` does, into the `trigger` object
 * of a persistJob body. Reach it as `GenericTrigger.Builder`:
 * - `newTrigger('0/5 * * * * ?')`: CRON (Quartz 6/7 fields, seconds first, or Unix 5 fields);
 * - `newTrigger(period, SchedulingUnit.MINUTES, fixedRate)`: PERIODIC;
 * - `newSimple(startDate?)`: SIMPLE, once at the start date, or only on demand (`triggerJob`)
 *   without one.
 *
 * Dates may be `Date`s (sent as epoch milliseconds, as Chaconne's Jackson does), epoch
 * milliseconds, ISO-8601 or `yyyy-MM-dd HH:mm:ss` strings (read in the trigger's time zone).
 * `build()` checks it with the job-definition schema the manager applies (an empty expression,
 * a period that is not a positive integer, an end before the start, a repeat count of 0, ...)
 * and throws {@link InvalidDefinitionError}; the manager checks the cron syntax and the time
 * zone, which need its state.
 *
 * @example
 * const everyFiveSeconds = GenericTrigger.Builder.newTrigger('0/5 * * * * ?')
 *   .setStartDate(new Date(Date.now() + 30_000))
 *   .setTimeZone('Asia/Shanghai')
 *   .build();
 * const everyMinute = GenericTrigger.Builder.newTrigger(1, SchedulingUnit.MINUTES, false).build();
 * const onDemand = GenericTrigger.Builder.newSimple().build();
 */
export class TriggerBuilder {
  private startDate: DateInput | null = null;
  private endDate: DateInput | null = null;
  private repeatCount = -1;
  private timeZone: string | null = null;

  private constructor(private readonly schedule: Schedule) {}

  /** A CRON trigger. */
  static newTrigger(cronExpression: string): TriggerBuilder;
  /** A PERIODIC trigger: every `period` units, at a fixed rate or with a fixed delay after each run. */
  static newTrigger(period: number, schedulingUnit: SchedulingUnit, fixedRate?: boolean): TriggerBuilder;
  static newTrigger(
    first: string | number,
    schedulingUnit?: SchedulingUnit,
    fixedRate = false,
  ): TriggerBuilder {
    if (typeof first === 'number') {
      return new TriggerBuilder({ kind: 'periodic', period: first, schedulingUnit, fixedRate });
    }
    return new TriggerBuilder({ kind: 'cron', expression: first });
  }

  /** A SIMPLE trigger: once at `startDate`, or only on demand (`triggerJob`) without one. */
  static newSimple(startDate: DateInput | null = null): TriggerBuilder {
    return new TriggerBuilder({ kind: 'simple' }).setStartDate(startDate);
  }

  /** SIMPLE: the fire time. CRON and PERIODIC: no fire before it. A past start is dropped by the manager. */
  setStartDate(startDate: DateInput | null): this {
    this.startDate = startDate;
    return this;
  }

  /** The first occurrence after it finishes the job. */
  setEndDate(endDate: DateInput | null): this {
    this.endDate = endDate;
    return this;
  }

  /** The job finishes after this many scheduled runs; -1 = unlimited. */
  setRepeatCount(repeatCount: number): this {
    this.repeatCount = repeatCount;
    return this;
  }

  /** The IANA time zone of the cron expression and of wall-clock dates; the manager's by default. */
  setTimeZone(timeZone: string | null): this {
    this.timeZone = timeZone;
    return this;
  }

  /**
   * The `trigger` of a persistJob body and everything the manager would refuse in it (the
   * job-definition schema's problems, an invalid `Date`), without throwing.
   */
  check(): { trigger: TriggerDefinition; problems: FieldError[] } {
    const problems: FieldError[] = [];
    const triggerDescription: TriggerDescription = {};
    let triggerType: TriggerType = TriggerType.SIMPLE;
    const schedule = this.schedule;
    if (schedule.kind === 'cron') {
      triggerType = TriggerType.CRON;
      const { expression } = schedule;
      triggerDescription.cron = {
        expression: (typeof expression === 'string' ? expression.trim() : expression) as string,
      };
    } else if (schedule.kind === 'periodic') {
      triggerType = TriggerType.PERIODIC;
      triggerDescription.periodic = {
        period: schedule.period as number,
        schedulingUnit: schedule.schedulingUnit as SchedulingUnit,
        fixedRate: schedule.fixedRate as boolean,
      };
    }
    const trigger: TriggerDefinition = {
      triggerType,
      triggerDescription,
      startDate: wireDate(problems, 'trigger.startDate', this.startDate),
      endDate: wireDate(problems, 'trigger.endDate', this.endDate),
      repeatCount: this.repeatCount,
    };
    if (this.timeZone !== null) {
      trigger.timeZone = typeof this.timeZone === 'string' ? this.timeZone.trim() : this.timeZone;
    }
    problems.push(...schemaProblems(triggerSchema, trigger, 'trigger.'));
    return { trigger, problems };
  }

  /** The `trigger` of a persistJob body; throws {@link InvalidDefinitionError} with what the manager would refuse. */
  build(): TriggerDefinition {
    const { trigger, problems } = this.check();
    throwIfAny(problems);
    return trigger;
  }
}

/**
 * Chaconne's `GenericTrigger`: `GenericTrigger.Builder.newTrigger(...)...build()`. The type
 * `GenericTrigger` is what `build()` returns, the `trigger` of a persistJob body.
 */
export const GenericTrigger = { Builder: TriggerBuilder } as const;
export type GenericTrigger = TriggerDefinition;

/** A date as it goes on the wire: `Date`s become epoch milliseconds, as Chaconne sends them. */
function wireDate(problems: FieldError[], field: string, value: DateInput | null): WireDate | null {
  if (value instanceof Date) {
    const ms = value.getTime();
    if (!Number.isNaN(ms)) return ms;
    problems.push({ field, reason: 'is an invalid Date' });
    return null;
  }
  return typeof value === 'string' ? value.trim() : value;
}
