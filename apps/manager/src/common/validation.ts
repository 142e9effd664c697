import type { FieldError } from '@chaconne/contracts';
import { fieldErrorsOf, issueMessage, uniqueProblems } from '@chaconne/contracts/definition';
import { z } from 'zod';
import { ValidationFailed } from './app-error';

// Plain words for the two commonest problems instead of zod's generic wording (the job
// definition's, so the manager, the SDK and the client say the same).
z.config({ customError: issueMessage });

const withPrefix = (problems: readonly FieldError[], prefix: string): FieldError[] =>
  problems.map((p) => ({ field: prefix + p.field, reason: p.reason }));

/** Parses a request body with a zod schema; every problem becomes a field-level error. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown, prefix = ''): z.output<S> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  throw new ValidationFailed(uniqueProblems(fieldErrorsOf(result.error.issues, prefix)));
}

/** Parses a path parameter, naming it as the field at fault (`runId`). */
export function parseParam<S extends z.ZodType>(schema: S, value: unknown, name: string): z.output<S> {
  return parseBody(schema, value, `${name}.`);
}

/** The outcome of a check that needs the whole, well-formed body: a value, or what is wrong. */
export type Checked<T> = { value: T } | { problems: FieldError[] };

/** `value` when there are no `problems`. */
export function checked<T>(value: T, problems: readonly FieldError[]): Checked<T> {
  return problems.length > 0 ? { problems: [...problems] } : { value };
}

/**
 * A check of some fields of a body that runs even when other fields are malformed: `schema`
 * picks the fields it needs (unknown and malformed other fields are ignored), and `check`
 * answers their problems (paths from the body's root).
 */
export interface PartCheck {
  schema: z.ZodType;
  check: (value: never, body: unknown) => FieldError[];
}

export function partCheck<P extends z.ZodType>(
  schema: P,
  check: (value: z.output<P>, body: unknown) => FieldError[],
): PartCheck {
  return { schema, check };
}

/**
 * Validates a body in two stages and reports every problem of both at once: the schema (shape,
 * types, ranges, unknown fields), then `complete`, the checks the schema cannot make (cron
 * syntax, time zones, dates against now, plugin names), which also builds the result. When the
 * schema refuses the body, the `parts` still check the fields that are well-formed, so a bad
 * JobKey and a bad cron expression are answered together.
 */
export function validateBody<S extends z.ZodType, R>(
  schema: S,
  body: unknown,
  complete: (value: z.output<S>) => Checked<R>,
  parts: readonly PartCheck[] = [],
  prefix = '',
): R {
  const input = body ?? {};
  const parsed = schema.safeParse(input);
  if (parsed.success) {
    const result = complete(parsed.data);
    if ('value' in result) return result.value;
    throw new ValidationFailed(uniqueProblems(withPrefix(result.problems, prefix)));
  }
  const problems = fieldErrorsOf(parsed.error.issues, prefix);
  for (const part of parts) {
    const picked = part.schema.safeParse(input);
    if (picked.success) problems.push(...withPrefix(part.check(picked.data as never, input), prefix));
  }
  throw new ValidationFailed(uniqueProblems(problems));
}
