import type { z } from 'zod';
import type { FieldError } from '../envelope';

/**
 * Plain words for the two commonest problems instead of zod's generic wording: `is required`,
 * `must be a string`, `must be an integer`. The manager sets it as zod's error map; the
 * definition checks of the SDK and the client pass it to each parse.
 */
export function issueMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code !== 'invalid_type') return undefined;
  if (issue.input === undefined) return 'is required';
  const expected = String(issue.expected);
  return `must be ${expected === 'int' ? 'an integer' : `${/^[aeiou]/.test(expected) ? 'an' : 'a'} ${expected}`}`;
}

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

/** Every problem `schema` finds in `value`, as field errors (empty when it is valid). */
export function schemaProblems(schema: z.ZodType, value: unknown, prefix = ''): FieldError[] {
  const result = schema.safeParse(value, { error: issueMessage });
  return result.success ? [] : uniqueProblems(fieldErrorsOf(result.error.issues, prefix));
}
