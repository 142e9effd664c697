import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ProtocolHeader } from './protocol';

import { SIGNATURE_MAX_AGE_MS } from './signing-constants';

export { MIN_SECRET_LENGTH, SIGNATURE_MAX_AGE_MS } from './signing-constants';
export { postSigned, type SignedPost } from './signed-request';

/** Version of the signing scheme: the prefix of the signature header and the first signed field. */
const SCHEME = 'v2';

/** Which way a request travels; signed, so a request cannot be turned around. */
export const SignatureDirection = {
  MANAGER_TO_WORKER: 'manager-to-worker',
  WORKER_TO_MANAGER: 'worker-to-manager',
} as const;
export type SignatureDirection = (typeof SignatureDirection)[keyof typeof SignatureDirection];

/**
 * The recipient of every worker -> manager request. All managers of a deployment are one
 * recipient: they share the secret, the database and the nonce store in Redis, and a worker
 * talks to whichever one the load balancer picks. (Two deployments must not share a secret.)
 * Manager -> worker requests name the worker's instance id instead.
 */
export const MANAGER_RECIPIENT = 'manager';

/**
 * What a signature authorises besides the body: a request signed for one route, recipient
 * or direction verifies nowhere else.
 */
export interface SignedTarget {
  direction: SignatureDirection;
  /** The HTTP method (compared upper-cased). */
  method: string;
  /**
   * The route path relative to the receiver's base (the worker's mount point, the manager's
   * root), exactly as sent: `/chaconne/runs/42/cancel`, `/worker/heartbeat`. No query string
   * (none of the protocol's routes reads one, so receivers verify the path alone); no
   * normalisation (`/worker/heartbeat/` is another path).
   */
  path: string;
  /** The worker instance id (manager -> worker), or {@link MANAGER_RECIPIENT}. */
  recipient: string;
}

/**
 * HMAC-SHA256 over the scheme, direction, method, path, recipient, timestamp, nonce and the
 * exact body bytes. Every field is preceded by its length in bytes, so no two different
 * requests have the same signed text whatever their fields contain.
 */
function digest(
  secret: string,
  target: SignedTarget,
  timestamp: string,
  nonce: string,
  body: string | Buffer,
): Buffer {
  const fields = [
    SCHEME,
    target.direction,
    target.method.toUpperCase(),
    target.path,
    target.recipient,
    timestamp,
    nonce,
  ];
  const head = fields.map((field) => `${Buffer.byteLength(field)}:${field}\n`).join('');
  const bodyLength = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  return createHmac('sha256', secret).update(`${head}${bodyLength}:`).update(body).digest();
}

export type SignedHeaders = Record<(typeof ProtocolHeader)['TIMESTAMP' | 'NONCE' | 'SIGNATURE'], string>;

/**
 * Signs a request for one route, recipient and direction. Send the returned headers with the
 * body unchanged, to `target.path`.
 *
 * @example
 * const headers = signRequest(secret, {
 *   direction: SignatureDirection.WORKER_TO_MANAGER,
 *   method: 'POST',
 *   path: ManagerRoutes.heartbeat,
 *   recipient: MANAGER_RECIPIENT,
 * }, body);
 */
export function signRequest(
  secret: string,
  target: SignedTarget,
  body: string | Buffer,
  now: number = Date.now(),
): SignedHeaders {
  const timestamp = String(now);
  const nonce = randomBytes(16).toString('hex');
  return {
    [ProtocolHeader.TIMESTAMP]: timestamp,
    [ProtocolHeader.NONCE]: nonce,
    [ProtocolHeader.SIGNATURE]: `${SCHEME}=${digest(secret, target, timestamp, nonce, body).toString('hex')}`,
  };
}

export type SignatureCheck =
  | { ok: true; nonce: string; timestamp: number }
  | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'mismatch' };

type HeaderBag = Record<string, string | string[] | undefined>;

function header(headers: HeaderBag, name: string): string | undefined {
  const value = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Verifies, in constant time, that a request was signed for this receiver: `target` is what
 * the receiver saw (the method and path it was reached with, itself as the recipient, the
 * direction it receives). Replay protection beyond the time window is the caller's job:
 * remember `nonce` until it is older than {@link SIGNATURE_MAX_AGE_MS}.
 */
export function verifyRequest(
  secret: string,
  target: SignedTarget,
  headers: HeaderBag,
  body: string | Buffer,
  now: number = Date.now(),
): SignatureCheck {
  const timestamp = header(headers, ProtocolHeader.TIMESTAMP);
  const nonce = header(headers, ProtocolHeader.NONCE);
  const signature = header(headers, ProtocolHeader.SIGNATURE);
  if (!timestamp || !nonce || !signature) return { ok: false, reason: 'missing' };
  const given = signature.slice(SCHEME.length + 1);
  if (
    !/^\d{1,16}$/.test(timestamp) ||
    !/^[0-9a-f]{16,64}$/.test(nonce) ||
    !signature.startsWith(`${SCHEME}=`) ||
    !/^[0-9a-f]{64}$/.test(given)
  ) {
    return { ok: false, reason: 'malformed' };
  }
  const ts = Number(timestamp);
  if (Math.abs(now - ts) > SIGNATURE_MAX_AGE_MS) return { ok: false, reason: 'stale' };
  const expected = digest(secret, target, timestamp, nonce, body);
  if (!timingSafeEqual(Buffer.from(given, 'hex'), expected)) return { ok: false, reason: 'mismatch' };
  return { ok: true, nonce, timestamp: ts };
}

/**
 * Remembers nonces for the signature window so a captured request cannot be replayed.
 * In-memory and bounded: one per receiving worker process (the recipient); the manager keeps
 * its own set in Redis so all managers share it.
 */
export class NonceCache {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly ttlMs: number = 2 * SIGNATURE_MAX_AGE_MS,
    private readonly maxEntries = 100_000,
  ) {}

  /** Returns false if the nonce was already used within the window. */
  remember(nonce: string, now: number = Date.now()): boolean {
    this.evict(now);
    if (this.seen.has(nonce)) return false;
    this.seen.set(nonce, now + this.ttlMs);
    return true;
  }

  private evict(now: number): void {
    // Map iterates in insertion order, which is also expiry order.
    for (const [nonce, expiresAt] of this.seen) {
      if (expiresAt > now && this.seen.size < this.maxEntries) break;
      this.seen.delete(nonce);
    }
  }
}
