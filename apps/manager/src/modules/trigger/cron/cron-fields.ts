/**
 * The fields of both cron dialects: their names (used in error messages), legal ranges and symbolic names.
 */

import { JOB_DEFINITION_LIMITS } from '@chaconne/contracts';

export type CronFieldName = 'second' | 'minute' | 'hour' | 'day-of-month' | 'month' | 'day-of-week' | 'year';

export type CronDialect = 'quartz' | 'unix';

export interface CronFieldSpec {
  readonly name: CronFieldName;
  readonly min: number;
  readonly max: number;
  /** Upper-case three-letter names accepted in place of numbers (months, days of the week). */
  readonly names?: ReadonlyMap<string, number>;
  /**
   * The largest legal step. Quartz rejects steps above 59 (second, minute), 23 (hour), 31 (day-of-month),
   * 12 (month) and 7 (day-of-week), i.e. above the field's maximum value; the year field has no such limit.
   */
  readonly maxStep: number;
}

/**
 * Quartz's year range: 1970 to the current year + 100, the upper bound computed once when the code loads, as
 * org.quartz.CronExpression does (`Calendar.getInstance().get(Calendar.YEAR) + 100`). Expressions without a
 * year field are searched up to MAX_YEAR too.
 */
export const MIN_YEAR = 1970;
export const MAX_YEAR = new Date().getUTCFullYear() + 100;

/**
 * The longest expression accepted, in characters: the job-definition schema's limit. Real expressions are a
 * few dozen characters; a cap keeps the cost of parsing (and of the error messages that quote the text) small
 * whatever a caller sends.
 */
export const MAX_CRON_LENGTH = JOB_DEFINITION_LIMITS.maxCronLength;

/**
 * The most items a field's comma-separated list may have: the number of values the field has (60 seconds,
 * 24 hours, 12 months, 157 years in 2026...). A longer list must repeat itself, so it is refused as a mistake
 * rather than expanded. It follows the field's range, so a wider year range raises the year field's cap.
 */
export function maxListItems(spec: CronFieldSpec): number {
  return spec.max - spec.min + 1;
}

const MONTH_NAMES: ReadonlyMap<string, number> = new Map(
  ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'].map((name, i) => [
    name,
    i + 1,
  ]),
);

const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
/** Quartz numbers days of the week 1 = SUN … 7 = SAT. */
const QUARTZ_DAY_NAMES: ReadonlyMap<string, number> = new Map(DAY_NAMES.map((name, i) => [name, i + 1]));
/** Unix numbers days of the week 0 = SUN … 6 = SAT (7 is a second Sunday). */
const UNIX_DAY_NAMES: ReadonlyMap<string, number> = new Map(DAY_NAMES.map((name, i) => [name, i]));

const SECOND: CronFieldSpec = { name: 'second', min: 0, max: 59, maxStep: 59 };
const MINUTE: CronFieldSpec = { name: 'minute', min: 0, max: 59, maxStep: 59 };
const HOUR: CronFieldSpec = { name: 'hour', min: 0, max: 23, maxStep: 23 };
const DAY_OF_MONTH: CronFieldSpec = { name: 'day-of-month', min: 1, max: 31, maxStep: 31 };
const MONTH: CronFieldSpec = { name: 'month', min: 1, max: 12, names: MONTH_NAMES, maxStep: 12 };
const QUARTZ_DAY_OF_WEEK: CronFieldSpec = {
  name: 'day-of-week',
  min: 1,
  max: 7,
  names: QUARTZ_DAY_NAMES,
  maxStep: 7,
};
const UNIX_DAY_OF_WEEK: CronFieldSpec = {
  name: 'day-of-week',
  min: 0,
  max: 7,
  names: UNIX_DAY_NAMES,
  maxStep: 7,
};
const YEAR: CronFieldSpec = { name: 'year', min: MIN_YEAR, max: MAX_YEAR, maxStep: Number.MAX_SAFE_INTEGER };

/** Quartz order: `sec min hour day-of-month month day-of-week [year]`. */
export const QUARTZ_FIELDS = {
  second: SECOND,
  minute: MINUTE,
  hour: HOUR,
  dayOfMonth: DAY_OF_MONTH,
  month: MONTH,
  dayOfWeek: QUARTZ_DAY_OF_WEEK,
  year: YEAR,
} as const;

/** Unix order: `min hour day-of-month month day-of-week`. */
export const UNIX_FIELDS = {
  minute: MINUTE,
  hour: HOUR,
  dayOfMonth: DAY_OF_MONTH,
  month: MONTH,
  dayOfWeek: UNIX_DAY_OF_WEEK,
} as const;
