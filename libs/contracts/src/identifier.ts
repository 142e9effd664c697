/**
 * The character rules of names and free text, which the job-definition schema
 * (`@chaconne/contracts/definition`) applies for the manager, the worker SDK and the client, so
 * a worker or a client is refused early with the words the manager would answer.
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
