import { ErrorCode } from '@chaconne/contracts';
import { AppError } from './app-error';

/**
 * MySQL server errors that mean "not now" rather than "never": the server is shutting
 * down, out of connections, or killed the connection. (mysql2 marks every error that broke
 * the connection, refused or lost sockets included, `fatal`.)
 */
const UNAVAILABLE_SERVER_CODES = new Set([
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
  'ER_CONNECTION_KILLED',
  'ER_QUERY_INTERRUPTED',
]);

/** Seconds a client is told to wait before trying again (the `Retry-After` header). */
export const RETRY_AFTER_SECONDS = 1;

/**
 * A driver error meaning the database cannot be reached or lost the connection, as the
 * driver raises it or as TypeORM wraps it (`QueryFailedError` copies the driver error's
 * fields). Such a failure says nothing about the request: sent again later it may succeed.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { fatal, code } = error as { fatal?: unknown; code?: unknown };
  return fatal === true || (typeof code === 'string' && UNAVAILABLE_SERVER_CODES.has(code));
}

/**
 * The answer to a request that failed because MySQL is unavailable: 503
 * DEPENDENCY_UNAVAILABLE, which every client (the worker SDK's report and log retries
 * among them) reads as "send it again"; null for any other error. The message names the
 * driver's code only, not the database's address.
 */
export function databaseUnavailable(error: unknown): AppError | null {
  if (!isDatabaseUnavailable(error)) return null;
  const code = (error as { code?: unknown }).code;
  const cause = typeof code === 'string' ? ` (${code})` : '';
  return new AppError(
    ErrorCode.DEPENDENCY_UNAVAILABLE,
    `the database is unavailable${cause}; try again`,
    503,
  );
}
