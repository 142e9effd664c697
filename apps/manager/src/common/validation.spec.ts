import { fieldErrorsOf, uniqueProblems } from '@chaconne/contracts/definition';
import { z } from 'zod';
import { ValidationFailed } from './app-error';
import { checked, parseBody, partCheck, validateBody } from './validation';

function failure(run: () => unknown): { field: string; reason: string }[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationFailed) return error.fieldErrors ?? [];
    throw error;
  }
  throw new Error('expected a ValidationFailed');
}

const schema = z.strictObject({
  name: z.string().min(1, 'must not be empty'),
  inner: z.strictObject({ a: z.number() }),
  tags: z.record(z.string().regex(/^[a-z]+$/, 'must be lower-case letters'), z.string()).optional(),
});

describe('fieldErrorsOf / parseBody', () => {
  it('names every unknown field by its full path, one error each', () => {
    expect(failure(() => parseBody(schema, { name: 'x', inner: { a: 1, foo: 1, bar: 2 }, days: 3 }))).toEqual(
      [
        { field: 'inner.foo', reason: 'unknown field' },
        { field: 'inner.bar', reason: 'unknown field' },
        { field: 'days', reason: 'unknown field' },
      ],
    );
  });

  it('names a bad record key by its record, without echoing the key', () => {
    const errors = failure(() =>
      parseBody(schema, { name: 'x', inner: { a: 1 }, tags: { 'Bad\nKey': 'v' } }),
    );
    expect(errors).toEqual([{ field: 'tags', reason: 'a key must be lower-case letters' }]);
  });

  it('uses plain words for missing and mistyped fields, (body) for the body, and a prefix', () => {
    expect(failure(() => parseBody(schema, { inner: { a: 'one' } }))).toEqual([
      { field: 'name', reason: 'is required' },
      { field: 'inner.a', reason: 'must be a number' },
    ]);
    expect(failure(() => parseBody(schema, [1, 2]))).toEqual([
      { field: '(body)', reason: 'must be an object' },
    ]);
    expect(
      fieldErrorsOf(schema.safeParse({ name: '', inner: { a: 1 } }).error?.issues ?? [], 'jobs.0.'),
    ).toEqual([{ field: 'jobs.0.name', reason: 'must not be empty' }]);
  });
});

describe('ValidationFailed', () => {
  it('lists at most 100 problems, and says how many more there were', () => {
    const many = Object.fromEntries(Array.from({ length: 250 }, (_, i) => [`extra${i}`, i]));
    const errors = failure(() => parseBody(schema, { name: 'x', inner: { a: 1 }, ...many }));
    expect(errors).toHaveLength(101);
    expect(errors[0]).toEqual({ field: 'extra0', reason: 'unknown field' });
    expect(errors[100]).toEqual({ field: '(body)', reason: 'and 150 more problems' });
  });
});

describe('validateBody', () => {
  const body = z.strictObject({ start: z.number(), end: z.number(), label: z.string() });
  const order = (v: { start: number; end: number }) =>
    v.end < v.start ? [{ field: 'end', reason: 'must not be before start' }] : [];
  const validate = (input: unknown) =>
    validateBody(body, input, (v) => checked(v, order(v)), [
      partCheck(z.object({ start: z.number(), end: z.number() }), order),
    ]);

  it('answers the value when the schema and the checks pass', () => {
    expect(validate({ start: 1, end: 2, label: 'ok' })).toEqual({ start: 1, end: 2, label: 'ok' });
  });

  it('answers the checks problems when only they fail', () => {
    expect(failure(() => validate({ start: 2, end: 1, label: 'ok' }))).toEqual([
      { field: 'end', reason: 'must not be before start' },
    ]);
  });

  it('still runs the checks on the well-formed parts when the schema refuses the body: every problem at once', () => {
    expect(failure(() => validate({ start: 2, end: 1, label: 7, extra: true }))).toEqual([
      { field: 'label', reason: 'must be a string' },
      { field: 'extra', reason: 'unknown field' },
      { field: 'end', reason: 'must not be before start' },
    ]);
  });

  it('skips a check whose own fields are malformed', () => {
    expect(failure(() => validate({ start: 'x', end: 1, label: 'ok' }))).toEqual([
      { field: 'start', reason: 'must be a number' },
    ]);
  });

  it('prefixes every field, and reports a problem once', () => {
    expect(
      failure(() =>
        validateBody(
          body,
          { start: 2, end: 1 },
          (v) => checked(v, order(v)),
          [
            partCheck(z.object({ start: z.number(), end: z.number() }), order),
            partCheck(z.object({ start: z.number(), end: z.number() }), order),
          ],
          'jobs.3.',
        ),
      ),
    ).toEqual([
      { field: 'jobs.3.label', reason: 'is required' },
      { field: 'jobs.3.end', reason: 'must not be before start' },
    ]);
    expect(
      uniqueProblems([
        { field: 'a', reason: 'x' },
        { field: 'a', reason: 'x' },
        { field: 'a', reason: 'y' },
      ]),
    ).toHaveLength(2);
  });
});
