import { z } from 'zod';
import { EARLIEST_DATE_MS, LATEST_DATE_MS } from '../definition-limits';
import { freeTextCharacterProblem, IDENTIFIER_MAX_LENGTH, identifierCharacterProblem } from '../identifier';
import { ProtocolLimits } from '../protocol';

/*
 * The field rules a job definition's schema is built from: names, free text and dates. The
 * manager builds its other request schemas from them too (worker registration, queries).
 */

/** The identifier rule in words, for API descriptions. */
export const IDENTIFIER_RULE =
  'No control characters (CR, LF, NUL, ...), bidirectional controls, invisible format characters or lone surrogates';

/** The identifier character rule (see `identifierCharacterProblem`) as a zod refinement. */
export function identifierCharacters(value: string, ctx: z.RefinementCtx): void {
  const problem = identifierCharacterProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
}

/**
 * A name (cluster, group, job, job class, label, plugin): the identifier character rule on the
 * raw value, then trimmed, not blank, at most `max` characters.
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

/** Why a date is refused when it lies outside the dates the manager stores. */
export const DATE_RANGE_MESSAGE = 'must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z';

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
