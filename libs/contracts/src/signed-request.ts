import type { Agent as HttpAgent } from 'node:http';
import { request as httpRequest } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import { request as httpsRequest } from 'node:https';
import { signRequest, type SignatureDirection } from './signing';

export interface SignedPost {
  /** Where the receiver's routes are mounted, e.g. `http://10.0.0.5:8088` (no trailing slash). */
  baseUrl: string;
  /** The route path, sent after `baseUrl` and signed as is, e.g. `/chaconne/runs/42/cancel`. */
  path: string;
  direction: SignatureDirection;
  /** The worker instance id the request is for, or `MANAGER_RECIPIENT`. */
  recipient: string;
  /** The exact JSON text sent and signed. */
  body: string;
  secret: string;
  /** Headers besides the signature and content length (content type, protocol version, ...). */
  headers: Record<string, string>;
  /** A keep-alive agent matching the URL's scheme. */
  agent: HttpAgent | HttpsAgent;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Answers beyond this many bytes are cut: both sides answer a few hundred. */
const MAX_ANSWER_BYTES = 1024 * 1024;

/**
 * POSTs a body between manager and worker, signed for its route, recipient and direction, with Node's own HTTP client (the hot path
 * of every run on both sides; `fetch` and axios cost several times more CPU per request).
 * Answers the status and text of any answer; rejects only when there is none, with the
 * reason as its message: a socket error code (`ECONNREFUSED`), `timed out after N ms`, or
 * `aborted`.
 */
export function postSigned(post: SignedPost): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    if (post.signal?.aborted) {
      reject(new Error('aborted'));
      return;
    }
    let url: URL;
    try {
      url = new URL(post.baseUrl + post.path);
    } catch {
      reject(new Error(`invalid address ${post.baseUrl}${post.path}`));
      return;
    }
    const target = { direction: post.direction, method: 'POST', path: post.path, recipient: post.recipient };
    const headers = {
      ...post.headers,
      ...signRequest(post.secret, target, post.body),
      'content-length': String(Buffer.byteLength(post.body)),
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(url, { method: 'POST', headers, agent: post.agent }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        if (size < MAX_ANSWER_BYTES) chunks.push(chunk);
        size += chunk.length;
      });
      response.on('end', () => {
        finish();
        resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
      });
      response.on('error', fail);
    });
    const timer = setTimeout(() => {
      request.destroy(new Error(`timed out after ${post.timeoutMs} ms`));
    }, post.timeoutMs);
    const onAbort = (): void => {
      request.destroy(new Error('aborted'));
    };
    post.signal?.addEventListener('abort', onAbort, { once: true });
    function finish(): void {
      clearTimeout(timer);
      post.signal?.removeEventListener('abort', onAbort);
    }
    function fail(error: Error & { code?: string }): void {
      finish();
      reject(new Error(error.code ?? error.message));
    }
    request.on('error', fail);
    request.end(post.body);
  });
}
