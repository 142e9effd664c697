import { CallbackClient, type CallbackAttempt, isRetryable, type SendOnce } from './callback-client';
import { CALLBACK_REFUSED, CallbackPolicy } from './callback-policy';

const ok = (status: number, bodyExcerpt = ''): CallbackAttempt => ({ kind: 'response', status, bodyExcerpt });
const netError = (code = 'ECONNRESET'): CallbackAttempt => ({
  kind: 'error',
  code,
  message: code,
  refused: false,
});

/** A client whose requests answer from a script, recording what was sent and every backoff. */
function scripted(answers: CallbackAttempt[], retries = 2) {
  const sent: { url: string; payload: string; timeoutMs: number }[] = [];
  const sleeps: number[] = [];
  const send: SendOnce = (url, payload, timeoutMs) => {
    sent.push({ url: url.href, payload, timeoutMs });
    return Promise.resolve(answers.shift() ?? ok(200));
  };
  const client = new CallbackClient(
    new CallbackPolicy([]),
    { timeoutMs: 1234, retries, backoffMs: 100 },
    {
      send,
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
    },
  );
  return { client, sent, sleeps };
}

describe('CallbackClient retries', () => {
  it('retries network errors and 5xx, with a doubling backoff, up to the configured retries', async () => {
    const { client, sent, sleeps } = scripted([netError(), ok(503), ok(502, 'bad gateway')], 2);
    const delivery = await client.deliver('https://hooks.example.com/x', { a: 1 });
    expect(delivery).toEqual({ attempts: 3, last: ok(502, 'bad gateway') });
    expect(sleeps).toEqual([100, 200]);
    expect(sent).toEqual(
      new Array(3).fill({ url: 'https://hooks.example.com/x', payload: '{"a":1}', timeoutMs: 1234 }),
    );
    client.close();
  });

  it('stops at the first answer that is not retryable', async () => {
    const { client, sent, sleeps } = scripted([netError('ETIMEDOUT'), ok(204)], 5);
    expect(await client.deliver('http://hooks.example.com/', {})).toEqual({ attempts: 2, last: ok(204) });
    expect([sent.length, sleeps]).toEqual([2, [100]]);
    client.close();
  });

  it.each([200, 201, 301, 302, 400, 404, 429])('does not retry HTTP %i', async (status) => {
    const { client, sent } = scripted([ok(status)], 3);
    expect((await client.deliver('http://hooks.example.com/', {})).attempts).toBe(1);
    expect(sent).toHaveLength(1);
    client.close();
  });

  it('sends nothing to a URL the policy refuses without DNS', async () => {
    const { client, sent } = scripted([], 3);
    const delivery = await client.deliver('http://169.254.169.254/latest/meta-data/', {});
    expect(delivery.attempts).toBe(0);
    expect(delivery.last).toMatchObject({ kind: 'error', code: CALLBACK_REFUSED, refused: true });
    expect(sent).toEqual([]);
    client.close();
  });

  it('classifies attempts', () => {
    expect(isRetryable(netError())).toBe(true);
    expect(isRetryable({ kind: 'error', code: CALLBACK_REFUSED, message: '', refused: true })).toBe(false);
    expect(isRetryable(ok(500))).toBe(true);
    expect(isRetryable(ok(499))).toBe(false);
  });
});

describe('CallbackClient connections', () => {
  it('connects only through the policy lookup: a name resolving to loopback is refused before any socket', async () => {
    const resolved: string[] = [];
    const policy = new CallbackPolicy([], (hostname) => {
      resolved.push(hostname);
      return Promise.resolve([{ address: '127.0.0.1', family: 4 }]);
    });
    const client = new CallbackClient(policy, { timeoutMs: 2000, retries: 3, backoffMs: 1 });
    const delivery = await client.deliver('http://rebound.test:9/hook', { a: 1 });
    // Refusals are final: one attempt, one resolution, no retry.
    expect(delivery.attempts).toBe(1);
    expect(delivery.last).toEqual({
      kind: 'error',
      code: CALLBACK_REFUSED,
      message:
        'callback refused: rebound.test resolves to 127.0.0.1, which is loopback; callbacks may not reach it unless CHACONNE_CALLBACK_ALLOWLIST allows it',
      refused: true,
    });
    expect(resolved).toEqual(['rebound.test']);
    client.close();
  });
});
