import {
  dateRangeProblem,
  type FieldError,
  JOB_DEFINITION_LIMITS,
  SCHEDULING_UNIT_MS,
  SchedulingUnit,
  TriggerType,
} from '@chaconne/contracts';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { dateText, epochMillis } from '../../../common/field-schemas';
import { type Checked, partCheck, type PartCheck } from '../../../common/validation';
import { CronSyntaxError, isValidTimeZone } from '../../trigger/cron/cron-expression';
import { nextFireAfter, planFromTrigger } from '../../trigger/trigger-plan';

/*
 * A job's trigger as persistJob and previewTrigger take it: its schema, and the checks that need
 * the time zone and the clock (cron syntax, dates, that it ever fires).
 */

const LIMITS = JOB_DEFINITION_LIMITS;

const WIRE_DATE_FORMS = 'must be epoch milliseconds, ISO-8601 or yyyy-MM-dd HH:mm:ss';

/** A date as sent: epoch milliseconds in the stored range, or a string read in the trigger's zone. */
const wireDate = z.union([epochMillis, dateText], { error: WIRE_DATE_FORMS }).nullish();

const triggerTypeCodes = Object.values(TriggerType) as number[];
const unitCodes = Object.values(SchedulingUnit) as number[];
const DAY_MS = 86_400_000;

const periodicSchema = z
  .strictObject({
    period: z.number().int('must be a positive integer').positive('must be a positive integer'),
    schedulingUnit: z
      .number()
      .int()
      .refine((v) => unitCodes.includes(v), 'must be 0 (SECONDS), 1 (MINUTES), 2 (HOURS) or 3 (DAYS)'),
    fixedRate: z.boolean().default(false),
  })
  .refine(
    // Runs only once the unit is known to be valid (`when`).
    (p) => p.period * SCHEDULING_UNIT_MS[p.schedulingUnit as SchedulingUnit] <= LIMITS.maxPeriodMs,
    {
      // Also what keeps every next fire time within the dates the manager can store.
      message: `period × schedulingUnit must be at most ${LIMITS.maxPeriodMs / DAY_MS} days; use a cron expression or a SIMPLE trigger for rarer runs`,
      path: ['period'],
      when: (payload) =>
        z
          .object({ period: z.number().int().positive(), schedulingUnit: z.number().int() })
          .refine((v) => unitCodes.includes(v.schedulingUnit))
          .safeParse(payload.value).success,
    },
  );

export const triggerSchema = z.strictObject({
  triggerType: z
    .number({ error: 'must be an integer trigger type' })
    .int()
    .refine(
      (v) => triggerTypeCodes.includes(v),
      'must be 0 (SIMPLE), 1 (CRON), 2 (PERIODIC) or 3 (DEPENDENT)',
    ),
  triggerDescription: z
    .strictObject({
      cron: z.strictObject({ expression: z.string().trim().min(1, 'must not be empty') }).nullish(),
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
      (v) => v === -1 || (v >= 1 && v <= LIMITS.maxRepeatCount),
      `must be -1 (unlimited) or between 1 and ${LIMITS.maxRepeatCount}`,
    )
    .nullish(),
  timeZone: z.string().trim().max(64, 'must be at most 64 characters').nullish(),
});

/** A checked, normalised trigger, as stored. */
export interface TriggerCommand {
  triggerType: number;
  triggerDescription: string;
  startDate: Date | null;
  endDate: Date | null;
  repeatCount: number;
  timeZone: string;
}

type TriggerBody = z.output<typeof triggerSchema>;

const WALL_CLOCK_FORMATS = ['yyyy-MM-dd HH:mm:ss', 'yyyy-MM-dd HH:mm', 'yyyy-MM-dd'];

/** Reads a wire date: epoch ms, ISO-8601, or Chaconne's `yyyy-MM-dd HH:mm:ss` in `zone`. */
export function parseWireDate(value: number | string, zone: string): Date | null {
  if (typeof value === 'number') return new Date(value);
  for (const format of WALL_CLOCK_FORMATS) {
    const parsed = DateTime.fromFormat(value, format, { zone });
    if (parsed.isValid) return parsed.toJSDate();
  }
  const iso = DateTime.fromISO(value, { zone });
  return iso.isValid ? iso.toJSDate() : null;
}

/** The first fire time of a checked trigger after `now`, or the reason it has none. */
function firstFire(trigger: TriggerCommand, now: number): number | null | CronSyntaxError {
  try {
    return nextFireAfter(planFromTrigger(trigger), now);
  } catch (error) {
    if (error instanceof CronSyntaxError) return error;
    throw error;
  }
}

/**
 * Checks what the schema cannot check in a trigger (cron syntax and that it ever fires,
 * time zone, dates, description matching the type) and normalises it.
 */
export function toTriggerCommand(
  trigger: TriggerBody,
  defaultTimeZone: string,
  now: number = Date.now(),
  allowDependent = false,
): Checked<TriggerCommand> {
  const problems: FieldError[] = [];
  const zoneValid = isValidTimeZone(trigger.timeZone ?? defaultTimeZone);
  const timeZone = zoneValid ? (trigger.timeZone ?? defaultTimeZone) : 'UTC';
  if (!zoneValid) {
    problems.push({
      field: 'trigger.timeZone',
      reason: `'${trigger.timeZone ?? ''}' is not an IANA time zone`,
    });
  }
  if (trigger.triggerType === TriggerType.DEPENDENT && !allowDependent) {
    problems.push({
      field: 'trigger.triggerType',
      reason: 'a DEPENDENT trigger needs dependentKeys or forkKeys',
    });
  }

  let triggerDescription: Record<string, unknown> = {};
  if (trigger.triggerType === TriggerType.CRON) {
    const expression = trigger.triggerDescription?.cron?.expression;
    if (!expression) {
      problems.push({ field: CRON_FIELD, reason: 'is required for a CRON trigger' });
    } else triggerDescription = { cron: { expression } };
  } else if (trigger.triggerType === TriggerType.PERIODIC) {
    const periodic = trigger.triggerDescription?.periodic;
    if (!periodic) {
      problems.push({
        field: 'trigger.triggerDescription.periodic',
        reason: 'is required for a PERIODIC trigger',
      });
    } else triggerDescription = { periodic };
  }

  const dates: { startDate: Date | null; endDate: Date | null } = { startDate: null, endDate: null };
  for (const key of ['startDate', 'endDate'] as const) {
    const raw = trigger[key];
    if (raw === null || raw === undefined) continue;
    const parsed = parseWireDate(raw, timeZone);
    const outOfRange = parsed ? dateRangeProblem(parsed.getTime()) : undefined;
    if (!parsed) problems.push({ field: `trigger.${key}`, reason: WIRE_DATE_FORMS });
    else if (outOfRange) problems.push({ field: `trigger.${key}`, reason: outOfRange });
    else dates[key] = parsed;
  }
  if (dates.startDate && dates.endDate && dates.endDate <= dates.startDate) {
    problems.push({ field: 'trigger.endDate', reason: 'must be after startDate' });
  }
  if (dates.endDate && dates.endDate.getTime() <= now) {
    problems.push({ field: 'trigger.endDate', reason: 'is in the past: the job could never run' });
  }
  // Chaconne: a start date in the past is dropped (a past one-shot becomes on-demand).
  if (dates.startDate && dates.startDate.getTime() <= now) dates.startDate = null;

  const command: TriggerCommand = {
    triggerType: trigger.triggerType,
    triggerDescription: JSON.stringify(triggerDescription),
    startDate: dates.startDate,
    endDate: dates.endDate,
    repeatCount: trigger.repeatCount ?? -1,
    timeZone,
  };
  if ('cron' in triggerDescription || 'periodic' in triggerDescription) {
    problems.push(...fireProblems(command, now));
  }
  return problems.length > 0 ? { problems } : { value: command };
}

const CRON_FIELD = 'trigger.triggerDescription.cron.expression';

/** A recurring trigger's cron syntax, that it fires at all, and before its end date. */
function fireProblems(command: TriggerCommand, now: number): FieldError[] {
  const first = firstFire(command, now);
  if (first instanceof CronSyntaxError) return [{ field: CRON_FIELD, reason: first.message }];
  if (first === null) {
    return [
      {
        field: CRON_FIELD,
        reason: `never fires: no time after ${command.startDate ? 'startDate' : 'now'} matches it`,
      },
    ];
  }
  if (command.endDate && first > command.endDate.getTime()) {
    return [
      {
        field: 'trigger.endDate',
        reason: `is before the first fire time (${new Date(first).toISOString()}): the job could never run`,
      },
    ];
  }
  return [];
}

const hasKeys = (value: unknown): boolean => Array.isArray(value) && value.length > 0;

/** The checks of {@link toTriggerCommand} on a body's `trigger`, whatever the rest of the body is. */
export function triggerPart(defaultTimeZone: string, now: number): PartCheck {
  return partCheck(z.object({ trigger: triggerSchema }), ({ trigger }, body) => {
    const record = body as Record<string, unknown>;
    const dependent = hasKeys(record.dependentKeys) || hasKeys(record.forkKeys);
    const checked = toTriggerCommand(trigger, defaultTimeZone, now, dependent);
    return 'problems' in checked ? checked.problems : [];
  });
}
