import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import {
  PROTOCOL_VERSION,
  ProtocolHeader,
  RUN_REQUEST_CONTENT_TYPE,
  type RunAccepted,
  type RunRequest,
  WorkerRoutes,
} from '@chaconne/contracts';
import { postSigned } from '@chaconne/contracts/signing';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { MANAGER_CONFIG, type ManagerConfig } from '../../config/manager-config';
import type { WorkerCandidate } from '../worker-registry/worker-registry.service';

export type DispatchResult = { ok: true; duplicate: boolean } | { ok: false; reason: string };

/**
 * Sends signed run requests to workers over keep-alive connections, with Node's own
 * HTTP client: one request per run is the hot path of every fire.
 */
@Injectable()
export class RunDispatcher implements OnApplicationShutdown {
  private readonly httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 256 });
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 256 });

  constructor(@Inject(MANAGER_CONFIG) private readonly config: ManagerConfig) {}

  async send(candidate: WorkerCandidate, request: RunRequest): Promise<DispatchResult> {
    return this.post(candidate.baseUrl + WorkerRoutes.runs, JSON.stringify(request));
  }

  /** Asks the instance at `baseUrl` to abort a run's handler (its AbortSignal fires with the reason). */
  async cancel(baseUrl: string, runId: number, reason: string): Promise<DispatchResult> {
    return this.post(baseUrl + WorkerRoutes.cancel(runId), JSON.stringify({ reason }));
  }

  /** POSTs the body as signed; never throws: a failure is a reason. */
  private async post(url: string, body: string): Promise<DispatchResult> {
    try {
      const { status, text } = await postSigned({
        url,
        body,
        secret: this.config.secret,
        headers: {
          'content-type': RUN_REQUEST_CONTENT_TYPE,
          [ProtocolHeader.PROTOCOL]: String(PROTOCOL_VERSION),
        },
        agent: url.startsWith('https:') ? this.httpsAgent : this.httpAgent,
        timeoutMs: this.config.dispatchTimeoutMs,
      });
      return resultOf(status, text);
    } catch (error) {
      return { ok: false, reason: (error as Error).message };
    }
  }

  onApplicationShutdown(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

function resultOf(status: number, text: string): DispatchResult {
  let answer: Partial<RunAccepted> & { code?: string; msg?: string } = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object') answer = parsed;
  } catch {
    // Not JSON (a proxy's error page): the status says enough.
  }
  if (status === 202 || status === 200) return { ok: true, duplicate: answer.duplicate === true };
  const detail = answer.code ?? answer.msg ?? '';
  return { ok: false, reason: `HTTP ${status}${detail ? ` ${detail}` : ''}` };
}
