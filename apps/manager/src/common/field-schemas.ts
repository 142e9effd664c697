import {
  dateRangeProblem,
  EARLIEST_DATE_MS,
  freeTextCharacterProblem,
  IDENTIFIER_MAX_LENGTH,
  identifierCharacterProblem,
  LATEST_DATE_MS,
  ProtocolLimits,
} from '@chaconne/contracts';
import { z } from 'zod';

/*
 * The field rules the admin API's schemas share: names, free text, dates, ids and paging.
 * Each bound is documented in the README's "Validation" section.
 */

const IDENTIFIER_RULE =
  'No control characters (CR, LF, NUL, ...), bidirectional controls, invisible format characters or lone surrogates';

/** The shared identifier rule of @chaconne/contracts as a zod refinement. */
function identifierCharacters(value: string, ctx: z.RefinementCtx): void {
  const problem = identifierCharacterProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
}

/**
 * A name (cluster, group, job, job class, label, plugin): the shared identifier rule of
 * @chaconne/contracts on the raw value, then trimmed, not blank, at most `max` characters.
 */
export function identifier(max: number) {
  return z
    .string()
    .superRefine(identifierCharacters)
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .meta({ description: IDENTIFIER_RULE });
}

/** Labels (of a worker instance, or those a job requires): names and values are identifiers. */
export const labelsSchema = z
  .record(identifier(IDENTIFIER_MAX_LENGTH.labelName), identifier(IDENTIFIER_MAX_LENGTH.labelValue))
  .refine(
    (labels) => Object.keys(labels).length <= ProtocolLimits.labels,
    `must have at most ${ProtocolLimits.labels} labels`,
  );

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

/** Free text (a description): line breaks and tabs allowed; no other controls, bidi controls or lone surrogates. */
export function freeText(max: number) {
  return z
    .string()
    .max(max, `must be at most ${max} characters`)
    .superRefine((value, ctx) => {
      const problem = freeTextCharacterProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });
}

const DATE_RANGE_MESSAGE = 'must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z';

/** Epoch milliseconds within the dates the manager stores (see `LATEST_DATE_MS`). */
export const epochMillis = z
  .number()
  .int('must be whole epoch milliseconds')
  .min(EARLIEST_DATE_MS, DATE_RANGE_MESSAGE)
  .max(LATEST_DATE_MS, DATE_RANGE_MESSAGE);

/**
 * A date string before it is read: long enough for any ISO-8601 or wall-clock form, short
 * enough that reading it costs nothing.
 */
export const dateText = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters');

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
