/**
 * The ranges of a job definition's numbers and dates, shared by the manager's request schemas,
 * the worker SDK's checks and the client's builders. Each bound keeps a value inside what the
 * manager stores (MySQL INT and DATETIME columns) and what its scheduler and the SDK compute
 * with (JavaScript dates, Node timers).
 */

/**
 * Earliest date a request may carry: the Unix epoch. Nothing the manager stores predates it,
 * and epoch milliseconds are non-negative on the wire.
 */
export const EARLIEST_DATE_MS = 0;

/**
 * Latest date a request may carry: 9999-12-31T23:59:59.999Z, the last instant a MySQL
 * DATETIME holds. (JavaScript dates go on to year 275760, which MySQL refuses.)
 */
export const LATEST_DATE_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** Why an instant cannot be used as a date of a request, or undefined when it can. */
export function dateRangeProblem(ms: number): string | undefined {
  if (!Number.isFinite(ms)) return 'is not a valid date';
  if (ms < EARLIEST_DATE_MS || ms > LATEST_DATE_MS) {
    return 'must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z';
  }
  return undefined;
}

const DAY_MS = 86_400_000;

/** Bounds of a job definition's numbers (persistJob, the SDK's code-defined jobs, the client's builder). */
export const JOB_DEFINITION_LIMITS = {
  /** Retries after a failed run. */
  maxRetries: 100,
  /** Fork/join weight. */
  maxWeight: 1_000_000,
  /**
   * A run's timeout: 7 days. Node timers cannot wait longer than 2^31-1 ms (24.8 days; a
   * longer one fires at once), and a frozen job waits up to 1024 timeouts. Longer jobs run
   * without a timeout (-1).
   */
  maxTimeoutMs: 7 * DAY_MS,
  /** Scheduled runs before the job finishes (-1 = unlimited); the manager counts them in an INT. */
  maxRepeatCount: 1_000_000_000,
  /**
   * A PERIODIC trigger's period × unit: 366 days. Rarer schedules are cron expressions (with
   * a year field) or one-shot SIMPLE triggers.
   */
  maxPeriodMs: 366 * DAY_MS,
  /** Upstream keys (`dependentKeys`) and fork keys (`forkKeys`) of one job, each. */
  maxDependencyKeys: 100,
  /** Characters of a description and of an e-mail list. */
  maxDescriptionLength: 1024,
  maxEmailLength: 1024,
  /** Characters of a cron expression: real ones take a few dozen; the cap bounds the cost of parsing it. */
  maxCronLength: 1024,
  /**
   * UTF-8 bytes of an attachment: the largest CHACONNE_ATTACHMENT_LIMIT_BYTES a manager takes.
   * A manager may be configured with less (64 KiB by default) and refuses more with 413.
   */
  maxAttachmentBytes: 1_048_576,
} as const;
