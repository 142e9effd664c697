import { SchedulingUnit, TriggerType, type TriggerDefinition } from '@chaconne/contracts';

const TRIGGER_TYPES = new Set<number>(Object.values(TriggerType));
const SCHEDULING_UNITS = new Set<number>(Object.values(SchedulingUnit));

/** Chaconne's `NoneTrigger`: a SIMPLE trigger with no start date, i.e. run on demand only. */
export function onDemandTrigger(): TriggerDefinition {
  return {
    triggerType: TriggerType.SIMPLE,
    triggerDescription: null,
    startDate: null,
    endDate: null,
    repeatCount: -1,
  };
}

/** Structural problems of a trigger, in words (empty when it is usable). */
export function triggerProblems(trigger: TriggerDefinition): string[] {
  const problems: string[] = [];
  const type = trigger.triggerType as number;
  if (!TRIGGER_TYPES.has(type)) {
    problems.push(
      `triggerType must be one of 0 (SIMPLE), 1 (CRON), 2 (PERIODIC), 3 (DEPENDENT); got ${String(type)}`,
    );
    return problems;
  }
  const description = trigger.triggerDescription;
  const expression: unknown = description?.cron?.expression;
  if (type === TriggerType.CRON && (typeof expression !== 'string' || expression.trim() === '')) {
    problems.push('a CRON trigger needs triggerDescription.cron.expression');
  }
  if (type === TriggerType.PERIODIC) {
    const periodic = description?.periodic;
    if (!periodic || !Number.isFinite(periodic.period) || periodic.period <= 0) {
      problems.push('a PERIODIC trigger needs triggerDescription.periodic.period > 0');
    } else if (!SCHEDULING_UNITS.has(periodic.schedulingUnit)) {
      problems.push(
        'triggerDescription.periodic.schedulingUnit must be 0 (SECONDS), 1 (MINUTES), 2 (HOURS) or 3 (DAYS)',
      );
    }
  }
  if (trigger.repeatCount != null && (!Number.isInteger(trigger.repeatCount) || trigger.repeatCount < -1)) {
    problems.push('repeatCount must be an integer >= -1');
  }
  return problems;
}
