import {
  type FieldError,
  identifierCharacterProblem,
  JOB_DEFINITION_LIMITS,
  JOB_KEY_MAX_LENGTH,
  type ResolvedRunPolicy,
} from '@chaconne/contracts';
import { z } from 'zod';
import { freeText, identifier } from '../../../common/field-schemas';
import { type Checked, partCheck, type PartCheck } from '../../../common/validation';
import { type KnownExtensions, resolveRunPolicy, runPolicyFields } from './run-policy.dto';
import { type TriggerCommand, toTriggerCommand, triggerPart, triggerSchema } from './trigger.dto';

const LIMITS = JOB_DEFINITION_LIMITS;

export const jobKeySchema = z.strictObject({
  clusterName: identifier(JOB_KEY_MAX_LENGTH.clusterName),
  groupName: identifier(JOB_KEY_MAX_LENGTH.groupName),
  jobName: identifier(JOB_KEY_MAX_LENGTH.jobName),
  jobClassName: identifier(JOB_KEY_MAX_LENGTH.jobClassName),
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
  trigger: TriggerCommand;
}

export type FieldProblem = FieldError;

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
