import { CronExpression, CronSyntaxError } from '../trigger/cron/cron-expression';
import type { UrlVerdict } from './callback-policy';
import { XcronCode, XcronError, type XcronProblem, XcronType } from './xcron-codes';

/** What a task runs: the manager POSTs `body` as JSON to `url`. Stored as the job's attachment. */
export interface TaskCallback {
  url: string;
  body: Record<string, unknown>;
}

export type TaskSchedule = { kind: 'cron'; expression: string } | { kind: 'once'; atMs: number };

/** A valid createTask request. `type` is the effective one: a timestamp format is a one-shot. */
export interface CreateTaskCommand {
  type: XcronType;
  format: string;
  callback: TaskCallback;
  schedule: TaskSchedule;
}

export interface CreateTaskContext {
  timeZone: string;
  now: number;
  /** The SSRF policy's DNS-free URL check. */
  checkUrl: (url: string) => UrlVerdict;
}

const UNIX_SECONDS = /^\d{10}$/;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads an xcron request body. The xcron routes receive the body as text (see
 * XcronBodyAsText), so a body that is not JSON is answered here with xcron's code 1000.
 */
export function readJsonBody(body: unknown): Record<string, unknown> {
  let value = body;
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    const text = body.toString();
    if (text.trim() === '') throw XcronError.of(XcronCode.BAD_JSON, '(body)', 'is empty; send a JSON object');
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw XcronError.of(XcronCode.BAD_JSON, '(body)', `is not valid JSON (${(error as Error).message})`);
    }
  }
  if (!isObject(value)) throw XcronError.of(XcronCode.BAD_JSON, '(body)', 'must be a JSON object');
  return value;
}

/**
 * Validates a createTask body, xcron's way: type 1 = periodic (crontab: 5-field Unix or
 * 6/7-field Quartz), type 2 = one-shot (10-digit unix seconds, not in the past). A format
 * that is a 10-digit timestamp is a one-shot whatever the type, as xcron's own benchmark
 * sends type 1 with a timestamp. Returns every problem found, or the command.
 */
export function validateCreateTask(
  body: Record<string, unknown>,
  context: CreateTaskContext,
): { command: CreateTaskCommand } | { problems: XcronProblem[] } {
  const problems: XcronProblem[] = [];
  const problem = (code: XcronCode, field: string, reason: string): void => {
    problems.push({ code, field, reason });
  };

  let type: XcronType | null = null;
  const rawType = body.type;
  if (rawType === undefined || rawType === null)
    problem(
      XcronCode.UNKNOWN_TYPE,
      'type',
      'is required: 1 (periodic, crontab) or 2 (one-shot, unix seconds)',
    );
  else if (typeof rawType !== 'number' || !Number.isInteger(rawType))
    problem(XcronCode.BAD_JSON, 'type', 'must be an integer');
  else if (rawType !== XcronType.PERIODIC && rawType !== XcronType.ONE_SHOT)
    problem(
      XcronCode.UNKNOWN_TYPE,
      'type',
      `${rawType} is not a task type: 1 (periodic, crontab) or 2 (one-shot, unix seconds)`,
    );
  else type = rawType;

  let format: string | null = null;
  if (body.format === undefined || body.format === null)
    problem(XcronCode.BAD_FORMAT, 'format', 'is required');
  else if (typeof body.format !== 'string') problem(XcronCode.BAD_JSON, 'format', 'must be a string');
  else format = body.format.trim();

  let schedule: TaskSchedule | null = null;
  if (type !== null && format !== null) {
    if (UNIX_SECONDS.test(format)) {
      const atMs = Number(format) * 1000;
      // Second resolution: the current second is still "now", not the past.
      if (atMs < Math.floor(context.now / 1000) * 1000)
        problem(
          XcronCode.BAD_TIMESTAMP,
          'format',
          `${format} (${new Date(atMs).toISOString()}) is in the past`,
        );
      else schedule = { kind: 'once', atMs };
    } else if (type === XcronType.ONE_SHOT) {
      problem(XcronCode.BAD_FORMAT, 'format', 'must be a 10-digit unix timestamp in seconds for type 2');
    } else {
      schedule = cronSchedule(format, context, problem);
    }
  }

  let callback: TaskCallback | null = null;
  const rawCallback = body.callback;
  if (rawCallback === undefined || rawCallback === null) {
    problem(XcronCode.BAD_CALLBACK_URL, 'callback.url', 'is required');
  } else if (!isObject(rawCallback)) {
    problem(XcronCode.BAD_JSON, 'callback', 'must be an object { url, body }');
  } else {
    const { url, body: payload } = rawCallback;
    let checkedUrl: string | null = null;
    if (url === undefined || url === null || url === '')
      problem(XcronCode.BAD_CALLBACK_URL, 'callback.url', 'is required');
    else if (typeof url !== 'string') problem(XcronCode.BAD_JSON, 'callback.url', 'must be a string');
    else {
      const verdict = context.checkUrl(url.trim());
      if (verdict.ok) checkedUrl = url.trim();
      else
        problem(
          verdict.kind === 'refused' ? XcronCode.CALLBACK_NOT_ALLOWED : XcronCode.BAD_CALLBACK_URL,
          'callback.url',
          verdict.reason,
        );
    }
    let payloadObject: Record<string, unknown> | null = null;
    if (payload === undefined || payload === null) payloadObject = {};
    else if (isObject(payload)) payloadObject = payload;
    else problem(XcronCode.BAD_JSON, 'callback.body', 'must be a JSON object (a map of keys to values)');
    if (checkedUrl !== null && payloadObject !== null) callback = { url: checkedUrl, body: payloadObject };
  }

  if (problems.length > 0 || type === null || format === null || schedule === null || callback === null)
    return { problems };
  return {
    command: {
      type: schedule.kind === 'once' ? XcronType.ONE_SHOT : XcronType.PERIODIC,
      format,
      callback,
      schedule,
    },
  };
}

function cronSchedule(
  format: string,
  context: CreateTaskContext,
  problem: (code: XcronCode, field: string, reason: string) => void,
): TaskSchedule | null {
  if (format === '') {
    problem(XcronCode.BAD_FORMAT, 'format', 'must be a crontab expression for type 1');
    return null;
  }
  let expression: CronExpression;
  try {
    expression = CronExpression.parse(format);
  } catch (error) {
    const reason = error instanceof CronSyntaxError ? error.message : String(error);
    problem(XcronCode.BAD_FORMAT, 'format', `is not a crontab expression: ${reason}`);
    return null;
  }
  if (expression.next(context.now, context.timeZone) === null) {
    problem(XcronCode.BAD_FORMAT, 'format', 'never fires after now');
    return null;
  }
  return { kind: 'cron', expression: format };
}

/** The callback stored as an xcron job's attachment, or null if it is not one. */
export function parseTaskCallback(attachment: string | null): TaskCallback | null {
  if (attachment === null) return null;
  try {
    const value = JSON.parse(attachment) as { url?: unknown; body?: unknown } | null;
    if (typeof value?.url !== 'string') return null;
    return { url: value.url, body: isObject(value.body) ? value.body : {} };
  } catch {
    return null;
  }
}

/** A task id from a deleteTask body or a queryTask query. */
export function readTaskId(value: unknown): string {
  const id = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  if (typeof id !== 'string' || id.trim() === '')
    throw XcronError.of(XcronCode.BAD_TASK_ID, 'task_id', 'is required (the task_id createTask answered)');
  if (id.length > 191) throw XcronError.of(XcronCode.BAD_TASK_ID, 'task_id', 'is too long');
  return id.trim();
}
