import type { FieldError } from '@chaconne/contracts';
import { z } from 'zod';
import { ValidationFailed } from './app-error';

// Plain words for the two commonest problems instead of zod's generic wording.
z.config({
  customError: (issue) => {
    if (issue.code !== 'invalid_type') return undefined;
    return issue.input === undefined
      ? 'is required'
      : `must be ${issue.expected === 'int' ? 'an integer' : `${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`}`;
  },
});

/** The dotted path of a field, after `prefix` (e.g. `jobs.0.definition.`); `(body)` for the body itself. */
function fieldName(path: readonly PropertyKey[], prefix: string): string {
  if (path.length > 0) return prefix + path.map(String).join('.');
  return prefix === '' ? '(body)' : prefix.replace(/\.$/, '');
}

/**
 * zod's issues as field errors. An object with fields it does not know (strict schemas) gives
 * one error per unknown field, named by its full path (`trigger.foo`), so a misspelt or
 * unsupported field is never silently ignored. A bad key of a record (a label name) is named
 * by the record, with what is wrong with the key.
 */
export function fieldErrorsOf(issues: readonly z.core.$ZodIssue[], prefix = ''): FieldError[] {
  return issues.flatMap((issue): FieldError[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: fieldName([...issue.path, key], prefix),
        reason: 'unknown field',
      }));
    }
    if (issue.code === 'invalid_key') {
      const reason = issue.issues[0]?.message ?? 'is not a valid key';
      return [{ field: fieldName(issue.path.slice(0, -1), prefix), reason: `a key ${reason}` }];
    }
    return [{ field: fieldName(issue.path, prefix), reason: issue.message }];
  });
}

/** The problems without repeats of the same field and reason, in their first order. */
export function uniqueProblems(problems: readonly FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.field}\u0000${p.reason}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

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
