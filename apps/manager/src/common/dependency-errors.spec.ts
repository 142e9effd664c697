import { ErrorCode } from '@chaconne/contracts';
import { QueryFailedError } from 'typeorm';
import { databaseUnavailable } from './dependency-errors';

/** An error as mysql2 raises it: the Node or server error, with `fatal` when the connection broke. */
function driverError(
  message: string,
  fields: { code: string; fatal?: boolean; errno?: number },
): Error & { code: string } {
  return Object.assign(new Error(message), fields);
}

describe('databaseUnavailable', () => {
  it.each([
    [
      'a refused connection',
      driverError('connect ECONNREFUSED 10.0.0.5:3306', { code: 'ECONNREFUSED', fatal: true }),
    ],
    [
      'a connection lost mid-query',
      driverError('Connection lost: The server closed the connection.', {
        code: 'PROTOCOL_CONNECTION_LOST',
        fatal: true,
      }),
    ],
    [
      'a server shutting down',
      driverError('Server shutdown in progress', { code: 'ER_SERVER_SHUTDOWN', errno: 1053 }),
    ],
    [
      'a server out of connections',
      driverError('Too many connections', { code: 'ER_CON_COUNT_ERROR', errno: 1040 }),
    ],
  ])('answers 503 DEPENDENCY_UNAVAILABLE for %s, raw or wrapped by TypeORM', (_what, error) => {
    for (const raised of [error, new QueryFailedError('SELECT 1', [], error)]) {
      const answer = databaseUnavailable(raised);
      expect(answer).toMatchObject({ status: 503, code: ErrorCode.DEPENDENCY_UNAVAILABLE });
      // The driver's code, never the database's address.
      expect(answer?.message).toContain(error.code);
      expect(answer?.message).not.toContain('10.0.0.5');
    }
  });

  it.each([
    [
      'a statement the server refused',
      driverError("Duplicate entry '1' for key 'PRIMARY'", { code: 'ER_DUP_ENTRY', errno: 1062 }),
    ],
    [
      'a refused connection to something else than MySQL',
      driverError('connect ECONNREFUSED', { code: 'ECONNREFUSED' }),
    ],
    ['a plain error', new Error('boom')],
    ['something that is not an error', 'boom'],
  ])('answers null for %s', (_what, error) => {
    expect(databaseUnavailable(error)).toBeNull();
  });
});
