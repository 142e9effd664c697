import {
  dateRangeProblem,
  JOB_DEFINITION_LIMITS,
  SCHEDULING_UNIT_MS,
  SchedulingUnit,
  TriggerType,
  type TriggerDefinition,
} from '@chaconne/contracts';

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

/** The fields of each object of a trigger: the manager refuses any other. */
const KNOWN_FIELDS: readonly [string, (t: TriggerDefinition) => unknown, readonly string[]][] = [
  ['', (t) => t, ['triggerType', 'triggerDescription', 'startDate', 'endDate', 'repeatCount', 'timeZone']],
  // `dependency` is Chaconne's stored form, which the manager accepts and ignores.
  ['triggerDescription.', (t) => t.triggerDescription, ['cron', 'periodic', 'dependency']],
  ['triggerDescription.cron.', (t) => t.triggerDescription?.cron, ['expression']],
  [
    'triggerDescription.periodic.',
    (t) => t.triggerDescription?.periodic,
    ['period', 'schedulingUnit', 'fixedRate'],
  ],
];

/** Fields of a trigger the manager does not know (a misspelt one would otherwise fail the registration). */
function unknownFields(trigger: TriggerDefinition): string[] {
  return KNOWN_FIELDS.flatMap(([path, pick, known]) => {
    const value = pick(trigger);
    if (typeof value !== 'object' || value === null) return [];
    return Object.keys(value)
      .filter((key) => !known.includes(key) && (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${path}${key} is not a field of a trigger`);
  });
}

/** Structural problems of a trigger, in words (empty when it is usable). */
export function triggerProblems(trigger: TriggerDefinition): string[] {
  const problems: string[] = unknownFields(trigger);
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
    if (!periodic || !Number.isSafeInteger(periodic.period) || periodic.period <= 0) {
      problems.push('a PERIODIC trigger needs triggerDescription.periodic.period > 0, a whole number');
    } else if (!SCHEDULING_UNITS.has(periodic.schedulingUnit)) {
      problems.push(
        'triggerDescription.periodic.schedulingUnit must be 0 (SECONDS), 1 (MINUTES), 2 (HOURS) or 3 (DAYS)',
      );
    } else if (
      periodic.period * SCHEDULING_UNIT_MS[periodic.schedulingUnit] >
      JOB_DEFINITION_LIMITS.maxPeriodMs
    ) {
      problems.push(
        `triggerDescription.periodic: period × schedulingUnit must be at most ${JOB_DEFINITION_LIMITS.maxPeriodMs / 86_400_000} days`,
      );
    }
  }
  const repeatCount = trigger.repeatCount;
  if (
    repeatCount != null &&
    repeatCount !== -1 &&
    !(
      Number.isInteger(repeatCount) &&
      repeatCount >= 1 &&
      repeatCount <= JOB_DEFINITION_LIMITS.maxRepeatCount
    )
  ) {
    problems.push(
      `repeatCount must be -1 (unlimited) or between 1 and ${JOB_DEFINITION_LIMITS.maxRepeatCount}`,
    );
  }
  for (const key of ['startDate', 'endDate'] as const) {
    const date = trigger[key];
    // Strings are read by the manager in the trigger's time zone; numbers are epoch milliseconds.
    if (typeof date === 'number') {
      const problem = Number.isInteger(date) ? dateRangeProblem(date) : 'must be whole epoch milliseconds';
      if (problem) problems.push(`${key} ${problem}`);
    }
  }
  return problems;
}
