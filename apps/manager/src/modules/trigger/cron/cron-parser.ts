/**
 * Parses cron text into a CronSchedule.
 *
 * - 6 or 7 fields: Quartz (`sec min hour day-of-month month day-of-week [year]`), following the rules of
 *   org.quartz.CronExpression: day-of-week 1 = SUN … 7 = SAT, exactly one of day-of-month / day-of-week must
 *   be '?', `L`, `W`, `LW`, `L-n`, `nL`, `n#k` special forms, overflowing ranges such as `22-2` or `FRI-MON`.
 * - 5 fields: Unix/Vixie cron (`min hour day-of-month month day-of-week`), seconds = 0, day-of-week 0-7 with
 *   both 0 and 7 meaning Sunday, and Vixie's "either day field matches" rule.
 */
import { codePoint, printableAscii } from '@chaconne/contracts';
import {
  type CronDialect,
  type CronFieldName,
  type CronFieldSpec,
  MAX_CRON_LENGTH,
  MAX_YEAR,
  maxListItems,
  MIN_YEAR,
  QUARTZ_FIELDS,
  UNIX_FIELDS,
} from './cron-fields';
import { ALL_DAYS_OF_MONTH, ALL_WEEKDAYS, type CronSchedule, type DayRule, ValueSet } from './cron-schedule';
import { CronSyntaxError } from './cron-syntax-error';

export interface ParsedCron {
  readonly dialect: CronDialect;
  readonly schedule: CronSchedule;
}

/** Quartz allows `L-0` … `L-30`. */
const MAX_LAST_DAY_OFFSET = 30;
/** Quartz allows `#1` … `#5`: no month has a sixth occurrence of a weekday. */
const MAX_NTH = 5;

/** One field's text: `raw` as written (for messages), `text` upper-cased (names and letters are case-insensitive). */
interface FieldText {
  readonly raw: string;
  readonly text: string;
}

const fieldText = (raw: string): FieldText => ({ raw, text: raw.toUpperCase() });

/** The result of parsing a day field, before the two day fields are combined into one DayRule. */
type DayField =
  | { readonly kind: 'unspecified' } // '?'
  | { readonly kind: 'values'; readonly values: ReadonlySet<number> }
  | { readonly kind: 'special'; readonly rule: DayRule };

function fail(field: CronFieldName, message: string): never {
  throw new CronSyntaxError(`${field}: ${message}`, field);
}

export function parseCron(expression: string): ParsedCron {
  // The signature says string, but expressions arrive from JSON and the database; fail clearly, not with a
  // TypeError from .trim().
  if (typeof expression !== 'string') throw new CronSyntaxError('cron expression must be a string');
  // Checked first, so everything below (and every message quoting the text) works on at most 1 KB.
  if (expression.length > MAX_CRON_LENGTH) {
    throw new CronSyntaxError(
      `cron expression is ${expression.length} characters long; at most ${MAX_CRON_LENGTH} are accepted`,
    );
  }
  const trimmed = expression.trim();
  if (trimmed === '') throw new CronSyntaxError('cron expression is empty');

  const fields: FieldText[] = trimmed.split(/\s+/).map(fieldText);
  const [f0, f1, f2, f3, f4, f5, f6] = fields;
  if (fields.length === 5 && f0 && f1 && f2 && f3 && f4) {
    rejectUnprintable(fields, UNIX_FIELDS);
    return { dialect: 'unix', schedule: parseUnix(f0, f1, f2, f3, f4) };
  }
  if ((fields.length === 6 || fields.length === 7) && f0 && f1 && f2 && f3 && f4 && f5) {
    rejectUnprintable(fields, QUARTZ_FIELDS);
    return { dialect: 'quartz', schedule: parseQuartz(f0, f1, f2, f3, f4, f5, f6) };
  }
  throw new CronSyntaxError(
    `cron expression '${printableAscii(trimmed)}' has ${fields.length} field${fields.length === 1 ? '' : 's'}; expected 5 ` +
      '(Unix: minute hour day-of-month month day-of-week) or 6-7 ' +
      '(Quartz: second minute hour day-of-month month day-of-week [year])',
  );
}

/**
 * Refuses any character outside printable ASCII, naming the field and the character's code point: every
 * message below quotes the field's text, which must not carry control or bidi characters into an answer or
 * a log line, and upper-casing must not turn a look-alike letter into a name ('ſat' into 'SAT'). Whitespace
 * never gets here: it separates the fields.
 */
function rejectUnprintable(fields: readonly FieldText[], specs: Record<string, CronFieldSpec>): void {
  const names = Object.values(specs).map((spec) => spec.name);
  fields.forEach((field, i) => {
    const bad = /[^\x21-\x7e]/u.exec(field.raw);
    if (bad) {
      fail(names[i] ?? 'year', `unexpected character ${codePoint(bad[0])} in '${printableAscii(field.raw)}'`);
    }
  });
}

function parseQuartz(
  second: FieldText,
  minute: FieldText,
  hour: FieldText,
  dayOfMonth: FieldText,
  month: FieldText,
  dayOfWeek: FieldText,
  year: FieldText | undefined,
): CronSchedule {
  const F = QUARTZ_FIELDS;
  const seconds = toValueSet(F.second, parseValues(second, F.second, 'quartz'));
  const minutes = toValueSet(F.minute, parseValues(minute, F.minute, 'quartz'));
  const hours = toValueSet(F.hour, parseValues(hour, F.hour, 'quartz'));
  const domField = parseQuartzDayOfMonth(dayOfMonth);
  const months = toValueSet(F.month, parseValues(month, F.month, 'quartz'));
  const dowField = parseQuartzDayOfWeek(dayOfWeek);
  const years = year === undefined ? allYears() : toValueSet(F.year, parseValues(year, F.year, 'quartz'));

  // Quartz requires exactly one of the two day fields to be '?', and reports it the same way.
  let days: DayRule;
  if (domField.kind === 'unspecified') {
    if (dowField.kind === 'unspecified') {
      fail('day-of-week', "day-of-month and day-of-week cannot both be '?'; exactly one of them must be '?'");
    }
    days =
      dowField.kind === 'values'
        ? {
            kind: 'days',
            daysOfMonth: ALL_DAYS_OF_MONTH,
            weekdays: weekdayMask(dowField.values, 1),
            combine: 'and',
          }
        : dowField.rule;
  } else {
    if (dowField.kind !== 'unspecified') {
      fail(
        'day-of-week',
        `'${dayOfWeek.raw}' given together with day-of-month '${dayOfMonth.raw}': support for specifying both a ` +
          "day-of-week AND a day-of-month parameter is not implemented; use '?' in one of them",
      );
    }
    days =
      domField.kind === 'values'
        ? {
            kind: 'days',
            daysOfMonth: dayOfMonthMask(domField.values),
            weekdays: ALL_WEEKDAYS,
            combine: 'and',
          }
        : domField.rule;
  }
  return { seconds, minutes, hours, months, years, days, followsClock: followsClock(hour) };
}

function parseUnix(
  minute: FieldText,
  hour: FieldText,
  dayOfMonth: FieldText,
  month: FieldText,
  dayOfWeek: FieldText,
): CronSchedule {
  const F = UNIX_FIELDS;
  const minutes = toValueSet(F.minute, parseValues(minute, F.minute, 'unix'));
  const hours = toValueSet(F.hour, parseValues(hour, F.hour, 'unix'));
  rejectQuartzDayForms(dayOfMonth, 'day-of-month');
  const daysOfMonth = parseValues(dayOfMonth, F.dayOfMonth, 'unix');
  const months = toValueSet(F.month, parseValues(month, F.month, 'unix'));
  rejectQuartzDayForms(dayOfWeek, 'day-of-week');
  const weekdays = parseValues(dayOfWeek, F.dayOfWeek, 'unix');

  // Vixie cron: if either day field starts with '*' (including '*/n'), a day must match both fields;
  // otherwise it must match either one ("0 0 1,15 * MON" = the 1st, the 15th and every Monday).
  const isStar = (field: FieldText): boolean => field.text.startsWith('*') || field.text === '?';
  const combine = isStar(dayOfMonth) || isStar(dayOfWeek) ? 'and' : 'or';

  return {
    seconds: new ValueSet(0, 59, [0]),
    minutes,
    hours,
    months,
    years: allYears(),
    followsClock: followsClock(hour),
    days: {
      kind: 'days',
      daysOfMonth: dayOfMonthMask(daysOfMonth),
      weekdays: weekdayMask(weekdays, 0),
      combine,
    },
  };
}

// An hour field written with `*` or a step anywhere ('*', '*/2', '/3', '1/2', '9-17/2', '*/6,1') runs by the
// clock; one that only names hours ('1', '1,13', '9-17', even '0-23') fires at those times of day. The text
// decides, as in Vixie and Debian cron (whose HR_STAR flag is set by a leading '*'): it says whether the
// author meant "every n hours" or "at these hours", which the set of values alone cannot tell apart.
function followsClock(hour: FieldText): boolean {
  return /[*/]/.test(hour.text);
}

function parseQuartzDayOfMonth(field: FieldText): DayField {
  const name: CronFieldName = 'day-of-month';
  const { raw, text } = field;
  if (text === '?') return { kind: 'unspecified' };
  if (text.includes('#')) fail(name, `'#' is only allowed in day-of-week (in '${raw}')`);
  // L starts and W ends every special form (L, L-n, LW, L-nW, nW); day-of-month has no names to confuse.
  const items = listItems(field, QUARTZ_FIELDS.dayOfMonth);
  if (items.some((item) => item.startsWith('L') || item.endsWith('W'))) {
    if (items.length > 1) {
      fail(name, `'L' and 'W' cannot be combined with other days in a list (in '${raw}'), as in Quartz`);
    }
    const last = /^L(?:-([0-9]+))?(W?)$/.exec(text);
    if (last) {
      const offset = last[1] === undefined ? 0 : Number(last[1]);
      if (offset > MAX_LAST_DAY_OFFSET) {
        fail(name, `offset in '${raw}' is out of range 0-${MAX_LAST_DAY_OFFSET}`);
      }
      return { kind: 'special', rule: { kind: 'last-day', offset, nearestWeekday: last[2] === 'W' } };
    }
    const weekday = /^([0-9]+)W$/.exec(text);
    if (weekday?.[1] !== undefined) {
      const day = Number(weekday[1]);
      if (day < 1 || day > 31) fail(name, `'${weekday[1]}' in '${raw}' is out of range 1-31`);
      return { kind: 'special', rule: { kind: 'nearest-weekday', day } };
    }
    fail(
      name,
      `'${raw}' is not a valid use of 'L'/'W'; expected L, L-n, LW, L-nW or nW for a single day n ` +
        "(ranges, steps and lists cannot be combined with 'L' or 'W')",
    );
  }
  return { kind: 'values', values: parseValues(field, QUARTZ_FIELDS.dayOfMonth, 'quartz') };
}

function parseQuartzDayOfWeek(field: FieldText): DayField {
  const name: CronFieldName = 'day-of-week';
  const spec = QUARTZ_FIELDS.dayOfWeek;
  const { raw, text } = field;
  if (text === '?') return { kind: 'unspecified' };
  // Special forms are 'L', 'nL' and 'n#k'; no day name ends in 'L' or contains '#'.
  const items = listItems(field, spec);
  if (items.some((item) => item.endsWith('L') || item.includes('#'))) {
    if (items.length > 1) {
      fail(name, `'L' and '#' cannot be combined with other days in a list (in '${raw}'), as in Quartz`);
    }
    // 'L' alone means 7 (Saturday), as in Quartz.
    if (text === 'L') return { kind: 'values', values: new Set([7]) };
    const last = /^([0-9]+|[A-Z]+)L$/.exec(text);
    if (last?.[1] !== undefined) {
      return { kind: 'special', rule: { kind: 'last-weekday', weekday: parseValue(last[1], spec, raw) - 1 } };
    }
    const nth = /^([0-9]+|[A-Z]+)#([0-9]*)$/.exec(text);
    if (nth?.[1] !== undefined && nth[2] !== undefined) {
      const weekday = parseValue(nth[1], spec, raw) - 1;
      const n = nth[2] === '' ? 0 : Number(nth[2]);
      if (n < 1 || n > MAX_NTH) {
        fail(name, `the number after '#' in '${raw}' must be between 1 and ${MAX_NTH}`);
      }
      return { kind: 'special', rule: { kind: 'nth-weekday', weekday, nth: n } };
    }
    fail(
      name,
      `'${raw}' is not a valid use of 'L'/'#'; expected L, nL (last n-day of the month) or n#k (k-th n-day) ` +
        'for a single day n',
    );
  }
  return { kind: 'values', values: parseValues(field, spec, 'quartz') };
}

/** Unix cron has no L/W/#; say so instead of a generic "invalid value". */
function rejectQuartzDayForms(field: FieldText, name: CronFieldName): void {
  // Day names (SUN … SAT) contain no L or #, but WED contains a W, so W is only special in day-of-month.
  const special = name === 'day-of-month' ? /[LW#]/.exec(field.text) : /[L#]/.exec(field.text);
  if (special) {
    fail(
      name,
      `'${special[0]}' in '${field.raw}' is a Quartz extension; use a 6- or 7-field Quartz expression ` +
        '(with seconds) to use it',
    );
  }
}

/**
 * Parses a list of plain items: `*`, `n`, `a-b`, each optionally with `/step`, names where the field has
 * them. Returns the set of values in the field's own numbering.
 */
function parseValues(field: FieldText, spec: CronFieldSpec, dialect: CronDialect): Set<number> {
  const { raw, text } = field;
  const bad = /[^0-9A-Za-z*?,/-]/.exec(raw);
  if (bad) fail(spec.name, `unexpected character '${raw.charAt(bad.index)}' in '${raw}'`);

  if (text.includes('?')) {
    if (spec.name !== 'day-of-month' && spec.name !== 'day-of-week') {
      fail(spec.name, `'?' is only allowed in day-of-month or day-of-week (in '${raw}')`);
    }
    if (text !== '?') fail(spec.name, `'?' must be the whole field, not part of '${raw}'`);
    // Quartz handles '?' before getting here; Unix accepts it as a synonym of '*'.
    return new Set(range(spec.min, spec.max, 1, spec));
  }

  const values = new Set<number>();
  const items = listItems(field, spec);
  // Split once: the raw items are only for messages. (Splitting `raw` again for every item made parsing
  // quadratic in the list's length: 50,000 items took minutes.)
  const rawItems = raw.split(',');
  for (const [i, item] of items.entries()) {
    const rawItem = rawItems[i] ?? item;
    if (item === '') fail(spec.name, `empty element in list '${raw}'`);
    for (const value of parseItem(item, rawItem, spec, dialect)) values.add(value);
  }
  return values;
}

/** The field's comma-separated items (upper-cased), refused past the field's list cap (see maxListItems). */
function listItems(field: FieldText, spec: CronFieldSpec): string[] {
  const items = field.text.split(',');
  const cap = maxListItems(spec);
  if (items.length > cap) {
    fail(
      spec.name,
      `the list has ${items.length} items; at most ${cap} are accepted (one per value of the field)`,
    );
  }
  return items;
}

function parseItem(item: string, rawItem: string, spec: CronFieldSpec, dialect: CronDialect): number[] {
  const slash = item.indexOf('/');
  const base = slash < 0 ? item : item.slice(0, slash);
  const step = slash < 0 ? undefined : parseStep(item.slice(slash + 1), rawItem, spec);

  // Quartz reads a bare '/n' as '*/n'.
  if (base === '*' || (base === '' && step !== undefined && dialect === 'quartz')) {
    return range(spec.min, spec.max, step ?? 1, spec);
  }
  if (base === '') fail(spec.name, `'${rawItem}' needs a value or '*' before '/'`);
  if (base.includes('*')) fail(spec.name, `'*' cannot be combined with other values in '${rawItem}'`);

  const bounds = base.split('-');
  if (bounds.length > 2 || bounds.some((bound) => bound === '')) {
    fail(
      spec.name,
      `'${rawItem}' is not a valid value or range (expected n or a-b, with non-negative numbers)`,
    );
  }
  const start = parseValue(bounds[0] ?? '', spec, rawItem);
  const endText = bounds[1];
  if (endText === undefined) {
    // 'a/n' runs from a to the end of the field; a lone value is just itself.
    return step === undefined ? [start] : range(start, spec.max, step, spec);
  }
  const end = parseValue(endText, spec, rawItem);
  if (start <= end) return range(start, end, step ?? 1, spec);
  // An "overflowing" range such as 22-2 (hours) or NOV-FEB wraps around in Quartz; Vixie cron and the year
  // field reject it.
  if (dialect === 'unix' || spec.name === 'year') {
    fail(spec.name, `range '${rawItem}' is reversed (start > end)`);
  }
  return range(start, end + (spec.max - spec.min + 1), step ?? 1, spec);
}

function parseStep(stepText: string, rawItem: string, spec: CronFieldSpec): number {
  if (!/^[0-9]+$/.test(stepText)) fail(spec.name, `step in '${rawItem}' must be a positive integer`);
  const step = Number(stepText);
  if (step < 1) fail(spec.name, `step in '${rawItem}' must be at least 1`);
  if (step > spec.maxStep) fail(spec.name, `step in '${rawItem}' is out of range 1-${spec.maxStep}`);
  return step;
}

function parseValue(token: string, spec: CronFieldSpec, context: string): number {
  let value: number | undefined;
  if (/^[0-9]+$/.test(token)) {
    value = Number(token);
  } else if (/^[A-Z]+$/.test(token)) {
    value = spec.names?.get(token);
    if (value === undefined) {
      const expected = spec.names ? `a name ${[...spec.names.keys()].join(', ')} or a number` : 'a number';
      fail(spec.name, `'${token}' in '${context}' is not valid; expected ${expected}`);
    }
  } else {
    fail(spec.name, `'${token}' in '${context}' is not a valid value`);
  }
  if (value < spec.min || value > spec.max) {
    fail(spec.name, `'${token}' is out of range ${spec.min}-${spec.max}`);
  }
  return value;
}

/** start, start+step, … up to end; values past the field's max wrap around (overflowing Quartz ranges). */
function range(start: number, end: number, step: number, spec: CronFieldSpec): number[] {
  const span = spec.max - spec.min + 1;
  const values: number[] = [];
  for (let v = start; v <= end; v += step) values.push(v > spec.max ? v - span : v);
  return values;
}

function toValueSet(spec: CronFieldSpec, values: ReadonlySet<number>): ValueSet {
  return new ValueSet(spec.min, spec.max, values);
}

function allYears(): ValueSet {
  return new ValueSet(MIN_YEAR, MAX_YEAR, range(MIN_YEAR, MAX_YEAR, 1, QUARTZ_FIELDS.year));
}

function dayOfMonthMask(values: ReadonlySet<number>): number {
  let mask = 0;
  for (const day of values) mask |= 1 << day;
  return mask;
}

/** Converts day-of-week values to a weekday mask (bit 0 = Sunday); `sunday` is Sunday's number (1 Quartz, 0 Unix). */
function weekdayMask(values: ReadonlySet<number>, sunday: number): number {
  let mask = 0;
  for (const value of values) mask |= 1 << ((value - sunday) % 7);
  return mask;
}
