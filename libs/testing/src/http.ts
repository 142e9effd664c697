import type { FieldError } from '@chaconne/contracts';

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
