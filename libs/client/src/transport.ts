import type { FieldError } from '@chaconne/contracts';
import { ChaconneApiError } from './chaconne-api-error';

/** How to reach a manager. */
export interface ClientOptions {
  /** The manager's base URL, e.g. `http://127.0.0.1:6543` (a path prefix is kept). */
  baseUrl: string;
  /** An admin token, sent as `Authorization: Bearer <token>`. */
  token?: string;
  /**
   * Per-request timeout in milliseconds, answer included; a request that takes longer fails
   * with code `NETWORK_ERROR`.
   * @defaultValue 10000
   */
  timeoutMs?: number;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
  /** The `fetch` to use; the global one by default. */
  fetch?: typeof fetch;
}

/** An answer whose body was read and parsed as JSON. */
export interface JsonAnswer {
  status: number;
  body: unknown;
}

export interface JsonRequest {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string>;
  body?: unknown;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * The one request path of the client: `fetch` with the options' headers, token and timeout;
 * network failures and timeouts become `NETWORK_ERROR`, bodies that are not JSON
 * `BAD_RESPONSE`. Decoding the envelope is the caller's job (Chaconne's and xcron's differ).
 */
export class Transport {
  readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly headers: Headers;
  private readonly fetchFn: typeof fetch;

  constructor(options: ClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.headers = new Headers(options.headers);
    if (!this.headers.has('accept')) this.headers.set('accept', 'application/json');
    if (options.token !== undefined) this.headers.set('authorization', `Bearer ${options.token}`);
    this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
  }

  async request({ method, path, query, body }: JsonRequest): Promise<JsonAnswer> {
    const search = query ? `?${new URLSearchParams(query).toString()}` : '';
    const url = `${this.baseUrl}${path}${search}`;
    const headers = new Headers(this.headers);
    if (body !== undefined) headers.set('content-type', 'application/json');
    let status: number;
    let text: string;
    try {
      const response = await this.fetchFn(url, {
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      throw new ChaconneApiError(
        `${method} ${url}: manager unreachable: ${describeFailure(error, this.timeoutMs)}`,
        0,
        'NETWORK_ERROR',
        [],
        {},
        { cause: error },
      );
    }
    try {
      return { status, body: JSON.parse(text) as unknown };
    } catch {
      throw new ChaconneApiError(
        `${method} ${url}: HTTP ${status} without a JSON body${text ? `: ${text.slice(0, 200)}` : ''}`,
        status,
        'BAD_RESPONSE',
      );
    }
  }

  /**
   * Opens a long-lived GET (a server-sent-events stream): the timeout covers the answer's
   * headers only, `signal` ends it at any time. A non-2xx answer is read as JSON and handed
   * back as `failure` for the caller to decode.
   */
  async openStream(
    path: string,
    query: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<{ body: ReadableStream<Uint8Array> } | { failure: JsonAnswer }> {
    const url = `${this.baseUrl}${path}?${new URLSearchParams(query).toString()}`;
    const headers = new Headers(this.headers);
    headers.set('accept', 'text/event-stream');
    const connect = new AbortController();
    const timer = setTimeout(() => {
      connect.abort(new DOMException('no answer', 'TimeoutError'));
    }, this.timeoutMs);
    const signals = signal ? [connect.signal, signal] : [connect.signal];
    let response: Response;
    try {
      response = await this.fetchFn(url, { method: 'GET', headers, signal: AbortSignal.any(signals) });
    } catch (error) {
      throw new ChaconneApiError(
        `GET ${url}: manager unreachable: ${describeFailure(connect.signal.aborted ? connect.signal.reason : error, this.timeoutMs)}`,
        0,
        'NETWORK_ERROR',
        [],
        {},
        { cause: error },
      );
    } finally {
      clearTimeout(timer);
    }
    if (response.ok && response.body) return { body: response.body };
    const text = await response.text();
    try {
      return { failure: { status: response.status, body: JSON.parse(text) as unknown } };
    } catch {
      throw new ChaconneApiError(
        `GET ${url}: HTTP ${response.status} without a JSON body`,
        response.status,
        'BAD_RESPONSE',
      );
    }
  }
}

/** Why a request failed, in words: a timeout, or the network error and its system code. */
function describeFailure(error: unknown, timeoutMs: number): string {
  // Not `instanceof`: fetch's errors may come from another realm (DOMException, undici's TypeError).
  const { name, message, cause } = isObject(error) ? error : {};
  if (name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const detail = isObject(cause) ? (typeof cause.code === 'string' ? cause.code : cause.message) : undefined;
  return `${typeof message === 'string' ? message : String(error)}${typeof detail === 'string' ? ` (${detail})` : ''}`;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The `errors` of an error answer, keeping only well-formed entries. */
export function fieldErrorsOf(errors: unknown): FieldError[] {
  if (!Array.isArray(errors)) return [];
  return errors.filter(
    (e): e is FieldError => isRecord(e) && typeof e.field === 'string' && typeof e.reason === 'string',
  );
}
