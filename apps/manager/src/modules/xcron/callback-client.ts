import { type ClientRequest, Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { CALLBACK_REFUSED, type CallbackPolicy } from './callback-policy';

/** How much of a response body is kept for the run's reason. */
export const BODY_EXCERPT_BYTES = 500;
const USER_AGENT = 'chaconne-xcron-callback';

export type CallbackAttempt =
  | { kind: 'response'; status: number; bodyExcerpt: string }
  /** `refused`: the SSRF policy refused the URL or an address it resolved to (never retried). */
  | { kind: 'error'; code: string; message: string; refused: boolean };

export interface Delivery {
  /** Requests tried (0 when the URL was refused before any). */
  attempts: number;
  last: CallbackAttempt;
}

export interface CallbackClientOptions {
  timeoutMs: number;
  /** Extra attempts after a network error or a 5xx. */
  retries: number;
  /** First backoff; doubles per retry, at most 5 s. @defaultValue 250 */
  backoffMs?: number;
}

export type SendOnce = (url: URL, payload: string, timeoutMs: number) => Promise<CallbackAttempt>;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Network errors and 5xx may pass; anything else is the target's final answer. */
export function isRetryable(attempt: CallbackAttempt): boolean {
  return attempt.kind === 'error' ? !attempt.refused : attempt.status >= 500;
}

/**
 * POSTs xcron callbacks. Sockets are opened by agents whose `lookup` is the policy's:
 * every connection goes to an address the policy checked in that very resolution.
 * Requests carry only `content-type`, `content-length` and a user agent: no manager
 * credentials or protocol headers; no proxy (environment proxies are not consulted);
 * redirects are not followed (a 3xx is the answer).
 */
export class CallbackClient {
  private readonly httpAgent: HttpAgent;
  private readonly httpsAgent: HttpsAgent;
  private readonly send: SendOnce;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly policy: CallbackPolicy,
    private readonly options: CallbackClientOptions,
    deps: { send?: SendOnce; sleep?: (ms: number) => Promise<void> } = {},
  ) {
    const agentOptions = { keepAlive: true, maxSockets: 64, maxFreeSockets: 16, lookup: policy.lookup };
    this.httpAgent = new HttpAgent(agentOptions);
    this.httpsAgent = new HttpsAgent(agentOptions);
    this.send = deps.send ?? ((url, payload, timeoutMs) => this.sendOnce(url, payload, timeoutMs));
    this.sleep = deps.sleep ?? sleep;
  }

  /** POSTs `body` as JSON to `rawUrl`, retrying network errors and 5xx with a short backoff. */
  async deliver(rawUrl: string, body: unknown): Promise<Delivery> {
    const verdict = this.policy.checkUrl(rawUrl);
    if (!verdict.ok) {
      return {
        attempts: 0,
        last: { kind: 'error', code: CALLBACK_REFUSED, message: verdict.reason, refused: true },
      };
    }
    const payload = JSON.stringify(body);
    const backoff = this.options.backoffMs ?? 250;
    for (let attempt = 1; ; attempt++) {
      const last = await this.send(verdict.url, payload, this.options.timeoutMs);
      if (!isRetryable(last) || attempt > this.options.retries) return { attempts: attempt, last };
      await this.sleep(Math.min(backoff * 2 ** (attempt - 1), 5_000));
    }
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private sendOnce(url: URL, payload: string, timeoutMs: number): Promise<CallbackAttempt> {
    return new Promise((resolve) => {
      let settled = false;
      const timer = setTimeout(() => {
        request.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' }));
      }, timeoutMs);
      const settle = (attempt: CallbackAttempt): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(attempt);
      };
      const https = url.protocol === 'https:';
      let request: ClientRequest;
      try {
        request = this.open(https, url, payload, settle);
      } catch (error) {
        // e.g. a header Node refuses: an answer like any other failure, not a crashed fire.
        const { code, message } = error as NodeJS.ErrnoException;
        settle({ kind: 'error', code: code ?? 'ERROR', message, refused: false });
        return;
      }
      request.on('error', (error: NodeJS.ErrnoException) => {
        const code = error.code ?? 'ERROR';
        settle({ kind: 'error', code, message: error.message, refused: code === CALLBACK_REFUSED });
      });
      request.end(payload);
    });
  }

  private open(
    https: boolean,
    url: URL,
    payload: string,
    settle: (attempt: CallbackAttempt) => void,
  ): ClientRequest {
    return (https ? httpsRequest : httpRequest)(
      url,
      {
        method: 'POST',
        agent: https ? this.httpsAgent : this.httpAgent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          'user-agent': USER_AGENT,
        },
      },
      (response) => {
        const status = response.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let size = 0;
        const done = (): void => {
          const excerpt = Buffer.concat(chunks).subarray(0, BODY_EXCERPT_BYTES).toString('utf8');
          settle({ kind: 'response', status, bodyExcerpt: excerpt });
        };
        response.on('data', (chunk: Buffer) => {
          if (size < BODY_EXCERPT_BYTES) chunks.push(chunk);
          size += chunk.length;
          // The rest of a long answer is not needed: stop reading (this socket is not reused).
          if (size >= BODY_EXCERPT_BYTES) {
            done();
            response.destroy();
          }
        });
        // The status is the answer; a body cut short by an error or the timeout still counts.
        response.on('end', done);
        response.on('error', done);
        response.on('close', done);
      },
    );
  }
}
