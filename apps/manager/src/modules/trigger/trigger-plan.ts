import { SCHEDULING_UNIT_MS, type SchedulingUnit, TriggerType } from '@chaconne/contracts';
import { CronExpression } from './cron/cron-expression';

/** When a job fires, derived from its stored trigger. */
export type TriggerPlan =
  | { kind: 'cron'; expression: string; timeZone: string; startMs: number | null }
  /** Fixed rate: occurrences at anchor + k * period (anchor = startDate, else the Unix epoch). */
  | { kind: 'fixedRate'; periodMs: number; anchorMs: number }
  /** Fixed delay: the next occurrence is period after the previous run ends. */
  | { kind: 'fixedDelay'; periodMs: number; startMs: number | null }
  | { kind: 'once'; atMs: number }
  /** SIMPLE without a start date: runs only when triggered. */
  | { kind: 'onDemand' };

export interface StoredTrigger {
  triggerType: number;
  triggerDescription: string;
  startDate: Date | null;
  timeZone: string;
}

interface StoredDescription {
  cron?: { expression: string } | null;
  periodic?: { period: number; schedulingUnit: SchedulingUnit; fixedRate: boolean } | null;
}

export function planFromTrigger(trigger: StoredTrigger): TriggerPlan {
  const description = JSON.parse(trigger.triggerDescription) as StoredDescription;
  const startMs = trigger.startDate ? trigger.startDate.getTime() : null;
  switch (trigger.triggerType) {
    case TriggerType.CRON:
      if (!description.cron) throw new Error('CRON trigger without cron description');
      return { kind: 'cron', expression: description.cron.expression, timeZone: trigger.timeZone, startMs };
    case TriggerType.PERIODIC: {
      const periodic = description.periodic;
      if (!periodic) throw new Error('PERIODIC trigger without periodic description');
      const periodMs = periodic.period * SCHEDULING_UNIT_MS[periodic.schedulingUnit];
      return periodic.fixedRate
        ? { kind: 'fixedRate', periodMs, anchorMs: startMs ?? 0 }
        : { kind: 'fixedDelay', periodMs, startMs };
    }
    case TriggerType.SIMPLE:
      return startMs === null ? { kind: 'onDemand' } : { kind: 'once', atMs: startMs };
    // Runs when its upstream jobs complete; until dependency execution lands, on demand only.
    case TriggerType.DEPENDENT:
      return { kind: 'onDemand' };
    default:
      throw new Error(`trigger type ${trigger.triggerType} cannot be planned`);
  }
}

/** The first occurrence strictly after `afterMs`, or null if there is none. */
export function nextFireAfter(plan: TriggerPlan, afterMs: number): number | null {
  switch (plan.kind) {
    case 'cron': {
      const from = plan.startMs !== null ? Math.max(afterMs, plan.startMs - 1) : afterMs;
      return CronExpression.parse(plan.expression).next(from, plan.timeZone);
    }
    case 'fixedRate': {
      if (afterMs < plan.anchorMs) return plan.anchorMs;
      return plan.anchorMs + (Math.floor((afterMs - plan.anchorMs) / plan.periodMs) + 1) * plan.periodMs;
    }
    case 'fixedDelay':
      return plan.startMs !== null && plan.startMs > afterMs ? plan.startMs : afterMs + plan.periodMs;
    case 'once':
      return plan.atMs > afterMs ? plan.atMs : null;
    case 'onDemand':
      return null;
  }
}
