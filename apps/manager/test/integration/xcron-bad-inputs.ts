import { CRON_BAD_EXPRESSIONS } from './cron-bad-expressions';

/**
 * Bad inputs of the xcron routes, with the answer each must get: xcron's `code`, the
 * Chaconne `error`, the HTTP status and the exact fields named in `errors`. Run by
 * xcron.spec.ts against a real manager (with no callback allowlist), which also checks that
 * none of them stores anything; written as plain data so that the repository-wide bad-input
 * corpus can take the table over as it is.
 *
 * `body`: a string is sent as the raw request text, anything else as its JSON.
 */

export interface XcronBadInput {
  name: string;
  method: 'POST' | 'GET';
  path: '/xcron/createTask' | '/xcron/deleteTask' | '/xcron/queryTask' | '/xcron/listTasks';
  /** POST: the body. */
  body?: unknown;
  /** GET: the query string, without `?`. */
  query?: string;
  status: number;
  code: number;
  error: string;
  /** Every field `errors` names, in order. */
  fields: readonly string[];
  /** Part of the message, when the wording matters (a limit it must name). */
  messageContains?: string;
}

/** A public address that needs no DNS (TEST-NET-1): the URL is never the problem unless meant to be. */
const URL_OK = 'http://192.0.2.10:8810/hook';
/** xcron's benchmark body (README §7.1), verbatim. */
export const XCRON_README_BODY = {
  type: 1,
  format: '1581823751',
  callback: { url: 'http://test.demo.com:8810', body: { params: [1, 2], data: '10.10.10', count: 1 } },
};

const CREATE = { method: 'POST', path: '/xcron/createTask' } as const;
const DELETE = { method: 'POST', path: '/xcron/deleteTask' } as const;
const QUERY = { method: 'GET', path: '/xcron/queryTask' } as const;
const LIST = { method: 'GET', path: '/xcron/listTasks' } as const;
const INVALID = { status: 400, error: 'VALIDATION_FAILED' } as const;
const REFUSED = { status: 400, code: 1005, error: 'CALLBACK_NOT_ALLOWED', fields: ['callback.url'] } as const;

/** The cases, for a manager whose clock reads `nowMs` and whose attachment limit is `limitBytes`. */
export function xcronBadInputs(nowMs: number, limitBytes: number): XcronBadInput[] {
  const nowS = Math.floor(nowMs / 1000);
  const future = String(nowS + 3600);
  const task = (fields: Record<string, unknown> = {}, callback: Record<string, unknown> = {}) => ({
    type: 2,
    format: future,
    callback: { url: URL_OK, ...callback },
    ...fields,
  });
  const refused = (name: string, url: string): XcronBadInput => ({
    name,
    ...CREATE,
    body: task({}, { url }),
    ...REFUSED,
  });
  const deep = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;

  return [
    // The body as a whole.
    {
      name: 'cut-off JSON',
      ...CREATE,
      body: '{"type":1,"format":',
      ...INVALID,
      code: 1000,
      fields: ['(body)'],
    },
    { name: 'empty body', ...CREATE, body: '', ...INVALID, code: 1000, fields: ['(body)'] },
    { name: 'a JSON array', ...CREATE, body: '[1,2]', ...INVALID, code: 1000, fields: ['(body)'] },
    { name: 'JSON null', ...CREATE, body: 'null', ...INVALID, code: 1000, fields: ['(body)'] },
    {
      name: 'callback.body nested 5,000 levels',
      ...CREATE,
      body: `{"type":2,"format":"${future}","callback":{"url":"${URL_OK}","body":{"a":${deep(5000)}}}}`,
      ...INVALID,
      code: 1000,
      fields: ['(body)'],
      messageContains: 'nested deeper than 32 levels',
    },
    {
      name: '__proto__ in callback.body',
      ...CREATE,
      body: `{"type":2,"format":"${future}","callback":{"url":"${URL_OK}","body":{"__proto__":{"isAdmin":true}}}}`,
      ...INVALID,
      code: 1000,
      fields: ['callback.body.__proto__'],
    },
    {
      name: '__proto__ at the top',
      ...CREATE,
      body: `{"__proto__":{"type":2},"format":"${future}"}`,
      ...INVALID,
      code: 1000,
      fields: ['__proto__'],
    },
    // Fields xcron's API does not have.
    {
      name: 'unknown field',
      ...CREATE,
      body: task({ owner: 'me' }),
      ...INVALID,
      code: 1000,
      fields: ['owner'],
    },
    {
      name: 'unknown callback field',
      ...CREATE,
      body: task({}, { headers: { authorization: 'x' } }),
      ...INVALID,
      code: 1000,
      fields: ['callback.headers'],
    },
    {
      name: 'xcron-internal field names',
      ...CREATE,
      body: task({ task_id: '1', run_times: 3 }, { data: {} }),
      ...INVALID,
      code: 1000,
      fields: ['task_id', 'run_times', 'callback.data'],
    },
    // Wrong JSON types.
    {
      name: 'type as a string',
      ...CREATE,
      body: task({ type: '2' }),
      ...INVALID,
      code: 1000,
      fields: ['type'],
    },
    {
      name: 'format as a number',
      ...CREATE,
      body: task({ format: Number(future) }),
      ...INVALID,
      code: 1000,
      fields: ['format'],
    },
    {
      name: 'callback as a string',
      ...CREATE,
      body: task({ callback: URL_OK }),
      ...INVALID,
      code: 1000,
      fields: ['callback'],
    },
    {
      name: 'callback.body an array',
      ...CREATE,
      body: task({}, { body: [1] }),
      ...INVALID,
      code: 1000,
      fields: ['callback.body'],
    },
    {
      name: 'callback.url a number',
      ...CREATE,
      body: task({}, { url: 5 }),
      ...INVALID,
      code: 1000,
      fields: ['callback.url'],
    },
    // type
    { name: 'type 7', ...CREATE, body: task({ type: 7 }), ...INVALID, code: 1020, fields: ['type'] },
    {
      name: 'no type',
      ...CREATE,
      body: { format: future, callback: { url: URL_OK } },
      ...INVALID,
      code: 1020,
      fields: ['type'],
    },
    // format
    {
      name: 'no format',
      ...CREATE,
      body: { type: 2, callback: { url: URL_OK } },
      ...INVALID,
      code: 1001,
      fields: ['format'],
    },
    {
      name: 'a 5-digit timestamp',
      ...CREATE,
      body: task({ format: '12345' }),
      ...INVALID,
      code: 1001,
      fields: ['format'],
    },
    {
      name: 'a crontab for type 2',
      ...CREATE,
      body: task({ format: '* * * * *' }),
      ...INVALID,
      code: 1001,
      fields: ['format'],
    },
    {
      name: 'not a crontab',
      ...CREATE,
      body: task({ type: 1, format: 'every minute' }),
      ...INVALID,
      code: 1001,
      fields: ['format'],
    },
    // Every cron expression any endpoint must refuse, as xcron's format.
    ...CRON_BAD_EXPRESSIONS.map(({ name, expression, messageContains }): XcronBadInput => ({
      name: `crontab: ${name}`,
      ...CREATE,
      body: task({ type: 1, format: expression }),
      ...INVALID,
      code: 1001,
      fields: ['format'],
      messageContains,
    })),
    {
      name: 'a past timestamp',
      ...CREATE,
      body: task({ format: String(nowS - 60) }),
      ...INVALID,
      code: 1002,
      fields: ['format'],
    },
    {
      name: "xcron's README body, verbatim: its 2020 timestamp is past (its host is no problem)",
      ...CREATE,
      body: XCRON_README_BODY,
      ...INVALID,
      code: 1002,
      fields: ['format'],
    },
    // callback.url
    {
      name: 'no callback',
      ...CREATE,
      body: { type: 2, format: future },
      ...INVALID,
      code: 1003,
      fields: ['callback.url'],
    },
    {
      name: 'no callback.url',
      ...CREATE,
      body: task({ callback: {} }),
      ...INVALID,
      code: 1003,
      fields: ['callback.url'],
    },
    {
      name: 'ftp callback',
      ...CREATE,
      body: task({}, { url: 'ftp://192.0.2.10/' }),
      ...INVALID,
      code: 1003,
      fields: ['callback.url'],
    },
    {
      name: 'relative callback',
      ...CREATE,
      body: task({}, { url: '/hook' }),
      ...INVALID,
      code: 1003,
      fields: ['callback.url'],
    },
    {
      name: 'a 3,000-character URL',
      ...CREATE,
      body: task({}, { url: `${URL_OK}?${'a'.repeat(3000)}` }),
      ...INVALID,
      code: 1003,
      fields: ['callback.url'],
      messageContains: 'at most 2048 are accepted',
    },
    {
      name: 'a URL with a newline',
      ...CREATE,
      body: task({}, { url: 'http://192.0.2.10/a\nb' }),
      ...INVALID,
      code: 1003,
      fields: ['callback.url'],
    },
    // The SSRF policy: every form of a forbidden address, refused at creation.
    refused('loopback', 'http://127.0.0.1:8810/'),
    refused('IPv4-translated loopback (the reported hole)', 'http://[::ffff:0:127.0.0.1]/'),
    refused('IPv4-mapped loopback', 'http://[::ffff:127.0.0.1]/'),
    refused('IPv4-compatible private', 'http://[::10.0.0.1]/'),
    refused('NAT64 loopback', 'http://[64:ff9b::127.0.0.1]/'),
    refused('local-use NAT64', 'http://[64:ff9b:1::808:808]/'),
    refused('6to4 metadata', 'http://[2002:a9fe:a9fe::1]/'),
    refused('Teredo loopback', 'http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/'),
    refused('ISATAP private', 'http://[2001:db8::5efe:10.0.0.1]/'),
    refused('IPv6 loopback', 'http://[::1]/'),
    refused('decimal loopback', 'http://2130706433/'),
    refused('octal loopback', 'http://0177.0.0.1/'),
    refused('hex loopback', 'http://0x7f.1/'),
    refused('short loopback', 'http://127.1/'),
    refused('localhost', 'http://localhost:8810/'),
    refused('localhost with a trailing dot', 'http://localhost./'),
    refused('a name under localhost', 'http://api.localhost/'),
    refused('the metadata endpoint', 'http://169.254.169.254/latest/meta-data/'),
    refused('a private address', 'http://10.1.2.3/'),
    refused('credentials', 'http://user:secret@192.0.2.10/'),
    // Size: 413 alone, listed with the rest otherwise.
    {
      name: 'callback over the attachment limit',
      ...CREATE,
      body: task({}, { body: { blob: 'x'.repeat(limitBytes) } }),
      status: 413,
      code: 1006,
      error: 'PAYLOAD_TOO_LARGE',
      fields: ['callback'],
    },
    {
      name: 'every problem at once',
      ...CREATE,
      body: {
        type: 'x',
        format: 5,
        callback: { url: 'http://10.0.0.1/', body: 1, retries: 2 },
        owner: 'me',
      },
      ...INVALID,
      code: 1000,
      fields: ['owner', 'type', 'format', 'callback.retries', 'callback.body', 'callback.url'],
    },
    {
      name: 'too large and a bad format: 400 listing both',
      ...CREATE,
      body: task({ format: 'x' }, { body: { blob: 'x'.repeat(limitBytes) } }),
      ...INVALID,
      code: 1001,
      fields: ['format', 'callback'],
    },
    // deleteTask
    {
      name: 'deleteTask: bad JSON',
      ...DELETE,
      body: '{"task_id":',
      ...INVALID,
      code: 1000,
      fields: ['(body)'],
    },
    { name: 'deleteTask: no task_id', ...DELETE, body: {}, ...INVALID, code: 1030, fields: ['task_id'] },
    {
      name: 'deleteTask: task_id an object',
      ...DELETE,
      body: { task_id: {} },
      ...INVALID,
      code: 1030,
      fields: ['task_id'],
    },
    {
      name: 'deleteTask: task_id with a space',
      ...DELETE,
      body: { task_id: 'a b' },
      ...INVALID,
      code: 1030,
      fields: ['task_id'],
    },
    {
      name: 'deleteTask: 65-character task_id',
      ...DELETE,
      body: { task_id: 'a'.repeat(65) },
      ...INVALID,
      code: 1030,
      fields: ['task_id'],
    },
    {
      name: 'deleteTask: unknown field',
      ...DELETE,
      body: { task_id: 'abc', force: true },
      ...INVALID,
      code: 1000,
      fields: ['force'],
    },
    {
      name: 'deleteTask: unknown task',
      ...DELETE,
      body: { task_id: '00000000-0000-4000-8000-000000000000' },
      status: 404,
      code: 1040,
      error: 'JOB_NOT_FOUND',
      fields: ['task_id'],
    },
    // queryTask
    { name: 'queryTask: no task_id', ...QUERY, query: '', ...INVALID, code: 1030, fields: ['task_id'] },
    {
      name: 'queryTask: task_id twice',
      ...QUERY,
      query: 'task_id=a&task_id=b',
      ...INVALID,
      code: 1030,
      fields: ['task_id'],
    },
    {
      name: 'queryTask: task_id a newline',
      ...QUERY,
      query: 'task_id=%0A',
      ...INVALID,
      code: 1030,
      fields: ['task_id'],
    },
    {
      name: 'queryTask: unknown parameter',
      ...QUERY,
      query: 'task_id=abc&limit=5',
      ...INVALID,
      code: 1000,
      fields: ['limit'],
    },
    {
      name: 'queryTask: unknown task',
      ...QUERY,
      query: 'task_id=289057701458138645',
      status: 404,
      code: 1040,
      error: 'JOB_NOT_FOUND',
      fields: ['task_id'],
    },
    { name: 'listTasks: page 0', ...LIST, query: 'page=0', ...INVALID, code: 1000, fields: ['page'] },
    {
      name: 'listTasks: size 1001 and page not a number',
      ...LIST,
      query: 'size=1001&page=two',
      ...INVALID,
      code: 1000,
      fields: ['page', 'size'],
    },
    {
      name: 'listTasks: page 100,001',
      ...LIST,
      query: 'page=100001',
      ...INVALID,
      code: 1000,
      fields: ['page'],
    },
    {
      name: 'listTasks: page given twice',
      ...LIST,
      query: 'page=1&page=2',
      ...INVALID,
      code: 1000,
      fields: ['page'],
    },
    {
      name: 'listTasks: include_deleted yes',
      ...LIST,
      query: 'include_deleted=yes',
      ...INVALID,
      code: 1000,
      fields: ['include_deleted'],
    },
    {
      name: 'listTasks: an unknown parameter and a negative size',
      ...LIST,
      query: 'limit=5&size=-1',
      ...INVALID,
      code: 1000,
      fields: ['limit', 'size'],
    },
  ];
}
