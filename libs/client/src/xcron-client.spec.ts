import { RecordingServer } from '../test/recording-server';
import { ChaconneApiError, XcronApiError } from './chaconne-api-error';
import { XcronCode, XcronType } from './enums';
import { JobManager } from './job-manager';
import { XcronClient } from './xcron-client';

let server: RecordingServer;
let xcron: XcronClient;

beforeAll(async () => {
  server = await RecordingServer.start();
  xcron = new XcronClient({ baseUrl: server.url, token: 'tok' });
});

afterAll(async () => {
  await server.close();
});

const task = {
  task_id: 't-1',
  create_time: '1767225600',
  type: XcronType.ONE_SHOT,
  format: '1893456000',
  run_count: 0,
  callback: { url: 'https://example.com/hook', body: { params: [1, 2] } },
  deleted: false,
};

async function xcronFailure(promise: Promise<unknown>): Promise<XcronApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof XcronApiError)) throw new Error(`expected an XcronApiError, got ${String(error)}`);
  return error;
}

describe('XcronClient', () => {
  it('createTask posts the xcron body and answers the task id', async () => {
    server.reply('/xcron/createTask', { json: { uuid: 'u1', code: 0, data: { task_id: 't-1' } } });
    const request = {
      type: XcronType.PERIODIC,
      format: '*/10 * * * * ?',
      callback: { url: 'https://example.com/hook', body: { params: [1, 2] } },
    };
    await expect(xcron.createTask(request)).resolves.toEqual({ taskId: 't-1', warnings: [] });
    expect(server.last).toMatchObject({ method: 'POST', url: '/xcron/createTask', body: request });
    expect(server.last.headers).toMatchObject({
      authorization: 'Bearer tok',
      'content-type': 'application/json',
    });
  });

  it("createTask hands over the manager's warnings", async () => {
    const warning =
      'callback.url: host test.demo.com did not resolve (ENOTFOUND); it will be checked again at each delivery';
    server.reply('/xcron/createTask', {
      json: { uuid: 'u1', code: 0, data: { task_id: 't-9' }, warnings: [warning] },
    });
    await expect(
      xcron.createTask({
        type: XcronType.PERIODIC,
        format: '1581823751',
        callback: { url: 'http://test.demo.com:8810', body: { params: [1, 2], data: '10.10.10', count: 1 } },
      }),
    ).resolves.toEqual({ taskId: 't-9', warnings: [warning] });
  });

  it('createTask sends a Date format as unix seconds, rounded up', async () => {
    server.reply('/xcron/createTask', { json: { uuid: 'u2', code: 0, data: { task_id: 't-2' } } });
    await xcron.createTask({
      type: XcronType.ONE_SHOT,
      format: new Date(1_893_456_000_200),
      callback: { url: 'https://example.com/hook' },
    });
    expect(server.last.body).toEqual({
      type: 2,
      format: '1893456001',
      callback: { url: 'https://example.com/hook' },
    });
  });

  it('deleteTask posts the task id', async () => {
    server.reply('/xcron/deleteTask', { json: { uuid: 'u3', code: 0 } });
    await expect(xcron.deleteTask('t-1')).resolves.toBeUndefined();
    expect(server.last).toMatchObject({ method: 'POST', url: '/xcron/deleteTask', body: { task_id: 't-1' } });
  });

  it('queryTask GETs the task by a query parameter', async () => {
    server.reply('/xcron/queryTask', { json: { uuid: 'u4', code: 0, data: task } });
    await expect(xcron.queryTask('t 1/2')).resolves.toEqual(task);
    expect(server.last).toMatchObject({
      method: 'GET',
      url: '/xcron/queryTask?task_id=t+1%2F2',
      body: undefined,
    });
    expect(server.last.headers['content-type']).toBeUndefined();
  });

  it('is reachable as jobManager.xcron with the same options', async () => {
    server.reply('/xcron/queryTask', { json: { uuid: 'u5', code: 0, data: task } });
    const jobs = new JobManager({ baseUrl: server.url, token: 'other' });
    await expect(jobs.xcron.queryTask('t-1')).resolves.toEqual(task);
    expect(server.last.headers.authorization).toBe('Bearer other');
  });

  it('throws a non-zero code as XcronApiError with the xcron code, Chaconne code, uuid and field errors', async () => {
    server.reply('/xcron/createTask', {
      status: 400,
      json: {
        uuid: 'u6',
        code: 1005,
        message: 'callback.url: 127.0.0.1 is a loopback address',
        error: 'CALLBACK_NOT_ALLOWED',
        errors: [{ field: 'callback.url', reason: '127.0.0.1 is a loopback address' }],
      },
    });
    const error = await xcronFailure(
      xcron.createTask({
        type: XcronType.ONE_SHOT,
        format: '1893456000',
        callback: { url: 'http://127.0.0.1/' },
      }),
    );
    expect(error).toBeInstanceOf(ChaconneApiError);
    expect(error).toMatchObject({
      name: 'XcronApiError',
      status: 400,
      xcronCode: XcronCode.CALLBACK_NOT_ALLOWED,
      code: 'CALLBACK_NOT_ALLOWED',
      uuid: 'u6',
      message: 'callback.url: 127.0.0.1 is a loopback address',
      fieldErrors: [{ field: 'callback.url', reason: '127.0.0.1 is a loopback address' }],
    });
  });

  it('maps an unknown task (1040) and a refused token (1050)', async () => {
    server.reply('/xcron/queryTask', {
      status: 404,
      json: { uuid: 'u7', code: 1040, message: 'no xcron task nope', error: 'JOB_NOT_FOUND' },
    });
    expect(await xcronFailure(xcron.queryTask('nope'))).toMatchObject({
      status: 404,
      xcronCode: XcronCode.TASK_NOT_FOUND,
      code: 'JOB_NOT_FOUND',
    });
    server.reply('/xcron/deleteTask', {
      status: 401,
      json: {
        uuid: 'u8',
        code: 1050,
        message: 'the admin token is unknown or revoked',
        error: 'UNAUTHORIZED',
      },
    });
    expect(await xcronFailure(xcron.deleteTask('t-1'))).toMatchObject({
      status: 401,
      xcronCode: XcronCode.UNAUTHORIZED,
      code: 'UNAUTHORIZED',
    });
  });

  it('reports an answer without the xcron envelope as BAD_RESPONSE, and timeouts as NETWORK_ERROR', async () => {
    server.reply('/xcron/queryTask', { json: { success: true, data: task } });
    await expect(xcron.queryTask('t-1')).rejects.toMatchObject({ code: 'BAD_RESPONSE', status: 200 });
    server.reply('/xcron/queryTask', { delayMs: 3_000, json: { uuid: 'u9', code: 0, data: task } });
    const slow = new XcronClient({ baseUrl: server.url, timeoutMs: 100 });
    await expect(slow.queryTask('t-1')).rejects.toMatchObject({ code: 'NETWORK_ERROR', status: 0 });
  });
});
