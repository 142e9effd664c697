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
      `secret must be at least ${MIN_SECRET_LENGTH} characters (got 12); generate one with \`openssl rand -hex 32\``,
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

  it('refuses a long secret without entropy, and names with control characters', () => {
    let message = '';
    try {
      resolveWorkerOptions({
        ...valid,
        secret: 'x'.repeat(32),
        clusterName: 'prod\ncluster',
        labels: { region: 'eu\u202E' },
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('secret repeats a block of 1 character: it has no real entropy');
    expect(message).toContain('clusterName contains a line feed (U+000A) at position 5');
    expect(message).toContain(
      'labels.region: contains a bidirectional control character (U+202E) at position 3',
    );
    expect(message).not.toContain('x'.repeat(32));
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
    // The shared identifier rule: a label name is never echoed (it may hold anything).
    expect(message).toContain('labels: a key must be at most 64 characters');
    expect(message).toContain('labels.zone: must be at most 256 characters');
    expect(message).toContain('logShipping.maxBatchLines must be at most 1000 (got 1001)');
    const tooMany = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`l${i}`, 'v']));
    expect(() => resolveWorkerOptions({ ...valid, labels: tooMany })).toThrow(
      'labels: must have at most 32 labels',
    );
  });

  it('keeps cluster and group names as the manager stores them (trimmed)', () => {
    expect(resolveWorkerOptions({ ...valid, clusterName: ' c ', groupName: 'g ' })).toMatchObject({
      clusterName: 'c',
      groupName: 'g',
    });
  });
});
