import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { ErrorCode } from '@chaconne/contracts';
import type { FastifyReply } from 'fastify';
import { randomUUID } from 'node:crypto';
import { AppError } from '../../common/app-error';
import { databaseUnavailable, RETRY_AFTER_SECONDS } from '../../common/dependency-errors';
import { XcronCode, XcronError, type XcronResponse } from './xcron-codes';

/** xcron codes of failures raised outside the xcron module (auth guard, rate limit, ...). */
const BY_STATUS: Record<number, { code: XcronCode; error: ErrorCode }> = {
  400: { code: XcronCode.BAD_JSON, error: ErrorCode.VALIDATION_FAILED },
  401: { code: XcronCode.UNAUTHORIZED, error: ErrorCode.UNAUTHORIZED },
  404: { code: XcronCode.TASK_NOT_FOUND, error: ErrorCode.NOT_FOUND },
  413: { code: XcronCode.CALLBACK_TOO_LARGE, error: ErrorCode.PAYLOAD_TOO_LARGE },
  429: { code: XcronCode.RATE_LIMITED, error: ErrorCode.RATE_LIMITED },
  503: { code: XcronCode.ENQUEUE_FAILED, error: ErrorCode.DEPENDENCY_UNAVAILABLE },
};
const INTERNAL = { code: XcronCode.INTERNAL_ERROR, error: ErrorCode.INTERNAL_ERROR };

/** Answers every failure of the xcron routes in xcron's shape: `{ uuid, code, message, error, errors? }`. */
@Catch()
export class XcronExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(XcronExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const [status, body] = this.toBody(databaseUnavailable(exception) ?? exception);
    if (status === 503) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    void reply.status(status).send(body);
  }

  private toBody(exception: unknown): [number, XcronResponse] {
    const uuid = randomUUID();
    if (exception instanceof XcronError) {
      const body: XcronResponse = {
        uuid,
        code: exception.xcronCode,
        message: exception.message,
        error: exception.code,
      };
      if (exception.fieldErrors) body.errors = exception.fieldErrors;
      return [exception.status, body];
    }
    if (exception instanceof AppError) {
      const mapped = BY_STATUS[exception.status] ?? INTERNAL;
      const body: XcronResponse = {
        uuid,
        code: mapped.code,
        message: exception.message,
        error: exception.code,
      };
      if (exception.fieldErrors) body.errors = exception.fieldErrors;
      return [exception.status, body];
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const mapped = BY_STATUS[status] ?? (status < 500 ? BY_STATUS[400] : undefined) ?? INTERNAL;
      return [status, { uuid, code: mapped.code, message: exception.message, error: mapped.error }];
    }
    this.logger.error(
      exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
    );
    return [500, { uuid, code: INTERNAL.code, message: 'internal error', error: INTERNAL.error }];
  }
}
