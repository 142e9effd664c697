import { nextFireAfter, type TriggerPlan } from './trigger-plan';

/**
 * Recurring plans travel through BullMQ's job-scheduler `pattern` field, so BullMQ's
 * custom repeat strategy can compute the next occurrence with our evaluator instead of
 * cron-parser (which has Unix day-of-week numbers and no `W`, `#`-with-L or year field).
 */
const EVERY_PREFIX = '@every ';

export function toRepeatPattern(plan: Extract<TriggerPlan, { kind: 'cron' | 'fixedRate' }>): string {
  return plan.kind === 'cron' ? plan.expression : `${EVERY_PREFIX}${plan.periodMs}`;
}

export interface RepeatPatternOptions {
  pattern?: string;
  tz?: string;
  startDate?: Date | string | number;
}

export function planFromRepeatOptions(opts: RepeatPatternOptions, defaultTimeZone: string): TriggerPlan {
  const pattern = opts.pattern ?? '';
  const startMs = opts.startDate === undefined ? null : new Date(opts.startDate).getTime();
  if (pattern.startsWith(EVERY_PREFIX)) {
    return {
      kind: 'fixedRate',
      periodMs: Number(pattern.slice(EVERY_PREFIX.length)),
      anchorMs: startMs ?? 0,
    };
  }
  return { kind: 'cron', expression: pattern, timeZone: opts.tz ?? defaultTimeZone, startMs };
}

/** BullMQ `settings.repeatStrategy`: the next fire time after `millis`, or undefined to stop. */
export function repeatStrategy(defaultTimeZone: string) {
  return (millis: number, opts: RepeatPatternOptions): number | undefined =>
    nextFireAfter(planFromRepeatOptions(opts, defaultTimeZone), millis) ?? undefined;
}
