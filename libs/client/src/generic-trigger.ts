import {
  dateRangeProblem,
  JOB_DEFINITION_LIMITS,
  SCHEDULING_UNIT_MS,
  type TriggerDefinition,
  type TriggerDescription,
  type WireDate,
} from '@chaconne/contracts';
import { SchedulingUnit, TriggerType } from './enums';
import { Problems } from './invalid-definition-error';
import type { DateInput } from './types';

const UNIT_CODES: readonly number[] = Object.values(SchedulingUnit);

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
 * `build()` checks what is obviously wrong (an empty expression, a period that is not a
 * positive integer, an end before the start, an unknown time zone) and throws
 * {@link InvalidDefinitionError}; the manager checks the cron syntax.
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

  /** The `trigger` of a persistJob body; throws {@link InvalidDefinitionError} on obviously wrong input. */
  build(): TriggerDefinition {
    const problems = new Problems();
    const triggerDescription: TriggerDescription = {};
    let triggerType: TriggerType = TriggerType.SIMPLE;
    const schedule = this.schedule;
    if (schedule.kind === 'cron') {
      triggerType = TriggerType.CRON;
      problems.text('trigger.triggerDescription.cron.expression', schedule.expression);
      triggerDescription.cron = { expression: String(schedule.expression).trim() };
    } else if (schedule.kind === 'periodic') {
      triggerType = TriggerType.PERIODIC;
      const { period, schedulingUnit, fixedRate } = schedule;
      if (typeof period !== 'number' || !Number.isSafeInteger(period) || period <= 0) {
        problems.add('trigger.triggerDescription.periodic.period', 'must be a positive integer');
      }
      if (typeof schedulingUnit !== 'number' || !UNIT_CODES.includes(schedulingUnit)) {
        problems.add(
          'trigger.triggerDescription.periodic.schedulingUnit',
          'must be 0 (SECONDS), 1 (MINUTES), 2 (HOURS) or 3 (DAYS)',
        );
      }
      const periodMs =
        typeof period === 'number' &&
        typeof schedulingUnit === 'number' &&
        UNIT_CODES.includes(schedulingUnit)
          ? period * SCHEDULING_UNIT_MS[schedulingUnit as SchedulingUnit]
          : 0;
      if (periodMs > JOB_DEFINITION_LIMITS.maxPeriodMs) {
        problems.add(
          'trigger.triggerDescription.periodic.period',
          `period × schedulingUnit must be at most ${JOB_DEFINITION_LIMITS.maxPeriodMs / 86_400_000} days; use a cron expression or a SIMPLE trigger for rarer runs`,
        );
      }
      if (typeof fixedRate !== 'boolean') {
        problems.add('trigger.triggerDescription.periodic.fixedRate', 'must be true or false');
      }
      triggerDescription.periodic = {
        period: period as number,
        schedulingUnit: schedulingUnit as SchedulingUnit,
        fixedRate: fixedRate as boolean,
      };
    }
    const startDate = wireDate(problems, 'trigger.startDate', this.startDate);
    const endDate = wireDate(problems, 'trigger.endDate', this.endDate);
    if (typeof startDate === 'number' && typeof endDate === 'number' && endDate <= startDate) {
      problems.add('trigger.endDate', 'must be after startDate');
    }
    if (this.repeatCount !== -1) {
      problems.integer(
        'trigger.repeatCount',
        this.repeatCount,
        1,
        JOB_DEFINITION_LIMITS.maxRepeatCount,
        `must be -1 (unlimited) or between 1 and ${JOB_DEFINITION_LIMITS.maxRepeatCount}`,
      );
    }
    if (this.timeZone !== null) {
      problems.text('trigger.timeZone', this.timeZone);
      if (this.timeZone.trim().length > 64) problems.add('trigger.timeZone', 'must be at most 64 characters');
      if (this.timeZone.trim() !== '' && !isTimeZone(this.timeZone.trim())) {
        problems.add('trigger.timeZone', `'${this.timeZone}' is not an IANA time zone`);
      }
    }
    problems.throwIfAny();
    const trigger: TriggerDefinition = {
      triggerType,
      triggerDescription,
      startDate,
      endDate,
      repeatCount: this.repeatCount,
    };
    if (this.timeZone !== null) trigger.timeZone = this.timeZone.trim();
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
function wireDate(problems: Problems, field: string, value: DateInput | null): WireDate | null {
  if (value === null) return null;
  if (value instanceof Date) {
    const ms = value.getTime();
    const problem = Number.isNaN(ms) ? 'is an invalid Date' : dateRangeProblem(ms);
    if (problem) problems.add(field, problem);
    return ms;
  }
  if (typeof value === 'number') {
    const problem = Number.isInteger(value) ? dateRangeProblem(value) : 'must be whole epoch milliseconds';
    if (problem) problems.add(field, problem);
    return value;
  }
  problems.text(field, value);
  return typeof value === 'string' ? value.trim() : value;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
