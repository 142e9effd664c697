import { ProtocolLimits } from '@chaconne/contracts';

/** Longest log line shipped (the manager refuses longer ones); longer messages are cut. */
export const MAX_LOG_LINE_CHARS = ProtocolLimits.logMessageChars;

const CUT_MARK = '... [truncated]';

/**
 * `text` if it has at most `max` characters, else its start and a mark saying it was cut,
 * `max` characters in all (never splitting a surrogate pair).
 */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - CUT_MARK.length);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}${CUT_MARK}`;
}

function isError(value: unknown): value is Error {
  return value instanceof Error;
}

/** `JSON.stringify`, typed honestly: it returns undefined for functions and symbols. */
export function toJson(
  value: unknown,
  replacer?: (key: string, value: unknown) => unknown,
): string | undefined {
  return JSON.stringify(value, replacer);
}

function jsonOf(value: object): string {
  const seen = new WeakSet();
  try {
    return (
      toJson(value, (_key, inner: unknown) => {
        if (typeof inner === 'bigint') return inner.toString();
        if (typeof inner === 'object' && inner !== null) {
          if (seen.has(inner)) return '[Circular]';
          seen.add(inner);
        }
        return inner;
      }) ?? Object.prototype.toString.call(value)
    );
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** How one argument reads inside a message: objects as JSON, errors as `Name: message`. */
export function formatArg(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'undefined':
      return String(value);
    case 'symbol':
      return value.toString();
    case 'function':
      return `[Function ${value.name || 'anonymous'}]`;
    case 'object':
      if (value === null) return 'null';
      if (isError(value)) return `${value.name}: ${value.message}`;
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
      return jsonOf(value);
  }
}

/**
 * SLF4J-style formatting, as Chaconne users write it: each `{}` takes the next argument
 * (`\{}` is a literal `{}`); a `{}` without an argument stays as is. Arguments left over
 * are appended, separated by spaces, and every left-over `Error` contributes its stack on
 * the following lines.
 *
 * @example
 * formatLogMessage('JobKey:{}, Parameter: {}', [{ jobName: 'etl' }, '{"day":1}'])
 * // 'JobKey:{"jobName":"etl"}, Parameter: {"day":1}'
 */
export function formatLogMessage(pattern: string, args: readonly unknown[]): string {
  let out = '';
  let next = 0;
  let from = 0;
  for (;;) {
    const at = pattern.indexOf('{}', from);
    if (at < 0) break;
    const escaped = at > 0 && pattern[at - 1] === '\\';
    const doubleEscaped = escaped && at > 1 && pattern[at - 2] === '\\';
    if (escaped && !doubleEscaped) {
      out += `${pattern.slice(from, at - 1)}{}`;
    } else {
      // `\\{}` is a literal backslash followed by a placeholder.
      out += pattern.slice(from, doubleEscaped ? at - 1 : at);
      out += next < args.length ? formatArg(args[next++]) : '{}';
    }
    from = at + 2;
  }
  out += pattern.slice(from);
  const rest = args.slice(next);
  const extras = rest.filter((arg) => !isError(arg)).map(formatArg);
  if (extras.length > 0) out += ` ${extras.join(' ')}`;
  for (const error of rest.filter(isError)) {
    out += `\n${error.stack ?? `${error.name}: ${error.message}`}`;
  }
  return clipText(out, MAX_LOG_LINE_CHARS);
}
