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

/**
 * The most field errors one answer lists. A body of 2 MB can hold 300,000 unknown keys; an
 * answer naming each would be several times larger than the request.
 */
export const MAX_FIELD_ERRORS = 100;

/** At most MAX_FIELD_ERRORS of `errors`, and one more saying how many were left out. */
function bounded(errors: FieldError[]): FieldError[] {
  if (errors.length <= MAX_FIELD_ERRORS) return errors;
  const more = errors.length - MAX_FIELD_ERRORS;
  return [...errors.slice(0, MAX_FIELD_ERRORS), { field: '(body)', reason: `and ${more} more problems` }];
}

export class ValidationFailed extends AppError {
  constructor(fieldErrors: FieldError[]) {
    const listed = bounded(fieldErrors);
    super(ErrorCode.VALIDATION_FAILED, listed.map((e) => `${e.field}: ${e.reason}`).join('; '), 400, listed);
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
