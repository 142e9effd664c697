/**
 * Cron expressions every endpoint that takes one must refuse, whatever carries them (xcron's
 * `format`, persistJob's `trigger.triggerDescription.cron.expression`, previewTrigger): the
 * limits, expressions that never fire, and syntax. Plain data, so that the repository-wide
 * bad-input corpus can put them in each endpoint's body; xcron-bad-inputs.ts sends them as
 * xcron's `format`.
 *
 * `messageContains`: what the refusal must say (the cron module's message, as the reason of
 * the field at fault).
 */
export interface CronBadExpression {
  name: string;
  expression: string;
  messageContains: string;
}

const list = (items: number, item: (i: number) => string | number): string =>
  Array.from({ length: items }, (_, i) => String(item(i))).join(',');

/** Quartz's year range is 1970 to the current year + 100, so the year limits follow the clock. */
const LAST_YEAR = new Date().getUTCFullYear() + 100;
const YEARS = LAST_YEAR - 1970 + 1;

export const CRON_BAD_EXPRESSIONS: readonly CronBadExpression[] = [
  {
    name: '50,000 list items (stalled the manager for minutes before)',
    expression: `${list(50_000, (i) => i % 60)} * * ? * *`,
    messageContains: 'characters long; at most 1024 are accepted',
  },
  {
    // No padding: endpoints may trim the text before it reaches the parser (xcron does).
    name: '1,025 characters',
    expression: `${'0,'.repeat(507)}0 * * ? * *`,
    messageContains: 'cron expression is 1025 characters long; at most 1024 are accepted',
  },
  {
    name: 'a seconds list of 61 items',
    expression: `${list(61, (i) => i % 60)} * * ? * *`,
    messageContains: 'second: the list has 61 items; at most 60 are accepted',
  },
  {
    name: 'an hours list of 25 items',
    expression: `0 0 ${list(25, () => 3)} * * ?`,
    messageContains: 'hour: the list has 25 items; at most 24 are accepted',
  },
  {
    name: 'a day-of-month list of 32 items',
    expression: `0 0 0 ${list(32, () => 'L')} * ?`,
    messageContains: 'day-of-month: the list has 32 items; at most 31 are accepted',
  },
  {
    name: 'a months list of 13 items',
    expression: `0 0 0 1 ${list(13, () => 'JAN')} ?`,
    messageContains: 'month: the list has 13 items; at most 12 are accepted',
  },
  {
    name: 'a day-of-week list of 8 items',
    expression: `0 0 0 ? * ${list(8, () => '2#1')}`,
    messageContains: 'day-of-week: the list has 8 items; at most 7 are accepted',
  },
  {
    name: 'a years list one item longer than the range has years',
    expression: `0 0 0 1 1 ? ${list(YEARS + 1, () => 2030)}`,
    messageContains: `year: the list has ${YEARS + 1} items; at most ${YEARS} are accepted`,
  },
  {
    name: 'a Unix day-of-week list of 9 items',
    expression: `0 0 * * ${list(9, () => 0)}`,
    messageContains: 'day-of-week: the list has 9 items; at most 8 are accepted',
  },
  { name: 'February 30th', expression: '0 0 0 30 2 ?', messageContains: 'never fires' },
  {
    name: 'thirty days before the end of February',
    expression: '0 0 0 L-30 2 ?',
    messageContains: 'never fires',
  },
  { name: 'the weekday nearest February 31st', expression: '0 0 0 31W 2 ?', messageContains: 'never fires' },
  {
    name: 'February 29th in common years only',
    expression: '0 0 0 29 2 ? 2097-2099',
    messageContains: 'never fires',
  },
  { name: 'years that are over', expression: '0 0 0 1 1 ? 2000-2020', messageContains: 'never fires' },
  {
    name: 'February 29th in common years only, 2100 included',
    expression: '0 0 0 29 2 ? 2097-2103',
    messageContains: 'never fires',
  },
  {
    name: 'a year past the range',
    expression: `0 0 0 1 1 ? ${LAST_YEAR + 1}`,
    messageContains: `year: '${LAST_YEAR + 1}' is out of range 1970-${LAST_YEAR}`,
  },
  { name: 'February 30th (Unix)', expression: '0 0 30 2 *', messageContains: 'never fires' },
  { name: 'four fields', expression: '* * * *', messageContains: 'has 4 fields' },
  { name: 'eight fields', expression: '0 0 0 * * ? 2030 x', messageContains: 'has 8 fields' },
  {
    name: 'both day fields',
    expression: '0 0 12 * * MON',
    messageContains: 'day-of-week AND a day-of-month',
  },
  {
    name: 'a step of 0',
    expression: '*/0 * * * * ?',
    messageContains: "second: step in '*/0' must be at least 1",
  },
  {
    name: 'a look-alike letter (long s)',
    expression: '0 0 0 ? * ſat',
    messageContains: 'day-of-week: unexpected character U+017F',
  },
  {
    name: 'a NUL character',
    expression: '0 0 12 * * ?\u0000',
    messageContains: 'day-of-week: unexpected character U+0000',
  },
];
