import { randomUUID } from 'node:crypto';
import { ErrorCode, type FieldError, XcronCode, type XcronResponse } from '@chaconne/contracts';

// The wire vocabulary lives in the contracts; the rest of this module keeps importing it from here.
export { XcronCode, XcronType } from '@chaconne/contracts';
export type { XcronResponse } from '@chaconne/contracts';
import { AppError } from '../../common/app-error';

export function xcronOk<T>(data?: T): XcronResponse<T> {
  return data === undefined
    ? { uuid: randomUUID(), code: XcronCode.OK }
    : { uuid: randomUUID(), code: 0, data };
}

/** One validation problem with the xcron code it maps to. */
export interface XcronProblem extends FieldError {
  code: XcronCode;
}

/** When several problems are found, the response code is the earliest in this order. */
const PRIORITY: readonly XcronCode[] = [
  XcronCode.BAD_JSON,
  XcronCode.UNKNOWN_TYPE,
  XcronCode.BAD_FORMAT,
  XcronCode.BAD_TIMESTAMP,
  XcronCode.BAD_CALLBACK_URL,
  XcronCode.CALLBACK_NOT_ALLOWED,
  XcronCode.BAD_TASK_ID,
];

/** An error answered in xcron's shape; also an AppError, so the global filter maps it sanely. */
export class XcronError extends AppError {
  constructor(
    readonly xcronCode: XcronCode,
    errorCode: ErrorCode,
    message: string,
    status: number,
    fieldErrors?: FieldError[],
  ) {
    super(errorCode, message, status, fieldErrors);
  }

  /** A 400 listing every problem; its code is the most fundamental one's. */
  static invalid(problems: readonly XcronProblem[]): XcronError {
    const code =
      PRIORITY.find((c) => problems.some((p) => p.code === c)) ?? problems[0]?.code ?? XcronCode.BAD_JSON;
    return new XcronError(
      code,
      code === XcronCode.CALLBACK_NOT_ALLOWED ? ErrorCode.CALLBACK_NOT_ALLOWED : ErrorCode.VALIDATION_FAILED,
      problems.map((p) => `${p.field}: ${p.reason}`).join('; '),
      400,
      problems.map(({ field, reason }) => ({ field, reason })),
    );
  }

  static of(code: XcronCode, field: string, reason: string): XcronError {
    return XcronError.invalid([{ code, field, reason }]);
  }
}
