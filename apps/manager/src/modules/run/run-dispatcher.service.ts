import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import {
  Coalescer,
  PROTOCOL_VERSION,
  ProtocolHeader,
  RUN_REQUEST_CONTENT_TYPE,
  type RunBatchResults,
  type RunRequest,
  type Settled,
  WorkerRoutes,
} from '@chaconne/contracts';
import { postSigned } from '@chaconne/contracts/signing';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { MANAGER_CONFIG, type ManagerConfig } from '../../config/manager-config';
import type { WorkerCandidate } from '../worker-registry/worker-registry.service';

export type DispatchResult = { ok: true; duplicate: boolean } | { ok: false; reason: string };

/** A run request and its JSON text (sent as is, alone or inside a batch). */
interface Outgoing {
  runId: number;
  json: string;
}

/** Requests under way to one instance at once; runs dispatched meanwhile go together. */
const MAX_IN_FLIGHT_PER_INSTANCE = 2;
/** The most runs per batch request. */
const MAX_BATCH_RUNS = 200;
/** Batches stay well under the SDK's 1 MiB request limit; a larger run request goes alone. */
const MAX_BATCH_CHARS = 512 * 1024;

/**
 * Sends signed run requests to workers over keep-alive connections, with Node's own HTTP
 * client. Runs bound for the same instance while two requests to it are under way go
 * together in one `POST /chaconne/runs/batch`: a light load sends each run at once, a
 * burst sends a few hundred per request. Each run still gets its own answer. An instance
 * whose SDK has no batch route (404) gets one request per run from then on.
 */
@Injectable()
export class RunDispatcher implements OnApplicationShutdown {
  private readonly httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 256 });
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 256 });
  /** Per instance base URL, while runs are on their way there. */
  private readonly lanes = new Map<string, Coalescer<Outgoing, DispatchResult>>();
  /** Base URLs whose SDK answered 404 to a batch. */
  private readonly singleOnly = new Set<string>();

  constructor(@Inject(MANAGER_CONFIG) private readonly config: ManagerConfig) {}

  async send(candidate: WorkerCandidate, request: RunRequest): Promise<DispatchResult> {
    const { baseUrl } = candidate;
    const outgoing = { runId: request.runId, json: JSON.stringify(request) };
    if (this.singleOnly.has(baseUrl) || outgoing.json.length > MAX_BATCH_CHARS) {
      return this.sendAlone(baseUrl, outgoing);
    }
    let lane = this.lanes.get(baseUrl);
    if (!lane) {
      lane = new Coalescer<Outgoing, DispatchResult>({
        maxInFlight: MAX_IN_FLIGHT_PER_INSTANCE,
        maxItems: MAX_BATCH_RUNS,
        maxWeight: MAX_BATCH_CHARS,
        weigh: (item) => item.json.length,
        send: (items) => this.sendBatch(baseUrl, items),
        onIdle: () => this.lanes.delete(baseUrl),
      });
      this.lanes.set(baseUrl, lane);
    }
    try {
      return await lane.submit(outgoing);
    } catch (error) {
      return { ok: false, reason: (error as Error).message };
    }
  }

  /** Asks the instance at `baseUrl` to abort a run's handler (its AbortSignal fires with the reason). */
  async cancel(baseUrl: string, runId: number, reason: string): Promise<DispatchResult> {
    return resultOf(await this.post(baseUrl + WorkerRoutes.cancel(runId), JSON.stringify({ reason })));
  }

  private async sendAlone(baseUrl: string, outgoing: Outgoing): Promise<DispatchResult> {
    return resultOf(await this.post(baseUrl + WorkerRoutes.runs, outgoing.json));
  }

  private async sendBatch(baseUrl: string, items: Outgoing[]): Promise<Settled<DispatchResult>[]> {
    const answer = await this.post(
      baseUrl + WorkerRoutes.runBatch,
      `{"runs":[${items.map((item) => item.json).join(',')}]}`,
    );
    const every = (result: DispatchResult) => items.map(() => ({ value: result }));
    if ('reason' in answer) return every({ ok: false, reason: answer.reason });
    if (answer.status === 404) {
      // An SDK without the batch route: one request per run from now on.
      this.singleOnly.add(baseUrl);
      return Promise.all(items.map(async (item) => ({ value: await this.sendAlone(baseUrl, item) })));
    }
    if (answer.status !== 200) {
      const refused = resultOf(answer);
      return every(refused.ok ? { ok: false, reason: `HTTP ${answer.status}: not a batch answer` } : refused);
    }
    const results = parse(answer.text) as Partial<RunBatchResults> | undefined;
    if (!Array.isArray(results?.results) || results.results.length !== items.length) {
      return every({
        ok: false,
        reason: `the worker's batch answer does not match its ${items.length} run(s)`,
      });
    }
    return results.results.map((result) => ({ value: resultOfAnswer(result.status, result.answer) }));
  }

  /** POSTs the body as signed; never throws: no answer is a reason. */
  private async post(
    url: string,
    body: string,
  ): Promise<{ status: number; text: string } | { reason: string }> {
    try {
      return await postSigned({
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
    } catch (error) {
      return { reason: (error as Error).message };
    }
  }

  onApplicationShutdown(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined; // Not JSON (a proxy's error page): the status says enough.
  }
}

/** A worker's answer to a request of its own (one run, a cancel), or the reason there is none. */
function resultOf(answer: { status: number; text: string } | { reason: string }): DispatchResult {
  if ('reason' in answer) return { ok: false, reason: answer.reason };
  return resultOfAnswer(answer.status, parse(answer.text));
}

/** A worker's answer to one run (alone, or as an item of a batch). */
function resultOfAnswer(status: number, answer: unknown): DispatchResult {
  const fields = (answer && typeof answer === 'object' ? answer : {}) as {
    duplicate?: unknown;
    code?: unknown;
    msg?: unknown;
  };
  if (status === 202 || status === 200) return { ok: true, duplicate: fields.duplicate === true };
  const detail =
    typeof fields.code === 'string' ? fields.code : typeof fields.msg === 'string' ? fields.msg : '';
  return { ok: false, reason: `HTTP ${status}${detail ? ` ${detail}` : ''}` };
}
