import { LogLevel, ManagerRoutes, type LogBatch } from '@chaconne/contracts';
import { recordingLogger } from '@chaconne/testing';
import { ManagerRequestError } from './errors';
import { LogShipper, type LogShippingOptions } from './log-shipper';
import type { ManagerTransport } from './manager-client';

/** An in-memory manager: records batches; can be made to fail or hang. */
class FakeTransport implements ManagerTransport {
  readonly batches: { path: string; body: LogBatch }[] = [];
  mode: 'ok' | 'down' | 'hang' = 'ok';

  post<T>(path: string, payload: unknown): Promise<T> {
    if (this.mode === 'down')
      return Promise.reject(new ManagerRequestError('no answer (ECONNREFUSED)', null));
    if (this.mode === 'hang') return new Promise<T>(() => undefined);
    this.batches.push({ path, body: payload as LogBatch });
    return Promise.resolve(undefined as T);
  }
}

function shipper(transport: ManagerTransport, options: Partial<LogShippingOptions> = {}): LogShipper {
  return new LogShipper(
    { transport, instanceId: 'worker-1', logger: recordingLogger(), backoff: { initialMs: 10, maxMs: 20 } },
    { flushIntervalMs: 10_000, maxBatchLines: 100, maxBufferedLines: 5_000, ...options },
  );
}

async function waitUntil(what: string, check: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('LogShipper', () => {
  const shippers: LogShipper[] = [];
  const make = (transport: ManagerTransport, options: Partial<LogShippingOptions> = {}): LogShipper => {
    const created = shipper(transport, options);
    shippers.push(created);
    return created;
  };

  afterAll(async () => {
    await Promise.all(shippers.map((s) => s.close(100)));
  });

  it('ships a run in batches of at most maxBatchLines, in order, with levels and ISO times', async () => {
    const transport = new FakeTransport();
    const logs = make(transport, { maxBatchLines: 100 });
    const log = logs.openRun(5);
    for (let i = 0; i < 250; i++) log.info('line {}', i);
    log.error('last');
    await logs.flushRun(5);
    const sizes = transport.batches.map((b) => b.body.lines.length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(251);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(100);
    const lines = transport.batches.flatMap((b) => b.body.lines);
    expect(lines.slice(0, 3).map((l) => l.message)).toEqual(['line 0', 'line 1', 'line 2']);
    expect(lines[250]).toMatchObject({ level: LogLevel.ERROR, message: 'last' });
    expect(new Date(lines[0]!.time).toISOString()).toBe(lines[0]!.time);
    expect(
      transport.batches.every((b) => b.path === ManagerRoutes.logs(5) && b.body.instanceId === 'worker-1'),
    ).toBe(true);
  });

  it('flushes on its own after flushIntervalMs', async () => {
    const transport = new FakeTransport();
    const logs = make(transport, { flushIntervalMs: 20 });
    const log = logs.openRun(6);
    log.info('one');
    log.warn('two');
    expect(transport.batches).toHaveLength(0);
    await waitUntil('the timed flush', () => transport.batches.length > 0);
    expect(transport.batches[0]!.body.lines.map((l) => [l.level, l.message])).toEqual([
      [LogLevel.INFO, 'one'],
      [LogLevel.WARN, 'two'],
    ]);
  });

  it('flushes at once when a full batch is waiting', async () => {
    const transport = new FakeTransport();
    const logs = make(transport, { flushIntervalMs: 60_000, maxBatchLines: 10 });
    const log = logs.openRun(7);
    for (let i = 0; i < 10; i++) log.info('x');
    await waitUntil('the size-triggered flush', () => transport.batches.length > 0);
    expect(transport.batches[0]!.body.lines).toHaveLength(10);
  });

  it('keeps only the newest lines when the manager is down and reports how many were dropped', async () => {
    const transport = new FakeTransport();
    transport.mode = 'down';
    const logs = make(transport, { maxBufferedLines: 10 });
    const log = logs.openRun(8);
    for (let i = 0; i < 25; i++) log.info('line {}', i);
    expect(logs.pending).toBe(10);
    await expect(logs.flushRun(8)).rejects.toThrow(ManagerRequestError);
    transport.mode = 'ok';
    await logs.flushRun(8);
    expect(transport.batches).toHaveLength(1);
    expect(transport.batches[0]!.body.dropped).toBe(15);
    expect(transport.batches[0]!.body.lines.map((l) => l.message)).toEqual(
      Array.from({ length: 10 }, (_, i) => `line ${i + 15}`),
    );
  });

  it('never makes the handler wait for a manager that does not answer', async () => {
    const transport = new FakeTransport();
    transport.mode = 'hang';
    const logs = make(transport, { flushIntervalMs: 1, maxBatchLines: 50, maxBufferedLines: 500 });
    const log = logs.openRun(9);
    const started = performance.now();
    for (let i = 0; i < 5_000; i++) log.info('busy {}', i);
    expect(performance.now() - started).toBeLessThan(1_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(logs.pending).toBeLessThanOrEqual(500);
  });

  it('drops lines logged after the run ended', async () => {
    const transport = new FakeTransport();
    const logs = make(transport);
    const log = logs.openRun(10);
    log.info('in time');
    logs.endRun(10);
    log.info('too late');
    await logs.flushRun(10);
    expect(transport.batches.flatMap((b) => b.body.lines.map((l) => l.message))).toEqual(['in time']);
  });
});
