import { z } from 'zod';
import { JOB_DEFINITION_LIMITS } from '../definition-limits';
import { SCHEDULING_UNIT_MS, SchedulingUnit, TriggerType } from '../enums';
import { dateText, epochMillis } from './field-rules';

/*
 * A job's trigger: its shape per trigger type and the ranges of its numbers and dates. What
 * needs the manager (time-zone names it knows, cron syntax, reading wall-clock dates in a zone,
 * dates against its clock) is checked there.
 */

const LIMITS = JOB_DEFINITION_LIMITS;
const DAY_MS = 86_400_000;

/** Why a date is refused when it has none of the wire forms. */
export const WIRE_DATE_FORMS = 'must be epoch milliseconds, ISO-8601 or yyyy-MM-dd HH:mm:ss';

/** A date as sent: epoch milliseconds in the stored range, or a string read in the trigger's zone. */
const wireDate = z.union([epochMillis, dateText], { error: WIRE_DATE_FORMS }).nullish();

const triggerTypeCodes = Object.values(TriggerType) as number[];
const unitCodes = Object.values(SchedulingUnit) as number[];

const triggerTypeCode = z
  .number({ error: 'must be an integer trigger type' })
  .int()
  .refine((v) => triggerTypeCodes.includes(v), 'must be 0 (SIMPLE), 1 (CRON), 2 (PERIODIC) or 3 (DEPENDENT)');

const schedulingUnitCode = z
  .number()
  .int()
  .refine((v) => unitCodes.includes(v), 'must be 0 (SECONDS), 1 (MINUTES), 2 (HOURS) or 3 (DAYS)');

const periodicSchema = z
  .strictObject({
    period: z.number().int('must be a positive integer').positive('must be a positive integer'),
    schedulingUnit: schedulingUnitCode,
    fixedRate: z.boolean().default(false),
  })
  .refine((p) => p.period * SCHEDULING_UNIT_MS[p.schedulingUnit as SchedulingUnit] <= LIMITS.maxPeriodMs, {
    // Also what keeps every next fire time within the dates the manager can store.
    message: `period × schedulingUnit must be at most ${LIMITS.maxPeriodMs / DAY_MS} days; use a cron expression or a SIMPLE trigger for rarer runs`,
    path: ['period'],
    // Only once the period and the unit are known to be valid.
    when: (payload) =>
      z
        .object({ period: z.number().int().positive(), schedulingUnit: schedulingUnitCode })
        .safeParse(payload.value).success,
  });

const cronSchema = z.strictObject({
  expression: z
    .string()
    // Counted before trimming, as the manager's cron parser counts it (in its words).
    .refine((v) => v.length <= LIMITS.maxCronLength, {
      error: (issue) =>
        `cron expression is ${String(issue.input).length} characters long; at most ${LIMITS.maxCronLength} are accepted`,
    })
    .trim()
    .min(1, 'must not be empty'),
});

/** The description a trigger type needs, by path and reason, when it is missing. */
const REQUIRED_DESCRIPTION: Partial<Record<number, { path: string[]; reason: string }>> = {
  [TriggerType.CRON]: {
    path: ['triggerDescription', 'cron', 'expression'],
    reason: 'is required for a CRON trigger',
  },
  [TriggerType.PERIODIC]: {
    path: ['triggerDescription', 'periodic'],
    reason: 'is required for a PERIODIC trigger',
  },
};

/** A trigger's fields, each with its own rules (no rule across fields). */
export const triggerFieldsSchema = z.strictObject({
  triggerType: triggerTypeCode,
  triggerDescription: z
    .strictObject({
      cron: cronSchema.nullish(),
      periodic: periodicSchema.nullish(),
      // Chaconne stores a job's dependencies here and its console sends the stored form back
      // when a job is edited; the dependencies themselves come from dependentKeys and forkKeys.
      dependency: z.record(z.string(), z.unknown()).nullish().meta({
        description: "Ignored: Chaconne's stored form of dependentKeys/forkKeys, sent back by its console",
      }),
    })
    .nullish(),
  startDate: wireDate,
  endDate: wireDate,
  repeatCount: z
    .number()
    .int()
    .refine(
      // 0 is refused: a job limited to no run would never run (and Quartz's repeatCount 0,
      // "fire once", would be silently misread).
      (v) => v === -1 || (v >= 1 && v <= LIMITS.maxRepeatCount),
      `must be -1 (unlimited) or between 1 and ${LIMITS.maxRepeatCount}`,
    )
    .nullish(),
  timeZone: z.string().trim().max(64, 'must be at most 64 characters').nullish(),
});

/** A trigger: its fields, the description its type needs, numeric dates in order. */
export const triggerSchema = triggerFieldsSchema.superRefine(
  (trigger, ctx) => {
    // Runs even when other fields are malformed, so it reads them with care.
    const required = REQUIRED_DESCRIPTION[trigger.triggerType];
    const description: unknown = trigger.triggerDescription;
    if (required && (description === undefined || description === null || isRecord(description))) {
      const present = isRecord(description) ? description[required.path[1] ?? ''] : undefined;
      if (present === undefined || present === null) {
        ctx.addIssue({ code: 'custom', path: required.path, message: required.reason });
      }
    }
    const { startDate, endDate } = trigger;
    // Dates as strings are read in the trigger's zone by the manager, which compares them then.
    if (typeof startDate === 'number' && typeof endDate === 'number' && endDate <= startDate) {
      ctx.addIssue({ code: 'custom', path: ['endDate'], message: END_BEFORE_START });
    }
  },
  { when: (payload) => isRecord(payload.value) },
);

/** Why an end date is refused when it is not after the start date. */
export const END_BEFORE_START = 'must be after startDate';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type TriggerBody = z.output<typeof triggerSchema>;
