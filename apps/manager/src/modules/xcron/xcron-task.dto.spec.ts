import type { LookupAddress } from 'node:dns';
import { CallbackPolicy, type Resolver } from './callback-policy';
import { XcronCode, XcronError } from './xcron-codes';
import {
  type CreateTaskContext,
  MAX_CALLBACK_URL_LENGTH,
  parseTaskCallback,
  readJsonBody,
  readTaskId,
  validateCreateTask,
} from './xcron-task.dto';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0, 500);
const NOW_S = Math.floor(NOW / 1000);
const LIMIT = 65_536;

/** Public names resolve to public addresses; `private.example` to 10.0.0.1; the rest do not resolve. */
const resolver: Resolver = (hostname) => {
  const table: Record<string, string> = {
    'hooks.example.com': '93.184.216.34',
    'x.io': '93.184.216.35',
    'private.example': '10.0.0.1',
  };
  const address = table[hostname];
  return address === undefined
    ? Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }))
    : Promise.resolve([{ address, family: 4 }]);
};

function contextWith(policy: CallbackPolicy): CreateTaskContext {
  return { timeZone: 'UTC', now: NOW, verifyUrl: (url) => policy.verify(url), callbackLimitBytes: LIMIT };
}
const context = contextWith(new CallbackPolicy([], resolver));

const callback = {
  url: 'http://hooks.example.com:8810',
  body: { params: [1, 2], data: '10.10.10', count: 1 },
};

async function problemsOf(body: Record<string, unknown>, ctx = context) {
  const result = await validateCreateTask(body, ctx);
  return 'problems' in result ? result.problems : [];
}

async function accepted(body: Record<string, unknown>, ctx = context) {
  const result = await validateCreateTask(body, ctx);
  if ('problems' in result) throw new Error(JSON.stringify(result.problems));
  return result;
}

const commandOf = async (body: Record<string, unknown>) => (await accepted(body)).command;

describe('validateCreateTask', () => {
  it("accepts xcron's benchmark body (type 1 with a timestamp) as a one-shot", async () => {
    expect(await accepted({ type: 1, format: String(NOW_S + 60), callback })).toEqual({
      command: {
        type: 2,
        format: String(NOW_S + 60),
        callback,
        schedule: { kind: 'once', atMs: (NOW_S + 60) * 1000 },
      },
      warnings: [],
    });
  });

  it.each([
    ['*/1 * * * * ?', 'quartz'],
    ['0 0 12 ? * MON-FRI', 'quartz'],
    ['*/5 * * * *', 'unix 5-field'],
    ['0 3 * * 1', 'unix 5-field'],
  ])('accepts the crontab %s (%s) as periodic', async (format) => {
    expect(await commandOf({ type: 1, format, callback })).toMatchObject({
      type: 1,
      schedule: { kind: 'cron', expression: format },
    });
  });

  it('accepts the current second, and no body as an empty one', async () => {
    expect(
      await commandOf({ type: 2, format: String(NOW_S), callback: { url: callback.url } }),
    ).toMatchObject({
      schedule: { kind: 'once', atMs: NOW_S * 1000 },
      callback: { url: callback.url, body: {} },
    });
  });

  it('accepts a callback host that does not resolve yet, with a warning saying so', async () => {
    const readme = { url: 'http://test.demo.com:8810', body: callback.body };
    expect(await accepted({ type: 1, format: String(NOW_S + 60), callback: readme })).toEqual({
      command: expect.objectContaining({ callback: readme }) as unknown,
      warnings: [
        'callback.url: host test.demo.com did not resolve (ENOTFOUND); it will be checked again at each delivery',
      ],
    });
  });

  it('waits a bounded time for DNS, then accepts the host as not resolved, with a warning', async () => {
    const hanging: Resolver = () => new Promise<LookupAddress[]>(() => undefined);
    const result = await accepted(
      { type: 2, format: String(NOW_S + 60), callback: { url: 'http://slow.example/' } },
      contextWith(new CallbackPolicy([], hanging, 20)),
    );
    expect(result.warnings).toEqual([
      'callback.url: host slow.example did not resolve (no answer within 20 ms); it will be checked again at each delivery',
    ]);
  });

  it('refuses a host that resolves to a private address now, naming the allowlist', async () => {
    expect(
      await problemsOf({ type: 2, format: String(NOW_S + 5), callback: { url: 'http://private.example/' } }),
    ).toEqual([
      {
        code: XcronCode.CALLBACK_NOT_ALLOWED,
        field: 'callback.url',
        reason:
          'host private.example resolves to 10.0.0.1, which is private; callbacks may not reach it unless CHACONNE_CALLBACK_ALLOWLIST allows it',
      },
    ]);
  });

  const future = String(NOW_S + 5);
  it.each([
    [{ type: '1', format: '* * * * *', callback }, XcronCode.BAD_JSON, 'type'],
    [{ type: 1.5, format: '* * * * *', callback }, XcronCode.BAD_JSON, 'type'],
    [{ format: '* * * * *', callback }, XcronCode.UNKNOWN_TYPE, 'type'],
    [{ type: 3, format: '* * * * *', callback }, XcronCode.UNKNOWN_TYPE, 'type'],
    [{ type: 0, format: future, callback }, XcronCode.UNKNOWN_TYPE, 'type'],
    [{ type: 2, format: 123, callback }, XcronCode.BAD_JSON, 'format'],
    [{ type: 2, callback }, XcronCode.BAD_FORMAT, 'format'],
    [{ type: 2, format: '* * * * *', callback }, XcronCode.BAD_FORMAT, 'format'],
    [{ type: 2, format: '158182375', callback }, XcronCode.BAD_FORMAT, 'format'],
    [{ type: 2, format: '15818237510', callback }, XcronCode.BAD_FORMAT, 'format'],
    [{ type: 1, format: 'every minute', callback }, XcronCode.BAD_FORMAT, 'format'],
    [{ type: 1, format: '', callback }, XcronCode.BAD_FORMAT, 'format'],
    [{ type: 1, format: '0 0 0 1 1 ? 2000', callback }, XcronCode.BAD_FORMAT, 'format'],
    [{ type: 1, format: `${'1,'.repeat(600)}1 * * * * ?`, callback }, XcronCode.BAD_FORMAT, 'format'],
    [{ type: 2, format: String(NOW_S - 1), callback }, XcronCode.BAD_TIMESTAMP, 'format'],
    [{ type: 1, format: '1581823751', callback }, XcronCode.BAD_TIMESTAMP, 'format'],
    [{ type: 2, format: future }, XcronCode.BAD_CALLBACK_URL, 'callback.url'],
    [{ type: 2, format: future, callback: {} }, XcronCode.BAD_CALLBACK_URL, 'callback.url'],
    [{ type: 2, format: future, callback: { url: '' } }, XcronCode.BAD_CALLBACK_URL, 'callback.url'],
    [
      { type: 2, format: future, callback: { url: 'ftp://x.io/' } },
      XcronCode.BAD_CALLBACK_URL,
      'callback.url',
    ],
    [{ type: 2, format: future, callback: { url: 'nope' } }, XcronCode.BAD_CALLBACK_URL, 'callback.url'],
    [
      { type: 2, format: future, callback: { url: `http://x.io/${'a'.repeat(MAX_CALLBACK_URL_LENGTH)}` } },
      XcronCode.BAD_CALLBACK_URL,
      'callback.url',
    ],
    [
      { type: 2, format: future, callback: { url: 'http://x.io/a\nb' } },
      XcronCode.BAD_CALLBACK_URL,
      'callback.url',
    ],
    [
      { type: 2, format: future, callback: { url: 'http://x.io/\u202e' } },
      XcronCode.BAD_CALLBACK_URL,
      'callback.url',
    ],
    [
      { type: 2, format: future, callback: { url: 'http://x.io/\ud800' } },
      XcronCode.BAD_CALLBACK_URL,
      'callback.url',
    ],
    [{ type: 2, format: future, callback: { url: 5 } }, XcronCode.BAD_JSON, 'callback.url'],
    [{ type: 2, format: future, callback: 'http://x.io' }, XcronCode.BAD_JSON, 'callback'],
    [
      { type: 2, format: future, callback: { url: 'http://x.io', body: [1] } },
      XcronCode.BAD_JSON,
      'callback.body',
    ],
    [
      { type: 2, format: future, callback: { url: 'http://x.io', body: 'x' } },
      XcronCode.BAD_JSON,
      'callback.body',
    ],
    [
      { type: 2, format: future, callback: { url: 'http://127.0.0.1:8810/' } },
      XcronCode.CALLBACK_NOT_ALLOWED,
      'callback.url',
    ],
    [
      { type: 2, format: future, callback: { url: 'http://[::ffff:0:127.0.0.1]/' } },
      XcronCode.CALLBACK_NOT_ALLOWED,
      'callback.url',
    ],
    [
      { type: 2, format: future, callback: { url: 'http://localhost./' } },
      XcronCode.CALLBACK_NOT_ALLOWED,
      'callback.url',
    ],
    [
      { type: 2, format: future, callback: { url: 'http://u:p@x.io/' } },
      XcronCode.CALLBACK_NOT_ALLOWED,
      'callback.url',
    ],
    [{ type: 2, format: future, callback, id: 7 }, XcronCode.BAD_JSON, 'id'],
    [
      { type: 2, format: future, callback: { ...callback, headers: {} } },
      XcronCode.BAD_JSON,
      'callback.headers',
    ],
    [{ type: 2, format: future, callback: { ...callback, data: {} } }, XcronCode.BAD_JSON, 'callback.data'],
    [
      { type: 2, format: future, callback: { url: callback.url, body: { blob: 'x'.repeat(LIMIT) } } },
      XcronCode.CALLBACK_TOO_LARGE,
      'callback',
    ],
  ])('refuses %j with %i at %s', async (body, code, field) => {
    expect(await problemsOf(body)).toEqual([{ code, field, reason: expect.any(String) as string }]);
  });

  it('names every unknown field, the first 20 one by one, and counts the rest', async () => {
    const extra = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`extra${i}`, i]));
    const problems = await problemsOf({ type: 2, format: future, callback, ...extra });
    expect(problems.map((p) => p.field)).toEqual([
      ...Array.from({ length: 20 }, (_, i) => `extra${i}`),
      '(body)',
    ]);
    expect(problems[0]?.reason).toBe('is not a field of createTask (its fields are type, format, callback)');
    expect(problems[20]?.reason).toBe(
      'has 5 more fields that are not fields of createTask (its fields are type, format, callback)',
    );
    expect(new Set(problems.map((p) => p.code))).toEqual(new Set([XcronCode.BAD_JSON]));
  });

  it('shows an unknown key printably and cut short', async () => {
    const problems = await problemsOf({
      type: 2,
      format: future,
      callback,
      ['a\n\u202eb']: 1,
      ['k'.repeat(100)]: 2,
    });
    expect(problems.map((p) => p.field)).toEqual(['a\\u{a}\\u{202e}b', `${'k'.repeat(64)}…`]);
  });

  it('lists every problem, and the error takes the most fundamental code', async () => {
    const problems = await problemsOf({
      type: 2,
      format: 'x',
      callback: { url: 'http://10.0.0.1/', body: 1, retries: 3 },
      owner: 'me',
    });
    expect(problems.map((p) => [p.code, p.field])).toEqual([
      [XcronCode.BAD_JSON, 'owner'],
      [XcronCode.BAD_FORMAT, 'format'],
      [XcronCode.BAD_JSON, 'callback.retries'],
      [XcronCode.BAD_JSON, 'callback.body'],
      [XcronCode.CALLBACK_NOT_ALLOWED, 'callback.url'],
    ]);
    const error = XcronError.invalid(problems);
    expect([error.xcronCode, error.status, error.code]).toEqual([
      XcronCode.BAD_JSON,
      400,
      'VALIDATION_FAILED',
    ]);
    expect(error.fieldErrors?.map((e) => e.field)).toEqual([
      'owner',
      'format',
      'callback.retries',
      'callback.body',
      'callback.url',
    ]);
    expect(XcronError.invalid(problems.slice(4)).code).toBe('CALLBACK_NOT_ALLOWED');
  });

  it('answers 413 when the size is all that is wrong, and lists it with the rest otherwise', async () => {
    const big = { url: 'http://10.0.0.1/', body: { blob: 'x'.repeat(LIMIT) } };
    const alone = await problemsOf({ type: 2, format: future, callback: { ...big, url: callback.url } });
    expect([XcronError.invalid(alone).status, XcronError.invalid(alone).xcronCode]).toEqual([
      413,
      XcronCode.CALLBACK_TOO_LARGE,
    ]);
    expect(alone[0]?.reason).toMatch(
      /^is 655\d\d bytes as JSON \(\{ url, body \}\); at most 65536 are accepted$/,
    );
    const withOthers = await problemsOf({ type: 2, format: 'x', callback: big });
    expect(withOthers.map((p) => p.field)).toEqual(['format', 'callback', 'callback.url']);
    expect([XcronError.invalid(withOthers).status, XcronError.invalid(withOthers).code]).toEqual([
      400,
      'VALIDATION_FAILED',
    ]);
  });

  it('does not ask DNS when the URL is refused without it', async () => {
    let asked = 0;
    const counting = new CallbackPolicy([], (hostname) => {
      asked++;
      return resolver(hostname);
    });
    await problemsOf(
      { type: 2, format: future, callback: { url: 'http://127.0.0.1/' } },
      contextWith(counting),
    );
    await problemsOf(
      { type: 2, format: future, callback: { url: 'http://u:p@x.io/' } },
      contextWith(counting),
    );
    expect(asked).toBe(0);
  });
});

describe('request reading', () => {
  const failure = (fn: () => unknown): XcronError => {
    try {
      fn();
    } catch (error) {
      if (error instanceof XcronError) return error;
      throw error;
    }
    throw new Error('expected an XcronError');
  };

  it.each([
    ['{"type":', '(body)', /^is not JSON: /],
    ['[1,2]', '(body)', /^must be a JSON object$/],
    ['"text"', '(body)', /^must be a JSON object$/],
    ['null', '(body)', /^must be a JSON object$/],
    ['', '(body)', /^is empty; send a JSON object$/],
    ['  ', '(body)', /^is empty; send a JSON object$/],
    [
      `{"callback":{"body":${'['.repeat(5000)}${']'.repeat(5000)}}}`,
      '(body)',
      /^is nested deeper than 32 levels$/,
    ],
    [
      '{"callback":{"url":"http://x.io","body":{"__proto__":{"admin":true}}}}',
      'callback.body.__proto__',
      /__proto__/,
    ],
    ['{"__proto__":1}', '__proto__', /__proto__/],
  ])('refuses the body %j with 1000 at %s', (text, field, reason) => {
    const error = failure(() => readJsonBody(text));
    expect(error.xcronCode).toBe(XcronCode.BAD_JSON);
    expect(error.status).toBe(400);
    expect(error.fieldErrors).toEqual([{ field, reason: expect.stringMatching(reason) as string }]);
  });

  it('reads a JSON object from text or bytes; no body is an empty one', () => {
    expect(readJsonBody('{"task_id":"a"}')).toEqual({ task_id: 'a' });
    expect(readJsonBody(Buffer.from('{"task_id":"a"}'))).toEqual({ task_id: 'a' });
    expect(failure(() => readJsonBody(undefined)).fieldErrors).toEqual([
      { field: '(body)', reason: 'is empty; send a JSON object' },
    ]);
  });

  it('treats a body that was not handed over as text as a wiring bug, not as bad input', () => {
    expect(() => readJsonBody({ task_id: 'a' })).toThrow('xcron body arrived as object, not as text');
  });

  it('reads task ids', () => {
    expect(readTaskId({ task_id: ' 8f0c ' })).toBe('8f0c');
    expect(readTaskId({ task_id: '289057701458138645' })).toBe('289057701458138645');
    expect(readTaskId({ task_id: 42 })).toBe('42');
    expect(readTaskId({ task_id: '5b0c3c8e-4f6e-4e8a-9d59-1c2b3a4d5e6f' })).toBe(
      '5b0c3c8e-4f6e-4e8a-9d59-1c2b3a4d5e6f',
    );
  });

  it.each([
    [{}, XcronCode.BAD_TASK_ID, ['task_id'], 'is required (the task_id createTask answered)'],
    [{ task_id: '' }, XcronCode.BAD_TASK_ID, ['task_id'], 'is required (the task_id createTask answered)'],
    [{ task_id: ['a', 'b'] }, XcronCode.BAD_TASK_ID, ['task_id'], 'must be given once'],
    [
      { task_id: {} },
      XcronCode.BAD_TASK_ID,
      ['task_id'],
      'must be a string (the task_id createTask answered)',
    ],
    [
      { task_id: -1 },
      XcronCode.BAD_TASK_ID,
      ['task_id'],
      'must be a string (the task_id createTask answered)',
    ],
    [{ task_id: 'x'.repeat(65) }, XcronCode.BAD_TASK_ID, ['task_id'], /^is not a task id/],
    [{ task_id: 'a b' }, XcronCode.BAD_TASK_ID, ['task_id'], /^is not a task id/],
    [{ task_id: 'a\nb' }, XcronCode.BAD_TASK_ID, ['task_id'], /^is not a task id/],
    [{ task_id: 'a', id: 'b' }, XcronCode.BAD_JSON, ['id'], /^is not a field of this request/],
    [{ id: 'b' }, XcronCode.BAD_JSON, ['id', 'task_id'], /^is not a field of this request/],
  ])('refuses %j with %i naming %j', (request, code, fields, reason) => {
    const error = failure(() => readTaskId(request));
    expect(error.xcronCode).toBe(code);
    expect(error.fieldErrors?.map((e) => e.field)).toEqual(fields);
    expect(error.fieldErrors?.[0]?.reason).toMatch(reason);
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
