import type { ErrorCode } from '@chaconne/contracts';
import { ChaconneApiError, XcronApiError } from './chaconne-api-error';
import { type ClientOptions, fieldErrorsOf, isRecord, type JsonRequest, Transport } from './transport';
import type { XcronCreateTaskRequest, XcronTask } from './types';

/**
 * Client of the manager's xcron-compatible API: HTTP callback tasks that the manager POSTs
 * itself, no worker needed. xcron answers `{ uuid, code, data }`; a non-zero `code` throws
 * {@link XcronApiError} carrying it (e.g. 1005 when the SSRF policy refuses the callback URL)
 * together with the Chaconne error code and the field errors. Also reachable as
 * `jobManager.xcron`.
 *
 * @example
 * const xcron = new XcronClient({ baseUrl: 'http://127.0.0.1:6543', token });
 * const taskId = await xcron.createTask({
 *   type: XcronType.ONE_SHOT,
 *   format: new Date(Date.now() + 60_000), // or '1767225600' (unix seconds)
 *   callback: { url: 'https://example.com/hook', body: { params: [1, 2] } },
 * });
 * const task = await xcron.queryTask(taskId); // { type: 2, format, run_count, callback, ... }
 * await xcron.deleteTask(taskId);
 */
export class XcronClient {
  private readonly transport: Transport;

  constructor(options: ClientOptions) {
    this.transport = new Transport(options);
  }

  /** Creates a task; answers its `task_id`. */
  async createTask(request: XcronCreateTaskRequest): Promise<string> {
    const format =
      request.format instanceof Date ? String(Math.ceil(request.format.getTime() / 1000)) : request.format;
    const data = await this.call<{ task_id: string }>({
      method: 'POST',
      path: '/xcron/createTask',
      body: { ...request, format },
    });
    return data.task_id;
  }

  /** Stops a task for good (its runs stay); deleting a deleted task is a no-op. */
  async deleteTask(taskId: string): Promise<void> {
    await this.call({ method: 'POST', path: '/xcron/deleteTask', body: { task_id: taskId } });
  }

  /** The task's type, format, callback, run count and whether it was deleted. */
  queryTask(taskId: string): Promise<XcronTask> {
    return this.call({ method: 'GET', path: '/xcron/queryTask', query: { task_id: taskId } });
  }

  /** xcron's one request path: `{ uuid, code, data }` unwrapped, a non-zero code thrown. */
  private async call<T>(request: JsonRequest): Promise<T> {
    const { status, body } = await this.transport.request(request);
    if (!isRecord(body) || typeof body.code !== 'number') {
      throw new ChaconneApiError(
        `${request.path}: HTTP ${status} without xcron's envelope`,
        status,
        'BAD_RESPONSE',
      );
    }
    if (body.code === 0) return body.data as T;
    throw new XcronApiError(
      typeof body.message === 'string' ? body.message : `${request.path}: xcron code ${body.code}`,
      status,
      typeof body.error === 'string' ? (body.error as ErrorCode) : 'BAD_RESPONSE',
      body.code,
      typeof body.uuid === 'string' ? body.uuid : null,
      fieldErrorsOf(body.errors),
    );
  }
}
