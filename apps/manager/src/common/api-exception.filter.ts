import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { type ApiFailure, ErrorCode } from '@chaconne/contracts';
import type { FastifyReply } from 'fastify';
import { AppError } from './app-error';
import { databaseUnavailable, RETRY_AFTER_SECONDS } from './dependency-errors';

const STATUS_CODES: Record<number, ErrorCode> = {
  400: ErrorCode.VALIDATION_FAILED,
  401: ErrorCode.UNAUTHORIZED,
  404: ErrorCode.NOT_FOUND,
  409: ErrorCode.STATE_CONFLICT,
  413: ErrorCode.PAYLOAD_TOO_LARGE,
  415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
  429: ErrorCode.RATE_LIMITED,
  503: ErrorCode.DEPENDENCY_UNAVAILABLE,
};

/** An outage fails every request: it is logged once per this many milliseconds. */
const UNAVAILABLE_LOG_INTERVAL_MS = 5_000;

/**
 * Maps every error to the one error body: `{ success: false, msg, code, data: null, errors? }`.
 * A request that failed because MySQL is unavailable answers 503 DEPENDENCY_UNAVAILABLE with
 * `Retry-After` (not 500: it was not the manager's fault, and sent again it will succeed).
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(ApiExceptionFilter.name);
  private unavailableLoggedAt = 0;

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const [status, body] = this.toBody(exception);
    if (status === 503) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    void reply.status(status).send(body);
  }

  private toBody(exception: unknown): [number, ApiFailure] {
    const unavailable = databaseUnavailable(exception);
    if (unavailable) {
      this.noteUnavailable(exception);
      return this.toBody(unavailable);
    }
    if (exception instanceof AppError) {
      const body: ApiFailure = { success: false, msg: exception.message, code: exception.code, data: null };
      if (exception.fieldErrors) body.errors = exception.fieldErrors;
      if (exception.details) body.details = exception.details;
      return [exception.status, body];
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code =
        STATUS_CODES[status] ?? (status < 500 ? ErrorCode.VALIDATION_FAILED : ErrorCode.INTERNAL_ERROR);
      return [status, { success: false, msg: exception.message, code, data: null }];
    }
    const fastifyStatus = (exception as { statusCode?: unknown }).statusCode;
    if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
      // Fastify's own errors, e.g. a body that is not valid JSON.
      const message = exception instanceof Error ? exception.message : 'bad request';
      return [
        fastifyStatus,
        {
          success: false,
          msg: message,
          code: STATUS_CODES[fastifyStatus] ?? ErrorCode.VALIDATION_FAILED,
          data: null,
        },
      ];
    }
    this.logger.error(
      exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
    );
    return [500, { success: false, msg: 'internal error', code: ErrorCode.INTERNAL_ERROR, data: null }];
  }

  private noteUnavailable(exception: unknown): void {
    const now = Date.now();
    if (now - this.unavailableLoggedAt < UNAVAILABLE_LOG_INTERVAL_MS) return;
    this.unavailableLoggedAt = now;
    this.logger.warn(
      `answering 503: the database is unavailable (${exception instanceof Error ? exception.message : String(exception)})`,
    );
  }
}
