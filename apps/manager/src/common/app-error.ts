import { ErrorCode, type FieldError } from '@chaconne/contracts';

/** Base of every error the manager answers with: a stable code and an HTTP status. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly status: number,
    readonly fieldErrors?: FieldError[],
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationFailed extends AppError {
  constructor(fieldErrors: FieldError[]) {
    super(
      ErrorCode.VALIDATION_FAILED,
      fieldErrors.map((e) => `${e.field}: ${e.reason}`).join('; '),
      400,
      fieldErrors,
    );
  }

  static of(field: string, reason: string): ValidationFailed {
    return new ValidationFailed([{ field, reason }]);
  }
}

export class NotFound extends AppError {
  constructor(code: ErrorCode, message: string) {
    super(code, message, 404);
  }
}

export class Unauthorized extends AppError {
  constructor(code: ErrorCode, message: string) {
    super(code, message, 401);
  }
}

export class Conflict extends AppError {
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, 409, undefined, details);
  }
}
