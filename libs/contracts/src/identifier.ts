/**
 * The text rules every side applies to names and free text: the manager's request schemas,
 * the worker SDK's checks of the jobs it registers, and the client's builders, so a worker or
 * a client is refused early with the words the manager would answer.
 *
 * An identifier (cluster, group, job and job class names, label names and values, plugin
 * names, token names) is shown in logs, mails, the console and other tools: it may hold any
 * letter, digit, mark, punctuation, symbol or space, but no character that is invisible or
 * changes how the text around it is laid out. Free text (a job's description) may also hold
 * tabs and line breaks.
 */

/**
 * Characters no identifier may hold: control characters (C0 with CR and LF, DEL, C1), every
 * format character (bidirectional overrides and isolates, zero-width characters, the BOM,
 * soft hyphen, ...), line and paragraph separators, and lone surrogates.
 */
const NOT_IN_IDENTIFIERS = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]|\p{Cs}/u;

/**
 * Characters free text may not hold: controls other than tab, LF and CR (NUL, ESC, ...), the
 * bidirectional controls that make text display in another order than it is stored (the
 * "Trojan Source" characters), the Unicode line and paragraph separators (line breaks that
 * many tools do not see as such), and lone surrogates. Zero-width joiners and the like stay
 * allowed: emoji sequences need them and they cannot reorder text.
 */
const NOT_IN_FREE_TEXT =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\u2028\u2029]|\p{Cs}/u;

const BIDI_CONTROL = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

/** What a refused character is, in words. */
function kindOf(char: string): string {
  if (/\p{Cs}/u.test(char)) return 'a lone surrogate';
  if (char === '\n') return 'a line feed';
  if (char === '\r') return 'a carriage return';
  if (char === '\t') return 'a tab';
  if (char === '\u0000') return 'a NUL character';
  if (/\p{Cc}/u.test(char)) return 'a control character';
  if (BIDI_CONTROL.test(char)) return 'a bidirectional control character';
  if (/[\p{Zl}\p{Zp}]/u.test(char)) return 'a line or paragraph separator';
  return 'an invisible format character';
}

/** `U+000A`: a character as the Unicode notation (never the raw character, which may be unprintable). */
export function codePoint(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** `text` with every character outside printable ASCII written as `\u{…}`: safe to quote in an answer or a log line. */
export function printableAscii(text: string): string {
  return text.replace(/[^\x20-\x7e]/gu, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`);
}

function forbiddenCharacterProblem(value: string, rule: RegExp): string | undefined {
  const found = rule.exec(value);
  if (!found) return undefined;
  const char = found[0];
  return `contains ${kindOf(char)} (${codePoint(char)}) at position ${found.index + 1}`;
}

/**
 * The characters of `value` no identifier may hold (control, format, separator characters,
 * lone surrogates), in words, or undefined when there is none. Checked on the raw value,
 * before any trimming.
 */
export function identifierCharacterProblem(value: string): string | undefined {
  return forbiddenCharacterProblem(value, NOT_IN_IDENTIFIERS);
}

/** The characters free text may not hold (controls but tab/LF/CR, bidi controls, lone surrogates), or undefined. */
export function freeTextCharacterProblem(value: string): string | undefined {
  return forbiddenCharacterProblem(value, NOT_IN_FREE_TEXT);
}

/**
 * Everything wrong with an identifier, in the manager's words, or undefined: a string, with
 * no forbidden character, not blank, at most `maxLength` characters once trimmed (the manager
 * trims names before storing them).
 */
export function identifierProblem(value: unknown, maxLength: number): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  const characters = identifierCharacterProblem(value);
  if (characters) return characters;
  const trimmed = value.trim();
  if (trimmed === '') return 'must not be empty';
  if (trimmed.length > maxLength) return `must be at most ${maxLength} characters`;
  return undefined;
}

/** Longest part of a JobKey (the manager's column widths). */
export const JOB_KEY_MAX_LENGTH = {
  clusterName: 64,
  groupName: 64,
  jobName: 191,
  jobClassName: 255,
} as const;

/** Longest identifiers elsewhere: labels, plugin names (load balancer, termination strategy), hash key, token names. */
export const IDENTIFIER_MAX_LENGTH = {
  labelName: 64,
  labelValue: 256,
  pluginName: 64,
  hashKey: 191,
  tokenName: 64,
} as const;

/** The problems of a JobKey, each with its part as `field` (`clusterName`, ...); empty when it is valid. */
export function jobKeyProblems(key: unknown): { field: string; reason: string }[] {
  if (typeof key !== 'object' || key === null || Array.isArray(key)) {
    return [
      { field: '(jobKey)', reason: 'must be an object { clusterName, groupName, jobName, jobClassName }' },
    ];
  }
  const record = key as Record<string, unknown>;
  return (Object.keys(JOB_KEY_MAX_LENGTH) as (keyof typeof JOB_KEY_MAX_LENGTH)[]).flatMap((part) => {
    const reason = identifierProblem(record[part], JOB_KEY_MAX_LENGTH[part]);
    return reason ? [{ field: part, reason }] : [];
  });
}

/**
 * The problems of a set of labels (a worker's, or those a job requires), each with its field:
 * `labels` for a bad name (never echoed: it may hold anything), `labels.<name>` for a bad value.
 */
export function labelProblems(
  labels: Readonly<Record<string, unknown>>,
): { field: string; reason: string }[] {
  return Object.entries(labels).flatMap(([name, value]) => {
    const nameProblem = identifierProblem(name, IDENTIFIER_MAX_LENGTH.labelName);
    if (nameProblem) return [{ field: 'labels', reason: `a label name ${nameProblem}` }];
    const valueProblem = identifierProblem(value, IDENTIFIER_MAX_LENGTH.labelValue);
    return valueProblem ? [{ field: `labels.${name}`, reason: valueProblem }] : [];
  });
}
