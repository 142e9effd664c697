import { PROTOCOL_VERSION, ProtocolHeader, type FieldError } from '@chaconne/contracts';

/** The manager's response envelope as a test reads it. */
export interface Envelope<T> {
  success: boolean;
  msg: string;
  data: T;
  code?: string;
  errors?: FieldError[];
  details?: Record<string, unknown>;
}

/** The header carrying an admin API token. */
export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** POSTs JSON (or a raw string, sent as is) and reads the envelope back. */
export async function postJson<T = unknown>(
  baseUrl: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Envelope<T> }> {
  const response = await fetch(baseUrl + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Envelope<T> };
}

/** A refusal as the bad-input tables describe one. */
export interface Refusal {
  status: number;
  code: string | undefined;
  success: boolean;
  /** Every field named in `errors`, once each, sorted. */
  fields: string[];
  /** Fields the message fails to name (the body itself is said in words, so it is not asked for). */
  unnamedInMessage: string[];
}

/** What an answer says, to compare with a table's `{ status, code, success: false, fields, unnamedInMessage: [] }`. */
export function refusal(res: { status: number; body: Envelope<unknown> }): Refusal {
  const fields = [...new Set((res.body.errors ?? []).map((e) => e.field))].sort();
  return {
    status: res.status,
    code: res.body.code,
    success: res.body.success,
    fields,
    unnamedInMessage: fields.filter((field) => field !== '(body)' && !res.body.msg.includes(field)),
  };
}

/**
 * `headers` with the protocol header set to `protocol` (the current version by default),
 * replacing any it had; `''` leaves the header out.
 */
export function withProtocol(
  headers: Record<string, string>,
  protocol = String(PROTOCOL_VERSION),
): Record<string, string> {
  const rest = Object.fromEntries(
    Object.entries(headers).filter(([name]) => name !== ProtocolHeader.PROTOCOL),
  );
  return protocol === '' ? rest : { ...rest, [ProtocolHeader.PROTOCOL]: protocol };
}
