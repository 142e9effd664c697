import type { ErrorCode, FieldError } from '@chaconne/contracts';

/** An error answer of the manager, with its stable code and field-level problems. */
export class ChaconneApiError extends Error {
  constructor(
    message: string,
    /** HTTP status; 0 when the manager could not be reached. */
    readonly status: number,
    readonly code: ErrorCode | 'NETWORK_ERROR' | 'BAD_RESPONSE',
    readonly fieldErrors: FieldError[] = [],
  ) {
    super(message);
    this.name = 'ChaconneApiError';
  }
}
