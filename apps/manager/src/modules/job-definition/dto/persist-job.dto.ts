import { type ResolvedRunPolicy, SchedulingUnit, TriggerType } from '@chaconne/contracts';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { CronExpression, CronSyntaxError, isValidTimeZone } from '../../trigger/cron/cron-expression';
import { type KnownExtensions, resolveRunPolicy, runPolicyFields } from './run-policy.dto';

const name = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

export const jobKeySchema = z.object({
  clusterName: name(64),
  groupName: name(64),
  jobName: name(191),
  jobClassName: name(255),
});

const wireDate = z.union([z.number().int().nonnegative(), z.string().trim().min(1)]).nullish();

const triggerTypeCodes = Object.values(TriggerType) as number[];
const unitCodes = Object.values(SchedulingUnit) as number[];

export const triggerSchema = z.object({
  triggerType: z
    .number({ error: 'must be an integer trigger type' })
    .int()
    .refine(
      (v) => triggerTypeCodes.includes(v),
      'must be 0 (SIMPLE), 1 (CRON), 2 (PERIODIC) or 3 (DEPENDENT)',
    ),
  triggerDescription: z
    .object({
      cron: z.object({ expression: z.string().trim().min(1, 'must not be empty') }).nullish(),
      periodic: z
        .object({
          period: z.number().int().positive('must be a positive integer'),
          schedulingUnit: z
            .number()
            .int()
            .refine((v) => unitCodes.includes(v), 'must be 0 (SECONDS), 1 (MINUTES), 2 (HOURS) or 3 (DAYS)'),
          fixedRate: z.boolean().default(false),
        })
        .nullish(),
    })
    .loose()
    .nullish(),
  startDate: wireDate,
  endDate: wireDate,
  repeatCount: z
    .number()
    .int()
    .refine((v) => v === -1 || v >= 1, 'must be -1 (unlimited) or at least 1')
    .nullish(),
  timeZone: z.string().trim().nullish(),
});

const keyList = z.array(jobKeySchema).nullish();

/** The body of persistJob: Chaconne's JobPersistParameter, accepted verbatim. */
export const persistJobSchema = z.object({
  jobKey: jobKeySchema,
  description: z.string().max(1024, 'must be at most 1024 characters').nullish(),
  email: z
    .string()
    .max(1024, 'must be at most 1024 characters')
    .refine(
      (v) => v.trim() === '' || v.split(',').every((a) => /^[^\s@,]+@[^\s@,]+$/.test(a.trim())),
      'must be a comma-separated list of e-mail addresses',
    )
    .nullish(),
  retries: z.number().int().min(0, 'must be 0 or more').max(100, 'must be at most 100').nullish(),
  timeout: z.number().int().min(-1, 'must be -1 (none) or a number of milliseconds').nullish(),
  weight: z.number().int().min(0, 'must be 0 or more').max(1_000_000).nullish(),
  dependentKeys: keyList,
  forkKeys: keyList,
  completionRate: z.number().min(-1).max(1, 'is a fraction between 0 and 1, or -1').nullish(),
  trigger: triggerSchema,
  // Chaconne sends a string; a JSON object is accepted too and stored as its JSON text.
  attachment: z
    .union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())])
    .nullish()
    .transform((v) => (v === null || v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v))),
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

export interface FieldProblem {
  field: string;
  reason: string;
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

export type TriggerCommand = PersistJobCommand['trigger'];
type TriggerBody = PersistJobBody['trigger'];

/**
 * Checks what the schema cannot check in a trigger (cron syntax and that it ever fires,
 * time zone, dates, description matching the type) and normalises it.
 */
export function toTriggerCommand(
  trigger: TriggerBody,
  defaultTimeZone: string,
  now: number = Date.now(),
  allowDependent = false,
): { trigger: TriggerCommand } | { problems: FieldProblem[] } {
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
    const field = 'trigger.triggerDescription.cron.expression';
    if (!expression) {
      problems.push({ field, reason: 'is required for a CRON trigger' });
    } else {
      try {
        if (CronExpression.parse(expression).next(now, timeZone) === null) {
          problems.push({ field, reason: 'never fires: no time after now matches it' });
        }
        triggerDescription = { cron: { expression } };
      } catch (error) {
        problems.push({ field, reason: error instanceof CronSyntaxError ? error.message : String(error) });
      }
    }
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
    if (!parsed) {
      problems.push({
        field: `trigger.${key}`,
        reason: 'must be epoch milliseconds, ISO-8601 or yyyy-MM-dd HH:mm:ss',
      });
    } else dates[key] = parsed;
  }
  if (dates.startDate && dates.endDate && dates.endDate <= dates.startDate) {
    problems.push({ field: 'trigger.endDate', reason: 'must be after startDate' });
  }
  if (dates.endDate && dates.endDate.getTime() <= now) {
    problems.push({ field: 'trigger.endDate', reason: 'is in the past: the job could never run' });
  }
  // Chaconne: a start date in the past is dropped (a past one-shot becomes on-demand).
  if (dates.startDate && dates.startDate.getTime() <= now) dates.startDate = null;

  if (problems.length > 0) return { problems };
  return {
    trigger: {
      triggerType: trigger.triggerType,
      triggerDescription: JSON.stringify(triggerDescription),
      startDate: dates.startDate,
      endDate: dates.endDate,
      repeatCount: trigger.repeatCount ?? -1,
      timeZone,
    },
  };
}

const NO_EXTENSIONS: KnownExtensions = { loadBalancers: new Set(), terminationStrategies: new Set() };

/** Checks and normalises a whole persistJob body; answers every problem found, or the command. */
export function toPersistCommand(
  body: PersistJobBody,
  defaultTimeZone: string,
  now: number = Date.now(),
  known: KnownExtensions = NO_EXTENSIONS,
): { command: PersistJobCommand } | { problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const key = body.jobKey;
  const sameKey = (k: JobKeyBody): boolean =>
    k.clusterName === key.clusterName &&
    k.groupName === key.groupName &&
    k.jobName === key.jobName &&
    k.jobClassName === key.jobClassName;
  for (const [field, keys] of [
    ['dependentKeys', body.dependentKeys],
    ['forkKeys', body.forkKeys],
  ] as const) {
    const self = (keys ?? []).findIndex(sameKey);
    if (self >= 0) problems.push({ field: `${field}.${self}`, reason: 'a job cannot depend on itself' });
  }
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
  if (problems.length > 0 || !('trigger' in trigger) || !('policy' in policy)) return { problems };
  return {
    command: {
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
      trigger: trigger.trigger,
    },
  };
}
