import { ProtocolHeader } from './protocol';
import { MIN_SECRET_LENGTH, NonceCache, SIGNATURE_MAX_AGE_MS, signBody, verifyBody } from './signing';

const secret = 's'.repeat(MIN_SECRET_LENGTH);
const body = '{"runId":1,"attachment":"x"}';

describe('signBody / verifyBody', () => {
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
    expect(verifyBody(secret, { ...headers, [ProtocolHeader.TIMESTAMP]: 'soon' }, body)).toEqual({
      ok: false,
      reason: 'malformed',
    });
    expect(verifyBody(secret, { ...headers, [ProtocolHeader.SIGNATURE]: 'v1=00' }, body)).toEqual({
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
