import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import {
  PROTOCOL_VERSION,
  ProtocolHeader,
  RUN_REQUEST_CONTENT_TYPE,
  type RunAccepted,
  type RunRequest,
  WorkerRoutes,
} from '@chaconne/contracts';
import { signBody } from '@chaconne/contracts/signing';
import axios, { type AxiosInstance } from 'axios';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { MANAGER_CONFIG, type ManagerConfig } from '../../config/manager-config';
import type { WorkerCandidate } from '../worker-registry/worker-registry.service';

export type DispatchResult = { ok: true; duplicate: boolean } | { ok: false; reason: string };

/** Sends signed run requests to workers over keep-alive connections. */
@Injectable()
export class RunDispatcher implements OnApplicationShutdown {
  private readonly httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 256 });
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 256 });
  private readonly http: AxiosInstance;

  constructor(@Inject(MANAGER_CONFIG) private readonly config: ManagerConfig) {
    this.http = axios.create({
      httpAgent: this.httpAgent,
      httpsAgent: this.httpsAgent,
      timeout: config.dispatchTimeoutMs,
      maxRedirects: 0,
      validateStatus: () => true,
      // The body is signed as sent: keep it a string end to end.
      transformRequest: [(data: unknown) => data],
    });
  }

  async send(candidate: WorkerCandidate, request: RunRequest): Promise<DispatchResult> {
    return this.post(candidate.baseUrl + WorkerRoutes.runs, JSON.stringify(request));
  }

  /** Asks the instance at `baseUrl` to abort a run's handler (its AbortSignal fires with the reason). */
  async cancel(baseUrl: string, runId: number, reason: string): Promise<DispatchResult> {
    return this.post(baseUrl + WorkerRoutes.cancel(runId), JSON.stringify({ reason }));
  }

  private async post(url: string, body: string): Promise<DispatchResult> {
    try {
      const response = await this.http.post<Partial<RunAccepted> & { code?: string; msg?: string }>(
        url,
        body,
        {
          headers: {
            ...signBody(this.config.secret, body),
            'content-type': RUN_REQUEST_CONTENT_TYPE,
            [ProtocolHeader.PROTOCOL]: String(PROTOCOL_VERSION),
          },
        },
      );
      if (response.status === 202 || response.status === 200) {
        return { ok: true, duplicate: response.data.duplicate === true };
      }
      const detail = response.data.code ?? response.data.msg ?? '';
      return { ok: false, reason: `HTTP ${response.status}${detail ? ` ${detail}` : ''}` };
    } catch (error) {
      const { code, message } = error as { code?: string; message?: string };
      return { ok: false, reason: code ?? message ?? 'request failed' };
    }
  }

  onApplicationShutdown(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
