import { z } from 'zod';
import { JOB_DEFINITION_LIMITS } from '../definition-limits';
import type { FieldError } from '../envelope';
import { TriggerType } from '../enums';
import { identifierCharacterProblem } from '../identifier';
import { schemaProblems } from './field-errors';
import { freeText } from './field-rules';
import { jobKeySchema } from './job-key-schema';
import { runPolicyFields } from './run-policy-schema';
import { triggerSchema } from './trigger-schema';

/*
 * A job definition (the body of persistJob, a worker's code-defined job, the client's builder):
 * every rule that needs no server state. The manager adds the rest (time zones, cron syntax,
 * plugins it knows, dates against its clock, its attachment limit).
 */

const LIMITS = JOB_DEFINITION_LIMITS;

const keyList = z
  .array(jobKeySchema)
  .max(LIMITS.maxDependencyKeys, `must list at most ${LIMITS.maxDependencyKeys} keys`)
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
 * stored as its JSON text (the manager's request parser has already bounded its nesting).
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
 * Why an attachment is refused for its size (UTF-8 bytes over `limitBytes`, named by
 * `limitName`), or undefined.
 */
export function attachmentSizeProblem(
  attachment: string | null | undefined,
  limitBytes: number,
  limitName: string,
): string | undefined {
  // A UTF-8 length is never below the UTF-16 length / 2 nor above 3 × it: skip the encoding when it cannot matter.
  if (!attachment || attachment.length * 3 <= limitBytes) return undefined;
  const size = new TextEncoder().encode(attachment).length;
  return size <= limitBytes ? undefined : `is ${size} bytes; the limit is ${limitBytes} (${limitName})`;
}

type Key = z.output<typeof jobKeySchema>;

const sameKey = (a: Key, b: Key): boolean =>
  a.clusterName === b.clusterName &&
  a.groupName === b.groupName &&
  a.jobName === b.jobName &&
  a.jobClassName === b.jobClassName;

/** The parts the cross-field rules read, each left out when it is malformed (its own problem is reported). */
const crossFieldParts = z.object({
  jobKey: jobKeySchema.optional().catch(undefined),
  dependentKeys: keyList.catch(undefined),
  forkKeys: keyList.catch(undefined),
  trigger: z.object({ triggerType: z.number() }).optional().catch(undefined),
});

/**
 * A job depending on itself, a key listed twice in dependentKeys or forkKeys, and a DEPENDENT
 * trigger without upstream keys.
 */
function crossFieldProblems(value: unknown, ctx: z.RefinementCtx): void {
  const parts = crossFieldParts.safeParse(value);
  if (!parts.success) return;
  const { jobKey, trigger } = parts.data;
  for (const field of ['dependentKeys', 'forkKeys'] as const) {
    const keys = parts.data[field] ?? [];
    keys.forEach((k, i) => {
      if (jobKey && sameKey(k, jobKey))
        ctx.addIssue({ code: 'custom', path: [field, i], message: 'a job cannot depend on itself' });
      const first = keys.findIndex((other) => sameKey(other, k));
      if (first < i) ctx.addIssue({ code: 'custom', path: [field, i], message: `repeats ${field}.${first}` });
    });
  }
  const upstream = (parts.data.dependentKeys?.length ?? 0) + (parts.data.forkKeys?.length ?? 0);
  if (trigger?.triggerType === TriggerType.DEPENDENT && upstream === 0) {
    ctx.addIssue({ code: 'custom', path: ['trigger', 'triggerType'], message: DEPENDENT_NEEDS_UPSTREAM });
  }
}

/** Why a DEPENDENT trigger is refused without upstream jobs. */
export const DEPENDENT_NEEDS_UPSTREAM = 'a DEPENDENT trigger needs dependentKeys or forkKeys';

/**
 * The fields of a job definition, each with its own rules (no rule across fields): what the
 * SDK checks of a decorator's options before the job is complete. Unknown fields are refused.
 */
export const jobDefinitionFieldsSchema = z.strictObject({
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
  dependentKeys: keyList,
  forkKeys: keyList,
  completionRate: z
    .number()
    .refine((v) => v === -1 || (v >= 0 && v <= 1), 'is a fraction between 0 and 1, or -1')
    .nullish(),
  trigger: triggerSchema,
  attachment: attachmentSchema,
  ...runPolicyFields,
});

/**
 * A job definition: Chaconne's JobPersistParameter, accepted verbatim, plus the run policy;
 * its fields' rules and those across fields (dependencies, a DEPENDENT trigger's upstream jobs).
 */
export const jobDefinitionSchema = jobDefinitionFieldsSchema.superRefine(crossFieldProblems, {
  when: () => true,
});

export type JobDefinitionBody = z.output<typeof jobDefinitionSchema>;

/**
 * Every problem of a job definition that can be known without a manager, field by field (empty
 * when it is valid): the schema's, and an attachment larger than any manager takes. The SDK
 * and the client check what they send with it.
 */
export function jobDefinitionProblems(definition: unknown): FieldError[] {
  const problems = schemaProblems(jobDefinitionSchema, definition);
  const attachment = attachmentSchema.safeParse((definition as { attachment?: unknown } | null)?.attachment);
  const size = attachment.success
    ? attachmentSizeProblem(
        attachment.data,
        LIMITS.maxAttachmentBytes,
        'the largest CHACONNE_ATTACHMENT_LIMIT_BYTES',
      )
    : undefined;
  return size ? [...problems, { field: 'attachment', reason: size }] : problems;
}
