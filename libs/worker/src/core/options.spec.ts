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

  it('refuses an instance id, labels and a log batch size the manager would refuse, naming each', () => {
    let message = '';
    try {
      resolveWorkerOptions({
        ...valid,
        instanceId: 'has space',
        labels: { ['n'.repeat(65)]: 'v', zone: 'x'.repeat(257) },
        logShipping: { maxBatchLines: 1_001 },
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('instanceId must be 1-128 letters, digits or _ . : @ - (got "has space")');
    expect(message).toContain(`labels: the name "${'n'.repeat(65)}" must have 1-64 characters`);
    expect(message).toContain('labels.zone must be a string of at most 256 characters');
    expect(message).toContain('logShipping.maxBatchLines must be at most 1000 (got 1001)');
    const tooMany = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`l${i}`, 'v']));
    expect(() => resolveWorkerOptions({ ...valid, labels: tooMany })).toThrow('labels: at most 32 (got 33)');
  });

  it('keeps cluster and group names as the manager stores them (trimmed)', () => {
    expect(resolveWorkerOptions({ ...valid, clusterName: ' c ', groupName: 'g ' })).toMatchObject({
      clusterName: 'c',
      groupName: 'g',
    });
  });
});
