import { chaconneBody, deleteRedisPrefix, queryDatabase, sleep, waitFor } from '@chaconne/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Redis } from 'ioredis';
import { FireQueue, fireJobId } from '../../src/modules/schedule/fire-queue.service';
import { ReconcilerService } from '../../src/modules/schedule/reconciler.service';
import { adminPost, closeAndCleanUp, queuedTicks, startManagerApp, testConfig } from '../support/test-env';

/**
 * The reconciler re-creates one-shot fires only when Redis may have lost them: a full
 * pass after a flush (the marker is gone with everything else), only a marker check otherwise.
 */
const config = testConfig({ CHACONNE_RECONCILE_INTERVAL_MS: '3600000' });
let app: NestFastifyApplication;
let baseUrl: string;
let redis: Redis;

const onceKeys = async (): Promise<string[]> =>
  (await redis.keys(`${config.prefix}:fire:o*`)).filter((k) => !k.includes(':logs'));

beforeAll(async () => {
  ({ app, baseUrl } = await startManagerApp(config));
  redis = new Redis(config.redisUrl);
});

afterAll(async () => {
  // Undefined when beforeAll failed before it was connected.
  const connected = redis as Redis | undefined;
  await closeAndCleanUp(config, connected && { close: () => connected.quit() }, app);
});

it('puts a one-shot fire back after Redis lost everything, and leaves it alone otherwise', async () => {
  const startDate = Date.now() + 3_600_000;
  const persisted = await adminPost<number>(baseUrl, config, '/job/admin/persistJob', {
    ...chaconneBody('once-recon', 'OnceJob'),
    trigger: { triggerType: 0, startDate },
  });
  expect(persisted.status).toBe(200);
  const jobId = persisted.body.data;
  const key = `${config.prefix}:fire:${fireJobId('once', jobId, startDate)}`;
  expect(await onceKeys()).toEqual([key]);

  const reconciler = app.get(ReconcilerService);
  await reconciler.reconcile(); // the first pass is a full one: it marks Redis intact
  expect(await redis.exists(`${config.prefix}:chac:schedules-intact`)).toBe(1);

  // Everything of this manager's prefix vanishes (a FLUSHALL on a shared Redis, in effect).
  await deleteRedisPrefix(config.redisUrl, config.prefix);
  expect(await onceKeys()).toEqual([]);
  await reconciler.reconcile();
  expect(await onceKeys()).toEqual([key]);
  expect(await redis.exists(`${config.prefix}:chac:schedules-intact`)).toBe(1);
});

it('only checks the marker while Redis kept everything, and puts a lost tick back when it did not', async () => {
  const persisted = await adminPost<number>(baseUrl, config, '/job/admin/persistJob', {
    ...chaconneBody('cron-recon', 'CronJob', '0 0 3 * * ?'),
  });
  expect(persisted.status).toBe(200);
  const jobId = persisted.body.data;
  const [next] = await queuedTicks(config, jobId);
  expect(new Date(next ?? 0).getUTCHours()).toBe(3);
  const reconciler = app.get(ReconcilerService);
  await reconciler.reconcile();

  // The tick vanishes behind the manager's back, e.g. a key lost with a failed write.
  await app.get(FireQueue).drop('tick', jobId, next ?? 0);
  expect(await queuedTicks(config, jobId)).toEqual([]);
  expect(await reconciler.reconcileIfNeeded()).toBeNull(); // the marker says nothing was lost

  await app.get(FireQueue).markIntact(false); // what a failed write does
  const report = await reconciler.reconcileIfNeeded();
  expect(report).toMatchObject({ failed: 0 });
  expect(report?.jobs).toBeGreaterThanOrEqual(1);
  expect(await queuedTicks(config, jobId)).toEqual([next]);
  expect(await redis.exists(`${config.prefix}:chac:schedules-intact`)).toBe(1);
});

it('resumes a lost chain at its first occurrence no tick handled: every second gets a record, none is skipped silently', async () => {
  const persisted = await adminPost<number>(baseUrl, config, '/job/admin/persistJob', {
    ...chaconneBody('every-second-recon', 'NoWorkerJob', '* * * * * ?'),
  });
  expect(persisted.status).toBe(200);
  const jobId = persisted.body.data;
  const planned = async (): Promise<number[]> =>
    (
      await queryDatabase<{ planned_at: Date }>(
        config.mysqlUrl,
        'SELECT planned_at FROM chac_job_run WHERE job_id = ? AND attempt = 0 ORDER BY planned_at',
        [jobId],
      )
    ).map((row) => row.planned_at.getTime());
  await waitFor(
    'two occurrences recorded',
    async () => ((await planned()).length >= 2 ? true : undefined),
    10_000,
  );

  // Redis loses the chain; 3 s pass (younger than the 5 s misfire threshold) before the pass.
  await deleteRedisPrefix(config.redisUrl, config.prefix);
  const lostAt = Date.now();
  await sleep(3_000);
  await app.get(ReconcilerService).reconcile();
  await waitFor(
    'the occurrences after the pass to be recorded',
    async () => ((await planned()).some((at) => at > lostAt + 5_000) ? true : undefined),
    15_000,
  );
  const unscheduled = await adminPost(
    baseUrl,
    config,
    '/job/admin/unscheduleJob',
    chaconneBody('every-second-recon', 'NoWorkerJob').jobKey,
  );
  expect(unscheduled.status).toBe(200);

  const seconds = await planned();
  const first = seconds[0] ?? 0;
  const last = seconds[seconds.length - 1] ?? 0;
  const expected = Array.from({ length: (last - first) / 1000 + 1 }, (_, i) => first + i * 1000);
  // One record per second: run, or SKIPPED as part of a misfire record that names them.
  expect(seconds.filter((at) => !expected.includes(at))).toEqual([]);
  expect(expected.filter((at) => !seconds.includes(at))).toEqual([]);
}, 40_000);
