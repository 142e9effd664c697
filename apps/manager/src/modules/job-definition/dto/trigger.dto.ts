import { dateRangeProblem, type FieldError, TriggerType } from '@chaconne/contracts';
import {
  END_BEFORE_START,
  type TriggerBody,
  triggerFieldsSchema,
  WIRE_DATE_FORMS,
} from '@chaconne/contracts/definition';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { type Checked, partCheck, type PartCheck } from '../../../common/validation';
import { CronSyntaxError, isValidTimeZone } from '../../trigger/cron/cron-expression';
import { nextFireAfter, planFromTrigger } from '../../trigger/trigger-plan';

/*
 * A job's trigger as persistJob and previewTrigger take it: the schema of
 * @chaconne/contracts/definition (its shape per type, ranges), then the checks that need the
 * time zone and the clock (cron syntax, dates, that it ever fires).
 */

/** A checked, normalised trigger, as stored. */
export interface TriggerCommand {
  triggerType: number;
  triggerDescription: string;
  startDate: Date | null;
  endDate: Date | null;
  repeatCount: number;
  timeZone: string;
}

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
 * time zone, dates read in it) and normalises it.
 */
export function toTriggerCommand(
  trigger: TriggerBody,
  defaultTimeZone: string,
  now: number = Date.now(),
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

  // The schema made sure the description the type needs is there.
  let triggerDescription: Record<string, unknown> = {};
  const { cron, periodic } = trigger.triggerDescription ?? {};
  if (trigger.triggerType === TriggerType.CRON && cron) triggerDescription = { cron };
  else if (trigger.triggerType === TriggerType.PERIODIC && periodic) triggerDescription = { periodic };

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
    problems.push({ field: 'trigger.endDate', reason: END_BEFORE_START });
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

/**
 * The checks of {@link toTriggerCommand} on a body's `trigger`, whatever the rest of the body is
 * (its fields well-formed: a missing cron expression does not hide a bad time zone).
 */
export function triggerPart(defaultTimeZone: string, now: number): PartCheck {
  return partCheck(z.object({ trigger: triggerFieldsSchema }), ({ trigger }) => {
    const checked = toTriggerCommand(trigger, defaultTimeZone, now);
    return 'problems' in checked ? checked.problems : [];
  });
}
