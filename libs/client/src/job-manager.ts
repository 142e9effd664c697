import type {
  ApiResult,
  JobDetail,
  JobKey,
  JobLog,
  JobPersistParameter,
  JobTrace,
  Page,
  WireDate,
} from '@chaconne/contracts';
import { ChaconneApiError } from './chaconne-api-error';

export interface JobManagerOptions {
  /** The manager's base URL, e.g. `http://127.0.0.1:6543`. */
  baseUrl: string;
  /**
   * Per-request timeout in milliseconds.
   * @defaultValue 10000
   */
  timeoutMs?: number;
  /** Extra headers sent with every request (e.g. an authorization token). */
  headers?: Record<string, string>;
}

export interface TraceQuery {
  jobKey: JobKey;
  page?: number;
  size?: number;
  startDate?: WireDate;
  endDate?: WireDate;
}

/**
 * Typed client of the manager's admin API (Chaconne's `JobManager`).
 *
 * @example
 * const jobs = new JobManager({ baseUrl: 'http://127.0.0.1:6543' });
 * const jobId = await jobs.persistJob(definition);
 */
export class JobManager {
  private readonly baseUrl: string;

  constructor(private readonly options: JobManagerOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  /** Creates or updates a job by its JobKey; answers the job id. */
  persistJob(definition: JobPersistParameter): Promise<number> {
    return this.call('persistJob', definition);
  }

  getJobDetail(jobKey: JobKey): Promise<JobDetail> {
    return this.call('getJobDetail', jobKey);
  }

  /** Runs of a job, newest first. */
  selectJobTrace(query: TraceQuery): Promise<Page<JobTrace>> {
    return this.call('selectJobTrace', query);
  }

  /** The log lines of one run. */
  selectJobLog(jobKey: JobKey, traceId: number): Promise<JobLog[]> {
    return this.call('selectJobLog', { jobKey, traceId });
  }

  private async call<T>(endpoint: string, body: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}/job/admin/${endpoint}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...this.options.headers },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new ChaconneApiError(
        `manager unreachable at ${this.baseUrl}: ${(error as Error).message}`,
        0,
        'NETWORK_ERROR',
      );
    }
    let result: ApiResult<T>;
    try {
      result = (await response.json()) as ApiResult<T>;
    } catch {
      throw new ChaconneApiError(
        `${endpoint}: HTTP ${response.status} without a JSON body`,
        response.status,
        'BAD_RESPONSE',
      );
    }
    if (result.success) return result.data;
    throw new ChaconneApiError(result.msg, response.status, result.code, result.errors ?? []);
  }
}
