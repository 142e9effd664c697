import { CallbackPolicy } from './callback-policy';
import { XcronCode, XcronError } from './xcron-codes';
import { parseTaskCallback, readJsonBody, readTaskId, validateCreateTask } from './xcron-task.dto';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0, 500);
const NOW_S = Math.floor(NOW / 1000);
const context = {
  timeZone: 'UTC',
  now: NOW,
  checkUrl: (url: string) => new CallbackPolicy([]).checkUrl(url),
};

const callback = {
  url: 'http://hooks.example.com:8810',
  body: { params: [1, 2], data: '10.10.10', count: 1 },
};

function problemsOf(body: Record<string, unknown>) {
  const result = validateCreateTask(body, context);
  return 'problems' in result ? result.problems : [];
}

function commandOf(body: Record<string, unknown>) {
  const result = validateCreateTask(body, context);
  if ('problems' in result) throw new Error(JSON.stringify(result.problems));
  return result.command;
}

describe('validateCreateTask', () => {
  it("accepts xcron's benchmark body (type 1 with a timestamp) as a one-shot", () => {
    expect(commandOf({ type: 1, format: String(NOW_S + 60), callback })).toEqual({
      type: 2,
      format: String(NOW_S + 60),
      callback,
      schedule: { kind: 'once', atMs: (NOW_S + 60) * 1000 },
    });
  });

  it.each([
    ['*/1 * * * * ?', 'quartz'],
    ['0 0 12 ? * MON-FRI', 'quartz'],
    ['*/5 * * * *', 'unix 5-field'],
    ['0 3 * * 1', 'unix 5-field'],
  ])('accepts the crontab %s (%s) as periodic', (format) => {
    expect(commandOf({ type: 1, format, callback })).toMatchObject({
      type: 1,
      schedule: { kind: 'cron', expression: format },
    });
  });

  it('accepts the current second, and no body as an empty one', () => {
    expect(commandOf({ type: 2, format: String(NOW_S), callback: { url: callback.url } })).toMatchObject({
      schedule: { kind: 'once', atMs: NOW_S * 1000 },
      callback: { url: callback.url, body: {} },
    });
  });

  it.each([
    [{ type: '1', format: '* * * * *', callback }, XcronCode.BAD_JSON, 'type'],
    [{ type: 1.5, format: '* * * * *', callback }, XcronCode.BAD_JSON, 'type'],
    [{ format: '* * * * *', callback }, XcronCode.UNKNOWN_TYPE, 'type'],
    [{ type: 3, format: '* * * * *', callback }, XcronCode.UNKNOWN_TYPE, 'type'],
    [{ type: 0, format: String(NOW_S + 5), callback }, XcronCode.UNKNOWN_TYPE, 'type'],
    [{ type: 2, format: 123, callback }, XcronCode.BAD_JSON, 'format'],
    [{ type: 2, callback }, XcronCode.BAD_FORMAT, 'format'],
    [{ type: 2, format: '* * * * *', callback }, XcronCode.BAD_FORMAT, 'format'],
    [{ type: 2, format: '158182375', callback }, XcronCode.BAD_FORMAT, 'format'],
    [{ type: 2, format: '15818237510', callback }, XcronCode.BAD_FORMAT, 'format'],
    [{ type: 1, format: 'every minute', callback }, XcronCode.BAD_FORMAT, 'format'],
    [{ type: 1, format: '', callback }, XcronCode.BAD_FORMAT, 'format'],
    [{ type: 1, format: '0 0 0 1 1 ? 2000', callback }, XcronCode.BAD_FORMAT, 'format'],
    [{ type: 2, format: String(NOW_S - 1), callback }, XcronCode.BAD_TIMESTAMP, 'format'],
    [{ type: 1, format: '1581823751', callback }, XcronCode.BAD_TIMESTAMP, 'format'],
    [{ type: 2, format: String(NOW_S + 5) }, XcronCode.BAD_CALLBACK_URL, 'callback.url'],
    [{ type: 2, format: String(NOW_S + 5), callback: {} }, XcronCode.BAD_CALLBACK_URL, 'callback.url'],
    [
      { type: 2, format: String(NOW_S + 5), callback: { url: '' } },
      XcronCode.BAD_CALLBACK_URL,
      'callback.url',
    ],
    [
      { type: 2, format: String(NOW_S + 5), callback: { url: 'ftp://x.io/' } },
      XcronCode.BAD_CALLBACK_URL,
      'callback.url',
    ],
    [
      { type: 2, format: String(NOW_S + 5), callback: { url: 'nope' } },
      XcronCode.BAD_CALLBACK_URL,
      'callback.url',
    ],
    [{ type: 2, format: String(NOW_S + 5), callback: { url: 5 } }, XcronCode.BAD_JSON, 'callback.url'],
    [{ type: 2, format: String(NOW_S + 5), callback: 'http://x.io' }, XcronCode.BAD_JSON, 'callback'],
    [
      { type: 2, format: String(NOW_S + 5), callback: { url: 'http://x.io', body: [1] } },
      XcronCode.BAD_JSON,
      'callback.body',
    ],
    [
      { type: 2, format: String(NOW_S + 5), callback: { url: 'http://x.io', body: 'x' } },
      XcronCode.BAD_JSON,
      'callback.body',
    ],
    [
      { type: 2, format: String(NOW_S + 5), callback: { url: 'http://127.0.0.1:8810/' } },
      XcronCode.CALLBACK_NOT_ALLOWED,
      'callback.url',
    ],
    [
      { type: 2, format: String(NOW_S + 5), callback: { url: 'http://u:p@x.io/' } },
      XcronCode.CALLBACK_NOT_ALLOWED,
      'callback.url',
    ],
  ])('refuses %j with %i at %s', (body, code, field) => {
    expect(problemsOf(body)).toEqual([{ code, field, reason: expect.any(String) as string }]);
  });

  it('lists every problem, and the error takes the most fundamental code', () => {
    const problems = problemsOf({ type: 2, format: 'x', callback: { url: 'http://10.0.0.1/', body: 1 } });
    expect(problems.map((p) => [p.code, p.field])).toEqual([
      [XcronCode.BAD_FORMAT, 'format'],
      [XcronCode.CALLBACK_NOT_ALLOWED, 'callback.url'],
      [XcronCode.BAD_JSON, 'callback.body'],
    ]);
    const error = XcronError.invalid(problems);
    expect([error.xcronCode, error.status, error.code]).toEqual([
      XcronCode.BAD_JSON,
      400,
      'VALIDATION_FAILED',
    ]);
    expect(error.fieldErrors?.map((e) => e.field)).toEqual(['format', 'callback.url', 'callback.body']);
    expect(XcronError.invalid(problems.slice(1, 2)).code).toBe('CALLBACK_NOT_ALLOWED');
  });
});

describe('request reading', () => {
  const codeOf = (fn: () => unknown): number | undefined => {
    try {
      fn();
      return undefined;
    } catch (error) {
      return error instanceof XcronError ? error.xcronCode : -1;
    }
  };

  it.each([['{"type":'], ['[1,2]'], ['"text"'], [''], ['  '], ['null']])(
    'refuses the body %j with 1000',
    (text) => {
      expect(codeOf(() => readJsonBody(text))).toBe(XcronCode.BAD_JSON);
    },
  );

  it('reads a JSON object from text, and passes an already parsed object through', () => {
    expect(readJsonBody('{"task_id":"a"}')).toEqual({ task_id: 'a' });
    expect(readJsonBody({ task_id: 'a' })).toEqual({ task_id: 'a' });
  });

  it('reads task ids', () => {
    expect(readTaskId(' 8f0c ')).toBe('8f0c');
    expect(readTaskId(289057701458138645n.toString())).toBe('289057701458138645');
    expect(readTaskId(42)).toBe('42');
    for (const bad of [undefined, '', ['a', 'b'], {}, 'x'.repeat(192)])
      expect(codeOf(() => readTaskId(bad))).toBe(XcronCode.BAD_TASK_ID);
  });

  it('reads a stored callback back', () => {
    expect(parseTaskCallback('{"url":"http://x.io","body":{"a":1}}')).toEqual({
      url: 'http://x.io',
      body: { a: 1 },
    });
    expect(parseTaskCallback('{"url":"http://x.io"}')).toEqual({ url: 'http://x.io', body: {} });
    expect(parseTaskCallback('{"body":{}}')).toBeNull();
    expect(parseTaskCallback(null)).toBeNull();
    expect(parseTaskCallback('{')).toBeNull();
  });
});
