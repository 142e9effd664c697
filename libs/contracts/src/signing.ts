import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ProtocolHeader } from './protocol';

import { SIGNATURE_MAX_AGE_MS } from './signing-constants';

export { MIN_SECRET_LENGTH, SIGNATURE_MAX_AGE_MS } from './signing-constants';
export { postSigned, type SignedPost } from './signed-request';

const SCHEME = 'v1';

function digest(secret: string, timestamp: string, nonce: string, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${SCHEME}:${timestamp}:${nonce}:`).update(body).digest('hex');
}

export type SignedHeaders = Record<(typeof ProtocolHeader)['TIMESTAMP' | 'NONCE' | 'SIGNATURE'], string>;

/**
 * Signs a request body: HMAC-SHA256 over scheme, timestamp, a fresh nonce and the exact
 * body bytes. Send the returned headers with the body unchanged.
 */
export function signBody(secret: string, body: string | Buffer, now: number = Date.now()): SignedHeaders {
  const timestamp = String(now);
  const nonce = randomBytes(16).toString('hex');
  return {
    [ProtocolHeader.TIMESTAMP]: timestamp,
    [ProtocolHeader.NONCE]: nonce,
    [ProtocolHeader.SIGNATURE]: `${SCHEME}=${digest(secret, timestamp, nonce, body)}`,
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
 * Verifies a signed request in constant time. Replay protection beyond the time window
 * is the caller's job: remember `nonce` until it is older than {@link SIGNATURE_MAX_AGE_MS}.
 */
export function verifyBody(
  secret: string,
  headers: HeaderBag,
  body: string | Buffer,
  now: number = Date.now(),
): SignatureCheck {
  const timestamp = header(headers, ProtocolHeader.TIMESTAMP);
  const nonce = header(headers, ProtocolHeader.NONCE);
  const signature = header(headers, ProtocolHeader.SIGNATURE);
  if (!timestamp || !nonce || !signature) return { ok: false, reason: 'missing' };
  const ts = Number(timestamp);
  if (
    !/^\d{1,16}$/.test(timestamp) ||
    !/^[0-9a-f]{16,64}$/.test(nonce) ||
    !signature.startsWith(`${SCHEME}=`)
  ) {
    return { ok: false, reason: 'malformed' };
  }
  if (Math.abs(now - ts) > SIGNATURE_MAX_AGE_MS) return { ok: false, reason: 'stale' };
  const expected = Buffer.from(digest(secret, timestamp, nonce, body), 'hex');
  const given = Buffer.from(signature.slice(SCHEME.length + 1), 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'mismatch' };
  }
  return { ok: true, nonce, timestamp: ts };
}

/**
 * Remembers nonces for the signature window so a captured request cannot be replayed.
 * In-memory and bounded; the manager keeps its own set in Redis so all managers share it.
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
