/**
 * Thrown by `CronExpression.parse` for any expression it cannot accept.
 *
 * `field` names the offending field ('second', 'minute', 'hour', 'day-of-month', 'month', 'day-of-week',
 * 'year') so API callers can point the user at the right input; it is undefined for problems with the
 * expression as a whole (empty string, wrong number of fields).
 */
export class CronSyntaxError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'CronSyntaxError';
  }
}
