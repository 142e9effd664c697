import { ConsoleLogger, type ConsoleLoggerOptions, type LogLevel } from '@nestjs/common';
import { inspect } from 'node:util';

/**
 * Characters a log line must never carry raw: controls (CR, LF, ESC, ... C0, DEL, C1), the
 * Unicode line and paragraph separators, bidirectional controls (which reorder what a
 * terminal or viewer shows), and lone surrogates.
 */
const UNSAFE = /[\p{Cc}\p{Zl}\p{Zp}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]|\p{Cs}/gu;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * `text` with every unsafe character escaped (`\n`, `\r`, `\t`, else `\u001b`-style), so that
 * whatever a job name, a reason or an error message holds, it stays on its own line and reads
 * as it is stored.
 */
export function escapeLogText(text: string): string {
  return text.replace(
    UNSAFE,
    (char) => NAMED[char] ?? `\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * Nest's start-up chatter: a line per module initialised and per route mapped (about 150),
 * which buries the lines that matter (the generated admin token, "ready"). Written at debug.
 */
const DEBUG_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);

/**
 * The manager's logger: Nest's ConsoleLogger, but every message, context and stack is written
 * on one line with its control characters escaped (no input can forge or reorder a log line),
 * and Nest's module and route mapping lines are written at debug level.
 */
export class ManagerLogger extends ConsoleLogger {
  constructor(options: ConsoleLoggerOptions = {}) {
    super(options);
  }

  override log(message: unknown, ...optionalParams: unknown[]): void {
    if (DEBUG_CONTEXTS.has(this.contextOf(optionalParams))) super.debug(message, ...optionalParams);
    else super.log(message, ...optionalParams);
  }

  protected override stringifyMessage(message: unknown, logLevel: LogLevel): string {
    // A function is called (or a class named) by ConsoleLogger, which comes back here with the result.
    if (typeof message === 'function') return super.stringifyMessage(message, logLevel) as string;
    const text =
      typeof message === 'string'
        ? message
        : inspect(message, { ...this.inspectOptions, colors: false, compact: true, breakLength: Infinity });
    return this.colorize(escapeLogText(text), logLevel);
  }

  protected override formatContext(context: string): string {
    return super.formatContext(escapeLogText(context));
  }

  protected override printStackTrace(stack: string): void {
    super.printStackTrace(stack ? escapeLogText(stack) : stack);
  }

  /** The context a call names as its last string argument (Nest's convention), else the logger's own. */
  private contextOf(optionalParams: unknown[]): string {
    const last = optionalParams[optionalParams.length - 1];
    return typeof last === 'string' ? last : (this.context ?? '');
  }
}
