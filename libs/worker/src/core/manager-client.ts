import { ErrorCode, PROTOCOL_VERSION, ProtocolHeader, type FieldError } from '@chaconne/contracts';
import { signBody } from '@chaconne/contracts/signing';
import { ManagerRequestError } from './errors';
import { SDK_VERSION } from './version';

export interface ManagerClientOptions {
  managerUrl: string;
  secret: string;
  timeoutMs: number;
}

/** The one method the rest of the SDK needs; tests can pass a fake. */
export interface ManagerTransport {
  post<T>(path: string, payload: unknown, signal?: AbortSignal): Promise<T>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const ERROR_CODES = new Set<string>(Object.values(ErrorCode));

function asErrorCode(value: unknown): ErrorCode | null {
  return typeof value === 'string' && ERROR_CODES.has(value) ? (value as ErrorCode) : null;
}

function asFieldErrors(value: unknown): FieldError[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (item): item is FieldError =>
      isRecord(item) && typeof item.field === 'string' && typeof item.reason === 'string',
  );
}

/** Why a request got no answer, in words: `ECONNREFUSED`, `timed out after 10000 ms`, ... */
function describeFailure(error: unknown, timeoutMs: number): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError') return `timed out after ${timeoutMs} ms`;
  if (error.name === 'AbortError') return 'aborted';
  const cause: unknown = error.cause;
  if (isRecord(cause)) {
    if (typeof cause.code === 'string') return cause.code;
    if (typeof cause.message === 'string') return cause.message;
  }
  return error.message;
}

/**
 * Signed JSON requests to the manager over Node's global `fetch`. Answers are Chaconne's
 * `{ success, msg, data }` envelope; anything but a 2xx success becomes a
 * {@link ManagerRequestError} carrying the status and the stable error code.
 */
export class ManagerClient implements ManagerTransport {
  constructor(private readonly options: ManagerClientOptions) {}

  async post<T>(path: string, payload: unknown, signal?: AbortSignal): Promise<T> {
    const body = JSON.stringify(payload);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      [ProtocolHeader.PROTOCOL]: String(PROTOCOL_VERSION),
      [ProtocolHeader.SDK]: SDK_VERSION,
      ...signBody(this.options.secret, body),
    };
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    // Link the caller's long-lived signal by hand: AbortSignal.any() on a long-lived source
    // retains every derived signal in some Node 20 releases.
    const controller = new AbortController();
    const onAbort = (): void => {
      controller.abort(signal?.aborted ? signal.reason : timeout.reason);
    };
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    timeout.addEventListener('abort', onAbort, { once: true });
    let status: number;
    let text: string;
    try {
      const response = await fetch(`${this.options.managerUrl}${path}`, {
        method: 'POST',
        headers,
        body,
        signal: controller.signal,
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      throw new ManagerRequestError(
        `POST ${path}: no answer from the manager (${describeFailure(controller.signal.aborted ? controller.signal.reason : error, this.options.timeoutMs)})`,
        null,
      );
    } finally {
      signal?.removeEventListener('abort', onAbort);
      timeout.removeEventListener('abort', onAbort);
    }
    return this.unwrap(path, status, text) as T;
  }

  private unwrap(path: string, status: number, text: string): unknown {
    let envelope: unknown;
    try {
      envelope = text === '' ? undefined : JSON.parse(text);
    } catch {
      envelope = undefined;
    }
    const ok = status >= 200 && status < 300;
    if (ok && isRecord(envelope) && envelope.success === true) return envelope.data;
    if (ok && envelope === undefined) return undefined;
    const msg = isRecord(envelope) && typeof envelope.msg === 'string' ? envelope.msg : text.slice(0, 200);
    const code = isRecord(envelope) ? asErrorCode(envelope.code) : null;
    const fieldErrors = isRecord(envelope) ? asFieldErrors(envelope.errors) : [];
    const details = fieldErrors.map((e) => `${e.field}: ${e.reason}`).join('; ');
    throw new ManagerRequestError(
      `POST ${path}: manager answered ${status}${code ? ` ${code}` : ''}${msg ? `: ${msg}` : ''}${details ? ` (${details})` : ''}`,
      status,
      code,
      fieldErrors,
    );
  }
}
