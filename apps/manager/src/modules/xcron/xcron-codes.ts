import { randomUUID } from 'node:crypto';
import { ErrorCode, type FieldError, XcronCode, type XcronResponse } from '@chaconne/contracts';

// The wire vocabulary lives in the contracts; the rest of this module keeps importing it from here.
export { XcronCode, XcronType } from '@chaconne/contracts';
export type { XcronResponse } from '@chaconne/contracts';
import { AppError } from '../../common/app-error';

/** A success answer; `warnings` only when there are some, so a plain answer stays xcron's. */
export function xcronOk<T>(data?: T, warnings: readonly string[] = []): XcronResponse<T> {
  const answer: XcronResponse<T> =
    data === undefined ? { uuid: randomUUID(), code: XcronCode.OK } : { uuid: randomUUID(), code: 0, data };
  if (warnings.length > 0) answer.warnings = [...warnings];
  return answer;
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
  // 413 only when the size is the only thing wrong.
  XcronCode.CALLBACK_TOO_LARGE,
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

  /**
   * A refusal listing every problem; its code is the most fundamental one's. 400, or 413
   * when the callback's size is all that is wrong.
   */
  static invalid(problems: readonly XcronProblem[]): XcronError {
    const code =
      PRIORITY.find((c) => problems.some((p) => p.code === c)) ?? problems[0]?.code ?? XcronCode.BAD_JSON;
    const [errorCode, status] =
      code === XcronCode.CALLBACK_NOT_ALLOWED
        ? [ErrorCode.CALLBACK_NOT_ALLOWED, 400]
        : code === XcronCode.CALLBACK_TOO_LARGE
          ? [ErrorCode.PAYLOAD_TOO_LARGE, 413]
          : [ErrorCode.VALIDATION_FAILED, 400];
    return new XcronError(
      code,
      errorCode,
      problems.map((p) => `${p.field}: ${p.reason}`).join('; '),
      status,
      problems.map(({ field, reason }) => ({ field, reason })),
    );
  }

  static of(code: XcronCode, field: string, reason: string): XcronError {
    return XcronError.invalid([{ code, field, reason }]);
  }
}
