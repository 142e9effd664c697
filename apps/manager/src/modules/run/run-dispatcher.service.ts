import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import {
  Coalescer,
  PROTOCOL_VERSION,
  ProtocolHeader,
  ProtocolLimits,
  RUN_REQUEST_CONTENT_TYPE,
  type CancelRequest,
  type RunBatchResults,
  type RunRequest,
  type Settled,
  WorkerRoutes,
} from '@chaconne/contracts';
import { postSigned, SignatureDirection } from '@chaconne/contracts/signing';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { MANAGER_CONFIG, type ManagerConfig } from '../../config/manager-config';
import type { WorkerCandidate } from '../worker-registry/worker-registry.service';
import { startInMsAt } from './dispatch-timing';

/** `atCapacity`: the instance refused the run at the job's concurrency limit (429); it may take it later. */
export type DispatchResult =
  { ok: true; duplicate: boolean } | { ok: false; reason: string; atCapacity?: true };

/** Where a request goes: the instance it is signed for, at its address. */
export type DispatchTarget = Pick<WorkerCandidate, 'instanceId' | 'baseUrl'>;

/** A run request and its JSON text (sent as is, alone or inside a batch). */
interface Outgoing {
  runId: number;
  json: string;
  /** Epoch ms the handler is due to start: the request gets its `startInMs` when it is signed. */
  startAt?: number;
}

/** Characters `,"startInMs":60000` adds to a request. */
const START_IN_CHARS = 20;

/** The request's JSON text as it leaves now: a run sent ahead says in how long it starts. */
function bodyOf(item: Outgoing): string {
  if (item.startAt === undefined) return item.json;
  const startInMs = startInMsAt(item.startAt, Date.now());
  return startInMs === 0 ? item.json : `${item.json.slice(0, -1)},"startInMs":${startInMs}}`;
}

/** Requests under way to one instance at once; runs dispatched meanwhile go together. */
const MAX_IN_FLIGHT_PER_INSTANCE = 2;
/** The most runs per batch request (what the SDK takes). */
const MAX_BATCH_RUNS = ProtocolLimits.runsPerBatch;
/** Batches stay well under the SDK's 1 MiB request limit; a larger run request goes alone. */
const MAX_BATCH_CHARS = 512 * 1024;

/**
 * Sends run requests to workers over keep-alive connections, with Node's own HTTP client,
 * each signed for the instance it goes to and its route. A run goes at once, alone
 * (`POST /chaconne/runs`); runs bound for the same instance while two requests to it are
 * under way go together in one `POST /chaconne/runs/batch`: a light load sends each run at
 * once, a burst sends a few hundred per request. Each run still gets its own answer.
 */
@Injectable()
export class RunDispatcher implements OnApplicationShutdown {
  private readonly httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 256 });
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 256 });
  /** Per instance (and address), while runs are on their way there. */
  private readonly lanes = new Map<string, Coalescer<Outgoing, DispatchResult>>();

  constructor(@Inject(MANAGER_CONFIG) private readonly config: ManagerConfig) {}

  /**
   * Sends a run; with `startAt` (epoch ms) it is sent ahead: its `startInMs` is measured when
   * the request is signed, so time spent waiting in the lane does not delay the start.
   */
  async send(target: DispatchTarget, request: RunRequest, startAt?: number): Promise<DispatchResult> {
    const outgoing: Outgoing = {
      runId: request.runId,
      json: JSON.stringify(request),
      ...(startAt === undefined ? {} : { startAt }),
    };
    if (outgoing.json.length > MAX_BATCH_CHARS) return this.sendAlone(target, outgoing);
    // A batch is signed for one instance: an instance id that moved to another address gets its own lane.
    const key = `${target.instanceId} ${target.baseUrl}`;
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = new Coalescer<Outgoing, DispatchResult>({
        maxInFlight: MAX_IN_FLIGHT_PER_INSTANCE,
        maxItems: MAX_BATCH_RUNS,
        maxWeight: MAX_BATCH_CHARS,
        weigh: (item) => item.json.length + START_IN_CHARS,
        send: (items) => this.sendTogether(target, items),
        onIdle: () => this.lanes.delete(key),
      });
      this.lanes.set(key, lane);
    }
    try {
      return await lane.submit(outgoing);
    } catch (error) {
      return { ok: false, reason: (error as Error).message };
    }
  }

  /** Asks an instance to abort a run's handler (its AbortSignal fires with the reason). */
  async cancel(target: DispatchTarget, runId: number, reason: string): Promise<DispatchResult> {
    const body: CancelRequest = { reason: reason.slice(0, ProtocolLimits.cancelReasonChars) };
    return resultOf(await this.post(target, WorkerRoutes.cancel(runId), JSON.stringify(body)));
  }

  private async sendAlone(target: DispatchTarget, outgoing: Outgoing): Promise<DispatchResult> {
    return resultOf(await this.post(target, WorkerRoutes.runs, bodyOf(outgoing)));
  }

  /** One run goes to the single route; several that waited go in one batch. */
  private async sendTogether(target: DispatchTarget, items: Outgoing[]): Promise<Settled<DispatchResult>[]> {
    const [only] = items;
    if (items.length === 1 && only) return [{ value: await this.sendAlone(target, only) }];
    return this.sendBatch(target, items);
  }

  private async sendBatch(target: DispatchTarget, items: Outgoing[]): Promise<Settled<DispatchResult>[]> {
    const answer = await this.post(
      target,
      WorkerRoutes.runBatch,
      `{"runs":[${items.map(bodyOf).join(',')}]}`,
    );
    const every = (result: DispatchResult) => items.map(() => ({ value: result }));
    if ('reason' in answer) return every({ ok: false, reason: answer.reason });
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

  /** POSTs the body signed for the instance and route; never throws: no answer is a reason. */
  private async post(
    target: DispatchTarget,
    path: string,
    body: string,
  ): Promise<{ status: number; text: string } | { reason: string }> {
    try {
      return await postSigned({
        baseUrl: target.baseUrl,
        path,
        direction: SignatureDirection.MANAGER_TO_WORKER,
        recipient: target.instanceId,
        body,
        secret: this.config.secret,
        headers: {
          'content-type': RUN_REQUEST_CONTENT_TYPE,
          [ProtocolHeader.PROTOCOL]: String(PROTOCOL_VERSION),
        },
        agent: target.baseUrl.startsWith('https:') ? this.httpsAgent : this.httpAgent,
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
  const reason = `HTTP ${status}${detail ? ` ${detail}` : ''}`;
  return status === 429 ? { ok: false, reason, atCapacity: true } : { ok: false, reason };
}
