import { parseJsonText, printableAscii } from '@chaconne/contracts';
import { MAX_PAGE, MAX_PAGE_SIZE } from '../../common/field-schemas';
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
  /** The SSRF policy's check of a URL, DNS included (CallbackPolicy.verify). */
  verifyUrl: (url: string) => Promise<UrlVerdict>;
  /** The most bytes `{ url, body }` may take as JSON (CHACONNE_ATTACHMENT_LIMIT_BYTES). */
  callbackLimitBytes: number;
}

/** The fields of xcron's documented API (README §5), and nothing else. */
const CREATE_TASK_FIELDS = ['type', 'format', 'callback'] as const;
const CALLBACK_FIELDS = ['url', 'body'] as const;
const TASK_ID_FIELDS = ['task_id'] as const;

/** Longest callback URL accepted: longer ones are refused before they are parsed. */
export const MAX_CALLBACK_URL_LENGTH = 2048;

/**
 * What a task id may look like: createTask answers UUIDs; xcron's own ids were decimal
 * numbers (those are answered "no such task"). Anything else cannot be a task id.
 */
export const TASK_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

/** At most this many unknown fields are named one by one; the rest are counted. */
const MAX_NAMED_UNKNOWN_FIELDS = 20;

const UNIX_SECONDS = /^\d{10}$/;

/**
 * Characters a URL may not carry: C0/C1 controls (the URL parser would drop some silently,
 * so what is stored would not be what is called), bidi controls that make text read other
 * than it is, and lone surrogates.
 */
const UNSAFE_URL_TEXT = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]|\p{Cs}/u;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A key as it may be shown in an answer: printable ASCII kept, the rest escaped, long keys cut. */
function printableKey(key: string): string {
  return key.length > 64 ? `${printableAscii(key.slice(0, 64))}…` : printableAscii(key);
}

/**
 * One problem per field of `value` that is not in `allowed`, named by its path under
 * `prefix`; past MAX_NAMED_UNKNOWN_FIELDS, one more problem counts the rest.
 */
function unknownFieldProblems(
  value: Record<string, unknown>,
  allowed: readonly string[],
  prefix: string,
  what: string,
): XcronProblem[] {
  const unknown = Object.keys(value).filter((key) => !allowed.includes(key));
  const expected = allowed.join(', ');
  const problems: XcronProblem[] = unknown.slice(0, MAX_NAMED_UNKNOWN_FIELDS).map((key) => ({
    code: XcronCode.BAD_JSON,
    field: prefix + printableKey(key),
    reason: `is not a field of ${what} (its fields are ${expected})`,
  }));
  const more = unknown.length - MAX_NAMED_UNKNOWN_FIELDS;
  if (more > 0) {
    problems.push({
      code: XcronCode.BAD_JSON,
      field: prefix === '' ? '(body)' : prefix.slice(0, -1),
      reason: `has ${more} more fields that are not fields of ${what} (its fields are ${expected})`,
    });
  }
  return problems;
}

/**
 * Reads an xcron request body. The xcron routes receive the body as text (see
 * XcronBodyAsText) and read it with the contracts' JSON reader: nesting limited, `__proto__`
 * refused. A body that is not a JSON object is answered with xcron's code 1000.
 */
export function readJsonBody(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) {
    throw XcronError.of(XcronCode.BAD_JSON, '(body)', 'is empty; send a JSON object');
  }
  if (typeof body !== 'string' && !Buffer.isBuffer(body)) {
    // The route's middleware makes Fastify hand over text; anything else is a wiring bug.
    throw new Error(`xcron body arrived as ${typeof body}, not as text`);
  }
  const text = body.toString();
  if (text.trim() === '') throw XcronError.of(XcronCode.BAD_JSON, '(body)', 'is empty; send a JSON object');
  const parsed = parseJsonText(text);
  if (!parsed.ok) throw XcronError.of(XcronCode.BAD_JSON, parsed.field, parsed.reason);
  if (!isObject(parsed.value)) throw XcronError.of(XcronCode.BAD_JSON, '(body)', 'must be a JSON object');
  return parsed.value;
}

/**
 * Validates a createTask body, xcron's way: type 1 = periodic (crontab: 5-field Unix or
 * 6/7-field Quartz), type 2 = one-shot (10-digit unix seconds, not in the past). A format
 * that is a 10-digit timestamp is a one-shot whatever the type, as xcron's own benchmark
 * sends type 1 with a timestamp. Returns every problem found, or the command and the
 * warnings to answer with (a callback host that does not resolve yet).
 */
export async function validateCreateTask(
  body: Record<string, unknown>,
  context: CreateTaskContext,
): Promise<{ command: CreateTaskCommand; warnings: string[] } | { problems: XcronProblem[] }> {
  const problems: XcronProblem[] = unknownFieldProblems(body, CREATE_TASK_FIELDS, '', 'createTask');
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

  const { callback, warnings } = await readCallback(body.callback, context, problems);

  if (problems.length > 0 || type === null || format === null || schedule === null || callback === null)
    return { problems };
  return {
    command: {
      type: schedule.kind === 'once' ? XcronType.ONE_SHOT : XcronType.PERIODIC,
      format,
      callback,
      schedule,
    },
    warnings,
  };
}

/** Checks `callback` ({ url, body }), adding its problems to `problems`. */
async function readCallback(
  rawCallback: unknown,
  context: CreateTaskContext,
  problems: XcronProblem[],
): Promise<{ callback: TaskCallback | null; warnings: string[] }> {
  const none = { callback: null, warnings: [] };
  const problem = (code: XcronCode, field: string, reason: string): void => {
    problems.push({ code, field, reason });
  };
  if (rawCallback === undefined || rawCallback === null) {
    problem(XcronCode.BAD_CALLBACK_URL, 'callback.url', 'is required');
    return none;
  }
  if (!isObject(rawCallback)) {
    problem(XcronCode.BAD_JSON, 'callback', 'must be an object { url, body }');
    return none;
  }
  problems.push(...unknownFieldProblems(rawCallback, CALLBACK_FIELDS, 'callback.', 'callback'));
  const { url, body: payload } = rawCallback;

  let payloadObject: Record<string, unknown> | null = null;
  if (payload === undefined || payload === null) payloadObject = {};
  else if (isObject(payload)) payloadObject = payload;
  else problem(XcronCode.BAD_JSON, 'callback.body', 'must be a JSON object (a map of keys to values)');

  let checkedUrl: string | null = null;
  if (url === undefined || url === null || url === '')
    problem(XcronCode.BAD_CALLBACK_URL, 'callback.url', 'is required');
  else if (typeof url !== 'string') problem(XcronCode.BAD_JSON, 'callback.url', 'must be a string');
  else if (url.length > MAX_CALLBACK_URL_LENGTH)
    problem(
      XcronCode.BAD_CALLBACK_URL,
      'callback.url',
      `is ${url.length} characters long; at most ${MAX_CALLBACK_URL_LENGTH} are accepted`,
    );
  else if (UNSAFE_URL_TEXT.test(url))
    problem(
      XcronCode.BAD_CALLBACK_URL,
      'callback.url',
      'must not contain control characters, bidirectional controls or lone surrogates',
    );
  else checkedUrl = url.trim();

  // Measured as stored (the job's attachment), whatever else is wrong, so one answer lists it all.
  let sizeOk = true;
  if (payloadObject !== null) {
    const urlText = checkedUrl ?? (typeof url === 'string' ? url : '');
    const size = Buffer.byteLength(JSON.stringify({ url: urlText, body: payloadObject }));
    if (size > context.callbackLimitBytes) {
      sizeOk = false;
      problem(
        XcronCode.CALLBACK_TOO_LARGE,
        'callback',
        `is ${size} bytes as JSON ({ url, body }); at most ${context.callbackLimitBytes} are accepted`,
      );
    }
  }

  let warnings: string[] = [];
  if (checkedUrl !== null) {
    const verdict = await context.verifyUrl(checkedUrl);
    if (!verdict.ok) {
      problem(
        verdict.kind === 'refused' ? XcronCode.CALLBACK_NOT_ALLOWED : XcronCode.BAD_CALLBACK_URL,
        'callback.url',
        verdict.reason,
      );
      checkedUrl = null;
    } else if (verdict.warning !== undefined) warnings = [`callback.url: ${verdict.warning}`];
  }

  if (checkedUrl === null || payloadObject === null || !sizeOk) return none;
  return { callback: { url: checkedUrl, body: payloadObject }, warnings };
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

/** The task id of a deleteTask body or a queryTask query string, which carry nothing else. */
export function readTaskId(request: Record<string, unknown>): string {
  const problems = unknownFieldProblems(request, TASK_ID_FIELDS, '', 'this request');
  const value = request.task_id;
  const id = typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? String(value) : value;
  let taskId: string | null = null;
  const bad = (reason: string): void => {
    problems.push({ code: XcronCode.BAD_TASK_ID, field: 'task_id', reason });
  };
  if (id === undefined || id === null || (typeof id === 'string' && id.trim() === ''))
    bad('is required (the task_id createTask answered)');
  else if (Array.isArray(id)) bad('must be given once');
  else if (typeof id !== 'string') bad('must be a string (the task_id createTask answered)');
  else if (!TASK_ID_PATTERN.test(id.trim()))
    bad(`is not a task id: at most 64 letters, digits and '_', '.', ':', '-' (createTask answers UUIDs)`);
  else taskId = id.trim();
  if (problems.length > 0 || taskId === null) throw XcronError.invalid(problems);
  return taskId;
}

/** A listTasks query: a page of tasks, newest first. */
export interface TaskListQuery {
  page: number;
  size: number;
  includeDeleted: boolean;
}

const LIST_TASKS_FIELDS = ['page', 'size', 'include_deleted'] as const;
/** listTasks' page size when none is given. */
export const DEFAULT_TASK_PAGE_SIZE = 20;

/**
 * listTasks' query string (`page`, `size`, `include_deleted`), every problem named with
 * xcron's code 1000, like a field of the wrong type in a body.
 */
export function readTaskListQuery(request: Record<string, unknown>): TaskListQuery {
  const problems = unknownFieldProblems(request, LIST_TASKS_FIELDS, '', 'this request');
  const bad = (field: string, reason: string): void => {
    problems.push({ code: XcronCode.BAD_JSON, field, reason });
  };
  const whole = (field: string, max: number, fallback: number): number => {
    const value = request[field];
    if (value === undefined) return fallback;
    if (typeof value !== 'string' || !/^\d{1,9}$/.test(value) || Number(value) < 1 || Number(value) > max) {
      bad(field, Array.isArray(value) ? 'must be given once' : `must be a whole number from 1 to ${max}`);
      return fallback;
    }
    return Number(value);
  };
  const page = whole('page', MAX_PAGE, 1);
  const size = whole('size', MAX_PAGE_SIZE, DEFAULT_TASK_PAGE_SIZE);
  const flag = request.include_deleted;
  if (flag !== undefined && flag !== 'true' && flag !== 'false')
    bad('include_deleted', 'must be true or false');
  if (problems.length > 0) throw XcronError.invalid(problems);
  return { page, size, includeDeleted: flag === 'true' };
}
