import { ProtocolHeader } from './protocol';
import {
  MANAGER_RECIPIENT,
  MIN_SECRET_LENGTH,
  NonceCache,
  SIGNATURE_MAX_AGE_MS,
  SignatureDirection,
  signRequest,
  verifyRequest,
  type SignedTarget,
} from './signing';

const secret = 's'.repeat(MIN_SECRET_LENGTH);
const body = '{"runId":1,"attachment":"x"}';
const target: SignedTarget = {
  direction: SignatureDirection.MANAGER_TO_WORKER,
  method: 'POST',
  path: '/chaconne/runs/42/cancel',
  recipient: 'orders-1',
};
const signBody = (s: string, b: string | Buffer, now?: number) => signRequest(s, target, b, now);
const verifyBody = (
  s: string,
  h: Record<string, string | string[] | undefined>,
  b: string | Buffer,
  now?: number,
) => verifyRequest(s, target, h, b, now);

describe('signRequest / verifyRequest', () => {
  it('accepts a body signed with the same secret and returns its nonce', () => {
    const headers = signBody(secret, body, 1_000_000);
    const check = verifyBody(secret, headers, body, 1_000_000);
    expect(check).toEqual({ ok: true, nonce: headers[ProtocolHeader.NONCE], timestamp: 1_000_000 });
  });

  it('uses a fresh nonce per signature', () => {
    expect(signBody(secret, body)[ProtocolHeader.NONCE]).not.toBe(
      signBody(secret, body)[ProtocolHeader.NONCE],
    );
  });

  it('refuses a tampered body, another secret, a changed timestamp or nonce', () => {
    const headers = signBody(secret, body, 1_000_000);
    expect(verifyBody(secret, headers, body.replace('x', 'y'), 1_000_000)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(verifyBody('t'.repeat(MIN_SECRET_LENGTH), headers, body, 1_000_000)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(
      verifyBody(secret, { ...headers, [ProtocolHeader.TIMESTAMP]: '1000001' }, body, 1_000_000),
    ).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(
      verifyBody(secret, { ...headers, [ProtocolHeader.NONCE]: 'a'.repeat(32) }, body, 1_000_000),
    ).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });

  it.each<[string, Partial<SignedTarget>]>([
    ['another route', { path: '/chaconne/runs' }],
    ['the same route with a trailing slash', { path: '/chaconne/runs/42/cancel/' }],
    ['another run id in the path', { path: '/chaconne/runs/43/cancel' }],
    ['another method', { method: 'PUT' }],
    ['another recipient', { recipient: 'orders-2' }],
    ['the other direction', { direction: SignatureDirection.WORKER_TO_MANAGER }],
    ['the manager as recipient', { recipient: MANAGER_RECIPIENT }],
  ])('refuses a request signed for this target but received on %s', (_label, change) => {
    const headers = signRequest(secret, target, body, 1_000_000);
    expect(verifyRequest(secret, { ...target, ...change }, headers, body, 1_000_000)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });

  it('compares the method whatever its case', () => {
    const headers = signRequest(secret, target, body, 1_000_000);
    expect(verifyRequest(secret, { ...target, method: 'post' }, headers, body, 1_000_000).ok).toBe(true);
  });

  it('delimits the fields, so moving text from one field to the next changes the signature', () => {
    const a = { ...target, path: '/chaconne/ab', recipient: 'c' };
    const b = { ...target, path: '/chaconne/a', recipient: 'bc' };
    const headers = signRequest(secret, a, body, 1_000_000);
    expect(verifyRequest(secret, a, headers, body, 1_000_000).ok).toBe(true);
    expect(verifyRequest(secret, b, headers, body, 1_000_000).ok).toBe(false);
    // The body's boundary too: a recipient ending where the body begins.
    const c = { ...target, recipient: 'orders-1{' };
    const signed = signRequest(secret, c, 'x', 1_000_000);
    expect(verifyRequest(secret, target, signed, '{x', 1_000_000).ok).toBe(false);
  });

  it('refuses requests older or newer than five minutes', () => {
    const headers = signBody(secret, body, 1_000_000);
    expect(verifyBody(secret, headers, body, 1_000_000 + SIGNATURE_MAX_AGE_MS + 1)).toEqual({
      ok: false,
      reason: 'stale',
    });
    expect(verifyBody(secret, headers, body, 1_000_000 - SIGNATURE_MAX_AGE_MS - 1)).toEqual({
      ok: false,
      reason: 'stale',
    });
    expect(verifyBody(secret, headers, body, 1_000_000 + SIGNATURE_MAX_AGE_MS).ok).toBe(true);
  });

  it('refuses missing and malformed headers', () => {
    const headers = signBody(secret, body);
    expect(verifyBody(secret, {}, body)).toEqual({ ok: false, reason: 'missing' });
    expect(verifyBody(secret, { ...headers, [ProtocolHeader.SIGNATURE]: 'v0=abc' }, body)).toEqual({
      ok: false,
      reason: 'malformed',
    });
    // A version 1 signature (timestamp, nonce and body only) is not accepted.
    const v1 = headers[ProtocolHeader.SIGNATURE].replace(/^v2=/, 'v1=');
    expect(verifyBody(secret, { ...headers, [ProtocolHeader.SIGNATURE]: v1 }, body)).toEqual({
      ok: false,
      reason: 'malformed',
    });
    expect(verifyBody(secret, { ...headers, [ProtocolHeader.TIMESTAMP]: 'soon' }, body)).toEqual({
      ok: false,
      reason: 'malformed',
    });
    expect(verifyBody(secret, { ...headers, [ProtocolHeader.SIGNATURE]: 'v2=00' }, body)).toEqual({
      ok: false,
      reason: 'malformed',
    });
    expect(
      verifyBody(secret, { ...headers, [ProtocolHeader.SIGNATURE]: `v2=${'0'.repeat(64)}` }, body),
    ).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });

  it('reads header arrays as Node delivers repeated headers', () => {
    const headers = signBody(secret, body);
    const asArrays = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]]));
    expect(verifyBody(secret, asArrays, Buffer.from(body)).ok).toBe(true);
  });
});

describe('NonceCache', () => {
  it('refuses a nonce seen within the window and forgets it afterwards', () => {
    const cache = new NonceCache(1000);
    expect(cache.remember('n1', 0)).toBe(true);
    expect(cache.remember('n1', 500)).toBe(false);
    expect(cache.remember('n1', 1001)).toBe(true);
  });

  it('stays bounded', () => {
    const cache = new NonceCache(60_000, 3);
    for (const nonce of ['a', 'b', 'c', 'd']) expect(cache.remember(nonce, 0)).toBe(true);
    // 'a' was evicted to make room, so it is accepted again; 'd' is still remembered.
    expect(cache.remember('d', 1)).toBe(false);
    expect(cache.remember('a', 1)).toBe(true);
  });
});
