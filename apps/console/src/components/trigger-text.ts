import { SchedulingUnit, TriggerType } from '@chaconne/client';
import type { JobTriggerDetail, TriggerDescription } from '@chaconne/contracts';
import cronstrue from 'cronstrue';

/** A trigger's stored description (Chaconne sends it as a JSON string); {} when it cannot be read. */
export function parseTriggerDescription(text: string | null | undefined): TriggerDescription {
  if (!text) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' ? parsed : {};
  } catch {
    return {};
  }
}

/**
 * A cron expression in words. Quartz (6 or 7 fields, seconds first) counts the days of the week
 * from 1 (Sunday); Unix cron (5 fields) from 0. Throws when cronstrue cannot read it.
 */
export function describeCron(expression: string): string {
  const fields = expression.trim().split(/\s+/).length;
  return cronstrue.toString(expression.trim(), {
    dayOfWeekStartIndexZero: fields === 5,
    use24HourTimeFormat: true,
    throwExceptionOnParseError: true,
  });
}

const UNIT_WORDS: Record<number, string> = {
  [SchedulingUnit.SECONDS]: 'second',
  [SchedulingUnit.MINUTES]: 'minute',
  [SchedulingUnit.HOURS]: 'hour',
  [SchedulingUnit.DAYS]: 'day',
};

/** "every 5 minutes (fixed rate)". */
export function describePeriod(period: number, unit: number, fixedRate: boolean): string {
  const word = UNIT_WORDS[unit] ?? `unit ${unit}`;
  return `every ${period} ${word}${period === 1 ? '' : 's'} (${fixedRate ? 'fixed rate' : 'fixed delay'})`;
}

/** A job's trigger in one line: the cron expression, the period, once, or after upstream jobs. */
export function triggerText(trigger: JobTriggerDetail): string {
  const description = parseTriggerDescription(trigger.triggerDescription);
  switch (trigger.triggerType) {
    case TriggerType.CRON:
      return description.cron?.expression ?? 'cron';
    case TriggerType.PERIODIC: {
      const p = description.periodic;
      return p ? describePeriod(p.period, p.schedulingUnit, p.fixedRate) : 'periodic';
    }
    case TriggerType.SIMPLE:
      return 'once';
    case TriggerType.DEPENDENT:
      return 'after upstream jobs';
    default:
      return String(trigger.triggerType);
  }
}
