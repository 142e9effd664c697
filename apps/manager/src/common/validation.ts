import { z } from 'zod';
import { ValidationFailed } from './app-error';

// Plain words for the two commonest problems instead of zod's generic wording.
z.config({
  customError: (issue) => {
    if (issue.code !== 'invalid_type') return undefined;
    return issue.input === undefined
      ? 'is required'
      : `must be ${issue.expected === 'int' ? 'an integer' : `a ${issue.expected}`}`;
  },
});

/** Parses a request body with a zod schema; every problem becomes a field-level error. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  throw new ValidationFailed(
    result.error.issues.map((issue) => ({
      field: issue.path.length > 0 ? issue.path.map(String).join('.') : '(body)',
      reason: issue.message,
    })),
  );
}
