/**
 * The minimal logger the SDK writes its own diagnostics to (not job logs, which go to the
 * manager). Nest's `Logger`, pino and `console` all fit.
 */
export interface WorkerLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A `console`-backed {@link WorkerLogger} that prefixes every line. */
export function consoleLogger(prefix = '[chaconne-worker]'): WorkerLogger {
  return {
    log: (message) => {
      console.log(`${prefix} ${message}`);
    },
    warn: (message) => {
      console.warn(`${prefix} ${message}`);
    },
    error: (message) => {
      console.error(`${prefix} ${message}`);
    },
  };
}
