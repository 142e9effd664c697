import type { ErrorCode, Page } from '@chaconne/contracts';
import { ChaconneApiError, XcronApiError } from './chaconne-api-error';
import { type ClientOptions, fieldErrorsOf, isRecord, type JsonRequest, Transport } from './transport';
import type { XcronCreateTaskRequest, XcronTask, XcronTaskPageQuery } from './types';

/**
 * Client of the manager's xcron-compatible API: HTTP callback tasks that the manager POSTs
 * itself, no worker needed. xcron answers `{ uuid, code, data }`; a non-zero `code` throws
 * {@link XcronApiError} carrying it (e.g. 1005 when the SSRF policy refuses the callback URL)
 * together with the Chaconne error code and the field errors. Also reachable as
 * `jobManager.xcron`.
 *
 * @example
 * const xcron = new XcronClient({ baseUrl: 'http://127.0.0.1:6543', token });
 * const { taskId, warnings } = await xcron.createTask({
 *   type: XcronType.ONE_SHOT,
 *   format: new Date(Date.now() + 60_000), // or '1767225600' (unix seconds)
 *   callback: { url: 'https://example.com/hook', body: { params: [1, 2] } },
 * });
 * for (const warning of warnings) console.warn(warning); // e.g. the host did not resolve yet
 * const task = await xcron.queryTask(taskId); // { type: 2, format, run_count, callback, ... }
 * await xcron.deleteTask(taskId);
 */
export class XcronClient {
  private readonly transport: Transport;

  constructor(options: ClientOptions) {
    this.transport = new Transport(options);
  }

  /**
   * Creates a task; answers its `task_id` and the manager's warnings (none usually). A
   * callback host that does not resolve yet is accepted with a warning saying so: it is
   * checked again at each delivery, and a delivery to a host that still does not resolve
   * ends FAILED.
   */
  async createTask(request: XcronCreateTaskRequest): Promise<{ taskId: string; warnings: string[] }> {
    const format =
      request.format instanceof Date ? String(Math.ceil(request.format.getTime() / 1000)) : request.format;
    const answer = await this.call({
      method: 'POST',
      path: '/xcron/createTask',
      body: { ...request, format },
    });
    const warnings = Array.isArray(answer.warnings)
      ? answer.warnings.filter((w): w is string => typeof w === 'string')
      : [];
    return { taskId: (answer.data as { task_id: string }).task_id, warnings };
  }

  /** Stops a task for good (its runs stay); deleting a deleted task is a no-op. */
  async deleteTask(taskId: string): Promise<void> {
    await this.call({ method: 'POST', path: '/xcron/deleteTask', body: { task_id: taskId } });
  }

  /** The task's type, format, callback, run count and whether it was deleted. */
  async queryTask(taskId: string): Promise<XcronTask> {
    const answer = await this.call({ method: 'GET', path: '/xcron/queryTask', query: { task_id: taskId } });
    return answer.data as XcronTask;
  }

  /**
   * A page of tasks, newest first (not in xcron's README: the console's list). Deleted tasks
   * are left out unless `includeDeleted`.
   */
  async listTasks(query: XcronTaskPageQuery = {}): Promise<Page<XcronTask>> {
    const params: Record<string, string> = {};
    if (query.page !== undefined) params.page = String(query.page);
    if (query.size !== undefined) params.size = String(query.size);
    if (query.includeDeleted !== undefined) params.include_deleted = String(query.includeDeleted);
    const answer = await this.call({ method: 'GET', path: '/xcron/listTasks', query: params });
    return answer.data as Page<XcronTask>;
  }

  /** xcron's one request path: the `{ uuid, code, data, warnings? }` of a zero code, a non-zero code thrown. */
  private async call(request: JsonRequest): Promise<{ data: unknown; warnings?: unknown }> {
    const { status, body } = await this.transport.request(request);
    if (!isRecord(body) || typeof body.code !== 'number') {
      throw new ChaconneApiError(
        `${request.path}: HTTP ${status} without xcron's envelope`,
        status,
        'BAD_RESPONSE',
      );
    }
    if (body.code === 0) return { data: body.data, warnings: body.warnings };
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
