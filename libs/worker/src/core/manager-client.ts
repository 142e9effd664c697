import { ErrorCode, PROTOCOL_VERSION, ProtocolHeader, type FieldError } from '@chaconne/contracts';
import { MANAGER_RECIPIENT, postSigned, SignatureDirection } from '@chaconne/contracts/signing';
import { ManagerRequestError } from './errors';
import { SDK_VERSION } from './version';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

export interface ManagerClientOptions {
  managerUrl: string;
  secret: string;
  timeoutMs: number;
}

/** The one method the rest of the SDK needs; tests can pass a fake. */
export interface ManagerTransport {
  post<T>(path: string, payload: unknown, signal?: AbortSignal): Promise<T>;
  /** Releases the connections (after the last request). */
  close?(): void;
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

/**
 * JSON requests to the manager, each signed for its route (any manager of the deployment), with Node's own HTTP client over keep-alive
 * connections (a report per run is the SDK's hot path; `fetch` cost several times more CPU
 * per request). Answers are Chaconne's `{ success, msg, data }` envelope; anything but a
 * 2xx success becomes a {@link ManagerRequestError} carrying the status and the stable
 * error code.
 */
export class ManagerClient implements ManagerTransport {
  private readonly agent: HttpAgent | HttpsAgent;

  constructor(private readonly options: ManagerClientOptions) {
    const https = options.managerUrl.startsWith('https:');
    this.agent = https ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  }

  async post<T>(path: string, payload: unknown, signal?: AbortSignal): Promise<T> {
    const body = JSON.stringify(payload);
    const { status, text } = await postSigned({
      baseUrl: this.options.managerUrl,
      path,
      direction: SignatureDirection.WORKER_TO_MANAGER,
      recipient: MANAGER_RECIPIENT,
      body,
      secret: this.options.secret,
      headers: {
        'content-type': 'application/json',
        [ProtocolHeader.PROTOCOL]: String(PROTOCOL_VERSION),
        [ProtocolHeader.SDK]: SDK_VERSION,
      },
      agent: this.agent,
      timeoutMs: this.options.timeoutMs,
      ...(signal ? { signal } : {}),
    }).catch((reason: unknown) => {
      throw new ManagerRequestError(
        `POST ${path}: no answer from the manager (${reason instanceof Error ? reason.message : String(reason)})`,
        null,
      );
    });
    return this.unwrap(path, status, text) as T;
  }

  /** Closes the idle keep-alive connections. */
  close(): void {
    this.agent.destroy();
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
