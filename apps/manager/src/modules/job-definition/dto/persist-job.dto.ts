import {
  dateRangeProblem,
  type FieldError,
  identifierCharacterProblem,
  JOB_DEFINITION_LIMITS,
  JOB_KEY_MAX_LENGTH,
  type ResolvedRunPolicy,
  SCHEDULING_UNIT_MS,
  SchedulingUnit,
  TriggerType,
} from '@chaconne/contracts';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { dateText, epochMillis, freeText, identifier } from '../../../common/field-schemas';
import { type Checked, partCheck, type PartCheck } from '../../../common/validation';
import { CronSyntaxError, isValidTimeZone } from '../../trigger/cron/cron-expression';
import { nextFireAfter, planFromTrigger } from '../../trigger/trigger-plan';
import { type KnownExtensions, resolveRunPolicy, runPolicyFields } from './run-policy.dto';

const LIMITS = JOB_DEFINITION_LIMITS;

export const jobKeySchema = z.strictObject({
  clusterName: identifier(JOB_KEY_MAX_LENGTH.clusterName),
  groupName: identifier(JOB_KEY_MAX_LENGTH.groupName),
  jobName: identifier(JOB_KEY_MAX_LENGTH.jobName),
  jobClassName: identifier(JOB_KEY_MAX_LENGTH.jobClassName),
});

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

const keyList = (field: string) =>
  z
    .array(jobKeySchema)
    .max(LIMITS.maxDependencyKeys, `at most ${LIMITS.maxDependencyKeys} ${field}`)
    .nullish();

/** Alert recipients: comma-separated addresses, each without spaces, commas or control characters. */
const emailList = z
  .string()
  .max(LIMITS.maxEmailLength, `must be at most ${LIMITS.maxEmailLength} characters`)
  .superRefine((value, ctx) => {
    const characters = identifierCharacterProblem(value);
    if (characters) ctx.addIssue({ code: 'custom', message: characters });
    else if (value.trim() !== '' && !value.split(',').every((a) => /^[^\s@,]+@[^\s@,]+$/.test(a.trim())))
      ctx.addIssue({ code: 'custom', message: 'must be a comma-separated list of e-mail addresses' });
  });

/**
 * A job's attachment: Chaconne sends a string; a JSON object or array is accepted too and
 * stored as its JSON text (the request parser has already bounded its nesting).
 */
export const attachmentSchema = z
  .union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())], {
    error: 'must be a string, a JSON object or an array',
  })
  .nullish()
  .transform((v) =>
    v === undefined ? undefined : v === null ? null : typeof v === 'string' ? v : JSON.stringify(v),
  );

/**
 * The body of persistJob: Chaconne's JobPersistParameter, accepted verbatim, plus the run
 * policy. Unknown fields are refused.
 */
export const persistJobSchema = z.strictObject({
  jobKey: jobKeySchema,
  description: freeText(LIMITS.maxDescriptionLength).nullish(),
  email: emailList.nullish(),
  retries: z
    .number()
    .int()
    .min(0, 'must be 0 or more')
    .max(LIMITS.maxRetries, `must be at most ${LIMITS.maxRetries}`)
    .nullish(),
  timeout: z
    .number()
    .int()
    .min(-1, 'must be -1 (none) or a number of milliseconds')
    .max(LIMITS.maxTimeoutMs, `must be at most ${LIMITS.maxTimeoutMs} ms (7 days); -1 for no timeout`)
    .nullish(),
  weight: z
    .number()
    .int()
    .min(0, 'must be 0 or more')
    .max(LIMITS.maxWeight, `must be at most ${LIMITS.maxWeight}`)
    .nullish(),
  dependentKeys: keyList('dependentKeys'),
  forkKeys: keyList('forkKeys'),
  completionRate: z
    .number()
    .refine((v) => v === -1 || (v >= 0 && v <= 1), 'is a fraction between 0 and 1, or -1')
    .nullish(),
  trigger: triggerSchema,
  attachment: attachmentSchema.transform((v) => v ?? null),
  ...runPolicyFields,
});

export type PersistJobBody = z.output<typeof persistJobSchema>;
export type JobKeyBody = z.output<typeof jobKeySchema>;

/** A validated, normalised persistJob request. */
export interface PersistJobCommand {
  jobKey: JobKeyBody;
  /** Who runs the job; persistJob always creates `worker` jobs, xcron tasks are `http`. */
  executor: 'worker' | 'http';
  /** Serial upstream jobs (stored; running on their completion is not implemented yet). */
  dependentKeys: JobKeyBody[];
  /** Fork/join children (stored; fork/join execution is not implemented yet). */
  forkKeys: JobKeyBody[];
  completionRate: number;
  description: string;
  email: string;
  retries: number;
  timeout: number;
  weight: number;
  attachment: string | null;
  runPolicy: ResolvedRunPolicy;
  trigger: {
    triggerType: number;
    triggerDescription: string;
    startDate: Date | null;
    endDate: Date | null;
    repeatCount: number;
    timeZone: string;
  };
}

export type FieldProblem = FieldError;

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

export type TriggerCommand = PersistJobCommand['trigger'];
type TriggerBody = PersistJobBody['trigger'];

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
  const problems: FieldProblem[] = [];
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
function fireProblems(command: TriggerCommand, now: number): FieldProblem[] {
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

const NO_EXTENSIONS: KnownExtensions = { loadBalancers: new Set(), terminationStrategies: new Set() };

const sameKey = (a: JobKeyBody, b: JobKeyBody): boolean =>
  a.clusterName === b.clusterName &&
  a.groupName === b.groupName &&
  a.jobName === b.jobName &&
  a.jobClassName === b.jobClassName;

/** A job depending on itself, and a key listed twice, in dependentKeys and forkKeys. */
function dependencyProblems(
  key: JobKeyBody | undefined,
  lists: { dependentKeys?: JobKeyBody[] | null; forkKeys?: JobKeyBody[] | null },
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const field of ['dependentKeys', 'forkKeys'] as const) {
    const keys = lists[field] ?? [];
    keys.forEach((k, i) => {
      if (key && sameKey(k, key))
        problems.push({ field: `${field}.${i}`, reason: 'a job cannot depend on itself' });
      const first = keys.findIndex((other) => sameKey(other, k));
      if (first < i) problems.push({ field: `${field}.${i}`, reason: `repeats ${field}.${first}` });
    });
  }
  return problems;
}

const hasKeys = (value: unknown): boolean => Array.isArray(value) && value.length > 0;

/** Checks and normalises a whole persistJob body; answers every problem found, or the command. */
export function toPersistCommand(
  body: PersistJobBody,
  defaultTimeZone: string,
  now: number = Date.now(),
  known: KnownExtensions = NO_EXTENSIONS,
): Checked<PersistJobCommand> {
  const problems = dependencyProblems(body.jobKey, body);
  const dependentKeys = body.dependentKeys ?? [];
  const forkKeys = body.forkKeys ?? [];
  const trigger = toTriggerCommand(
    body.trigger,
    defaultTimeZone,
    now,
    dependentKeys.length > 0 || forkKeys.length > 0,
  );
  if ('problems' in trigger) problems.push(...trigger.problems);
  const policy = resolveRunPolicy(body, known);
  if ('problems' in policy) problems.push(...policy.problems);
  if (problems.length > 0 || !('value' in trigger) || !('policy' in policy)) return { problems };
  return {
    value: {
      jobKey: body.jobKey,
      executor: 'worker',
      dependentKeys,
      forkKeys,
      completionRate: body.completionRate ?? -1,
      description: body.description ?? '',
      email: (body.email ?? '')
        .split(',')
        .map((a) => a.trim())
        .filter(Boolean)
        .join(','),
      retries: body.retries ?? 0,
      // Chaconne's timeout 0 meant "don't wait, count as success"; here it means no timeout.
      timeout: body.timeout && body.timeout > 0 ? body.timeout : -1,
      weight: body.weight ?? 100,
      attachment: body.attachment,
      runPolicy: policy.policy,
      trigger: trigger.value,
    },
  };
}

/** The checks of {@link toTriggerCommand} on a body's `trigger`, whatever the rest of the body is. */
export function triggerPart(defaultTimeZone: string, now: number): PartCheck {
  return partCheck(z.object({ trigger: triggerSchema }), ({ trigger }, body) => {
    const record = body as Record<string, unknown>;
    const dependent = hasKeys(record.dependentKeys) || hasKeys(record.forkKeys);
    const checked = toTriggerCommand(trigger, defaultTimeZone, now, dependent);
    return 'problems' in checked ? checked.problems : [];
  });
}

/**
 * The checks of {@link toPersistCommand} on the parts of a body the schema refused elsewhere:
 * a well-formed trigger is still checked (cron, zone, dates) when, say, the JobKey is bad.
 */
export function persistJobParts(defaultTimeZone: string, now: number, known: KnownExtensions): PartCheck[] {
  return [
    triggerPart(defaultTimeZone, now),
    partCheck(z.object(runPolicyFields), (policy) => {
      const resolved = resolveRunPolicy(policy, known);
      return 'problems' in resolved ? resolved.problems : [];
    }),
    partCheck(
      z.object({
        jobKey: jobKeySchema.optional().catch(undefined),
        dependentKeys: keyList(''),
        forkKeys: keyList(''),
      }),
      ({ jobKey, ...lists }) => dependencyProblems(jobKey, lists),
    ),
  ];
}
