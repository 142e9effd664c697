import { dateRangeProblem } from '@chaconne/contracts';
import { dateText, epochMillis, IDENTIFIER_RULE, identifierCharacters } from '@chaconne/contracts/definition';
import { z } from 'zod';

/*
 * The field rules of the admin API's queries: name filters, date bounds, ids and paging (the
 * rules of names, free text and dates themselves are the job definition's, in
 * @chaconne/contracts/definition). Each bound is documented in the README's "Validation" section.
 */

/**
 * A name used as a query filter: the identifier rule, but blank (or null) means "any", as in
 * Chaconne (`StringUtils.isNotBlank`); answers undefined then.
 */
export function nameFilter(max: number) {
  return z
    .string()
    .superRefine(identifierCharacters)
    .trim()
    .max(max, `must be at most ${max} characters`)
    .nullish()
    .transform((v) => (v === null || v === undefined || v === '' ? undefined : v))
    .meta({ description: `Blank or null means any. ${IDENTIFIER_RULE}` });
}

/** A date read from a string, checked against the stored range; adds the issue and answers NEVER when out of range. */
export function inDateRange(date: Date, ctx: z.RefinementCtx): Date {
  const problem = dateRangeProblem(date.getTime());
  if (problem) {
    ctx.addIssue({ code: 'custom', message: problem });
    return z.NEVER;
  }
  return date;
}

/**
 * A bound of a date range: epoch milliseconds or an ISO-8601 date, within the dates the
 * manager stores; blank or null means no bound.
 */
export const optionalDate = z
  .union([epochMillis, dateText.or(z.literal(''))], {
    error: 'must be epoch milliseconds or an ISO-8601 date',
  })
  .nullish()
  .transform((v, ctx) => {
    if (v === null || v === undefined || v === '') return null;
    const date = new Date(v);
    if (Number.isNaN(date.getTime())) {
      ctx.addIssue({ code: 'custom', message: 'must be epoch milliseconds or an ISO-8601 date' });
      return z.NEVER;
    }
    return inDateRange(date, ctx);
  });

/** Largest id of a row keyed by a MySQL INT (jobs). */
export const MAX_INT_ID = 2_147_483_647;

/** A job id: a positive INT. */
export const jobId = z.number().int().min(1, 'must be a job id').max(MAX_INT_ID, 'must be a job id');

/** A run (trace) id: a positive integer, as a number or a string of digits (Chaconne's long). */
export const runId = z
  .union(
    [
      z.number(),
      z
        .string()
        .regex(/^\d{1,16}$/, 'must be a run id')
        .transform(Number),
    ],
    {
      error: 'must be a run id',
    },
  )
  // zod's int() is a safe integer: below 2^53.
  .pipe(z.number().int('must be a run id').min(1, 'must be a run id'));

/** Highest page number of a paged query: with pages of at most 1000, offsets stay below 10^8. */
export const MAX_PAGE = 100_000;
export const MAX_PAGE_SIZE = 1_000;

export const pageNumber = z
  .number()
  .int()
  .min(1, `must be between 1 and ${MAX_PAGE}`)
  .max(MAX_PAGE, `must be between 1 and ${MAX_PAGE}`)
  .default(1);

export function pageSize(defaultSize: number) {
  return z
    .number()
    .int()
    .min(1, `must be between 1 and ${MAX_PAGE_SIZE}`)
    .max(MAX_PAGE_SIZE, `must be between 1 and ${MAX_PAGE_SIZE}`)
    .default(defaultSize);
}

/**
 * Fields of Chaconne's PageQuery that are answers, not questions: a Java client posts the
 * whole object (`rows`, `nextPage`, `content` included, usually empty). Accepted and ignored.
 */
export const pageAnswerFields = {
  rows: z.number().nullish().meta({ description: "Ignored (Chaconne's PageQuery answer field)" }),
  nextPage: z.number().nullish().meta({ description: "Ignored (Chaconne's PageQuery answer field)" }),
  content: z
    .array(z.unknown())
    .max(MAX_PAGE_SIZE)
    .nullish()
    .meta({ description: "Ignored (Chaconne's PageQuery answer field)" }),
};
