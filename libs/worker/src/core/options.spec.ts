import { MIN_SECRET_LENGTH } from '@chaconne/contracts';
import { SECRET } from '@chaconne/testing';
import { ChaconneWorkerError } from './errors';
import { resolveWorkerOptions } from './options';

const valid = { managerUrl: 'http://127.0.0.1:6543/', secret: SECRET, clusterName: 'c', groupName: 'g' };

describe('resolveWorkerOptions', () => {
  it('applies the documented defaults', () => {
    const options = resolveWorkerOptions(valid);
    expect(options).toMatchObject({
      managerUrl: 'http://127.0.0.1:6543',
      weight: 1,
      labels: {},
      shutdownGraceMs: 30_000,
      retryBackoff: { initialMs: 500, maxMs: 5_000 },
      logShipping: { flushIntervalMs: 200, maxBatchLines: 100, maxBufferedLines: 5_000 },
    });
    expect(options.instanceId).toMatch(new RegExp(`-${process.pid}-[0-9a-f]{6}$`));
  });

  it(`refuses a secret shorter than ${MIN_SECRET_LENGTH} characters without echoing it`, () => {
    let thrown: unknown;
    try {
      resolveWorkerOptions({ ...valid, secret: 'short-secret' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ChaconneWorkerError);
    expect((thrown as Error).message).toContain(
      `secret must be at least ${MIN_SECRET_LENGTH} characters (got 12 characters)`,
    );
    expect((thrown as Error).message).not.toContain('short-secret');
  });

  it('lists every problem at once', () => {
    expect(() =>
      resolveWorkerOptions({
        managerUrl: 'ftp://x',
        secret: '',
        clusterName: '',
        groupName: 'g',
        port: 70_000,
      }),
    ).toThrow(
      /managerUrl must be an http\(s\) URL[\s\S]*secret must be[\s\S]*clusterName is required[\s\S]*port must be/,
    );
  });
});
