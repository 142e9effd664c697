import {
  ErrorCode,
  LoadBalancerName,
  MIN_SECRET_LENGTH,
  OverlapPolicy,
  PROTOCOL_VERSION,
  ProtocolHeader,
  type RegisterResponse,
  RunningState,
  type RunReportBatchResults,
  TriggerType,
  WorkerRoutes,
} from '@chaconne/contracts';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Redis } from 'ioredis';
import { BUILT_IN_BALANCERS } from '../../src/modules/policy/load-balancers';
import { REDIS } from '../../src/modules/redis/redis.module';
import { WorkerRegistryService } from '../../src/modules/worker-registry/worker-registry.service';

const jobKey = { clusterName: 'demo-cluster', groupName: 'rr', jobName: 'etl', jobClassName: 'EtlJob' };
import { chaconneBody, deleteRedisPrefix, postJson, queryDatabase, sleep, waitFor } from '@chaconne/testing';
import {
  adminPost,
  closeAndCleanUp,
  registration,
  signedPost as signedPostTo,
  startManagerApp,
  testConfig,
  workerHeaders,
} from '../support/test-env';

const config = testConfig({ CHACONNE_HEARTBEAT_INTERVAL_MS: '1000' });
let app: NestFastifyApplication;
let baseUrl: string;

async function signedPost<T>(path: string, body: unknown, secret = config.secret, now = Date.now()) {
  return signedPostTo<T>(baseUrl, secret, path, body, now);
}

async function redisGet(key: string): Promise<string | null> {
  const redis = new Redis(config.redisUrl);
  try {
    return await redis.get(key);
  } finally {
    redis.disconnect();
  }
}

async function redisDel(key: string): Promise<void> {
  const redis = new Redis(config.redisUrl);
  try {
    await redis.del(key);
  } finally {
    redis.disconnect();
  }
}

beforeAll(async () => {
  ({ app, baseUrl } = await startManagerApp(config));
});

afterAll(() => closeAndCleanUp(config, app));

describe('signed worker traffic', () => {
  it('refuses an unsigned request with 401 and registers nothing', async () => {
    const res = await postJson(baseUrl, '/worker/register', registration('unsigned'));
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('BAD_SIGNATURE');
    const { candidates } = await app
      .get(WorkerRegistryService)
      .candidates(1, 'demo-cluster', 'demo-worker', 'EtlJob', {});
    expect(candidates).toEqual([]);
  });

  it('refuses a request signed with another secret, a tampered body, a stale timestamp and a replay', async () => {
    const wrong = await signedPost('/worker/register', registration('w1'), 'y'.repeat(MIN_SECRET_LENGTH));
    expect(wrong.status).toBe(401);

    const text = JSON.stringify(registration('w1'));
    const headers = workerHeaders(config.secret, '/worker/register', text);
    const tampered = await postJson(baseUrl, '/worker/register', text.replace('w1', 'w2'), { ...headers });
    expect([tampered.status, tampered.body.code]).toEqual([401, 'BAD_SIGNATURE']);

    const stale = await signedPost(
      '/worker/register',
      registration('w1'),
      config.secret,
      Date.now() - 6 * 60_000,
    );
    expect([stale.status, stale.body.code]).toEqual([401, 'STALE_REQUEST']);

    const fresh = workerHeaders(config.secret, '/worker/register', text);
    expect((await postJson(baseUrl, '/worker/register', text, { ...fresh })).status).toBe(200);
    const replay = await postJson(baseUrl, '/worker/register', text, { ...fresh });
    expect([replay.status, replay.body.code]).toEqual([401, 'REPLAYED_REQUEST']);
  });

  it('reopens no replay window when Redis loses the nonces (a flush): a request seen before is refused, new ones pass', async () => {
    const text = JSON.stringify(registration('epoch-flush'));
    const headers = workerHeaders(config.secret, '/worker/register', text);
    expect((await postJson(baseUrl, '/worker/register', text, { ...headers })).status).toBe(200);
    // What FLUSHALL takes from the nonce store; only this manager's keys of the shared Redis.
    await deleteRedisPrefix(config.redisUrl, `${config.prefix}:chac:nonce`);
    await redisDel(`${config.prefix}:chac:epoch`);

    const replay = await postJson(baseUrl, '/worker/register', text, { ...headers });
    expect([replay.status, replay.body.code]).toEqual([401, 'STALE_REQUEST']);
    expect(replay.body.msg).toContain('Redis was flushed or restarted');
    const fresh = await signedPost('/worker/register', registration('epoch-flush'));
    expect(fresh.status).toBe(200);
  });

  it("refuses a request signed before the manager's Redis connection came back (a restart may restore an old snapshot)", async () => {
    const text = JSON.stringify(registration('epoch-reconnect'));
    const signedBefore = workerHeaders(config.secret, '/worker/register', text);
    const signedAt = Number(signedBefore[ProtocolHeader.TIMESTAMP]);
    await sleep(5);
    const managerRedis = app.get<Redis>(REDIS);
    const connectionId = String(await managerRedis.client('ID'));
    const admin = new Redis(config.redisUrl);
    try {
      await admin.client('KILL', 'ID', connectionId);
    } finally {
      admin.disconnect();
    }
    await waitFor(
      'the manager to reconnect and move the nonce epoch',
      async () => (Number(await redisGet(`${config.prefix}:chac:epoch`)) > signedAt ? true : undefined),
      10_000,
    );

    const stale = await postJson(baseUrl, '/worker/register', text, { ...signedBefore });
    expect([stale.status, stale.body.code]).toEqual([401, 'STALE_REQUEST']);
    expect((await signedPost('/worker/register', registration('epoch-reconnect'))).status).toBe(200);
  });

  it('refuses a worker speaking another protocol version with a clear message', async () => {
    const res = await signedPost(
      '/worker/register',
      registration('old', { protocolVersion: PROTOCOL_VERSION + 1 }),
    );
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INCOMPATIBLE_PROTOCOL');
    expect(res.body.msg).toContain(`speaks protocol ${PROTOCOL_VERSION + 1}`);
  });
});

describe('registry', () => {
  it('registers code-defined jobs with their definitions (upsert), and refuses an invalid one whole', async () => {
    const definition = chaconneBody('fromCode', 'CodeJob', '*/5 * * * * ?');
    const res = await signedPost<RegisterResponse>(
      '/worker/register',
      registration('coder', { jobs: [{ jobClassName: 'CodeJob', definition: definition }] }),
    );
    expect(res.status).toBe(200);
    expect(res.body.data.heartbeatIntervalMs).toBe(1000);
    expect(res.body.data.jobs).toEqual([{ jobClassName: 'CodeJob', jobId: expect.any(Number) as number }]);

    const bad = {
      ...definition,
      trigger: { triggerType: 1, triggerDescription: { cron: { expression: 'nope' } } },
    };
    const refused = await signedPost(
      '/worker/register',
      registration('coder2', { jobs: [{ jobClassName: 'CodeJob', definition: bad as never }] }),
    );
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.[0]?.field).toBe(
      'jobs.0.definition.trigger.triggerDescription.cron.expression',
    );

    // Every problem of every job is listed, and nothing is stored.
    const other = chaconneBody('elsewhere', 'OtherJob', '*/5 * * * * ?');
    const twice = await signedPost(
      '/worker/register',
      registration('coder3', {
        jobs: [
          { jobClassName: 'CodeJob', definition: bad as never },
          {
            jobClassName: 'OtherJob',
            definition: { ...other, jobKey: { ...other.jobKey, groupName: 'nope' } },
          },
        ],
      }),
    );
    expect(twice.status).toBe(400);
    expect(twice.body.errors?.map((e) => e.field)).toEqual([
      'jobs.0.definition.trigger.triggerDescription.cron.expression',
      'jobs.1.definition.jobKey',
    ]);
    const { candidates } = await app
      .get(WorkerRegistryService)
      .candidates(1, 'demo-cluster', 'demo-worker', 'OtherJob', {});
    expect(candidates).toEqual([]);
  });

  it('follows the code when a redeployed worker brings a changed definition, and audits the change', async () => {
    const v1 = chaconneBody('deployed', 'DeployedJob', '*/5 * * * * ?');
    await signedPost(
      '/worker/register',
      registration('deploy-1', { jobs: [{ jobClassName: 'DeployedJob', definition: v1 }] }),
    );
    // Someone edits the job through the admin API...
    await adminPost(baseUrl, config, '/job/admin/persistJob', { ...v1, retries: 5 });
    // ...then the service is redeployed with a new schedule in code: the code wins.
    const v2 = chaconneBody('deployed', 'DeployedJob', '0 */10 * * * ?');
    await signedPost(
      '/worker/register',
      registration('deploy-2', { jobs: [{ jobClassName: 'DeployedJob', definition: v2 }] }),
    );

    const detail = await adminPost<{ retries: number; jobTriggerDetail: { triggerDescription: string } }>(
      baseUrl,
      config,
      '/job/admin/getJobDetail',
      v1.jobKey,
    );
    expect(detail.body.data.retries).toBe(0);
    expect(JSON.parse(detail.body.data.jobTriggerDetail.triggerDescription)).toEqual({
      cron: { expression: '0 */10 * * * ?' },
    });
    const history = await adminPost<{
      content: { source: string; actor: string; changes: Record<string, unknown> }[];
    }>(baseUrl, config, '/job/admin/selectJobHistory', { jobKey: v1.jobKey });
    expect(history.body.data.content.map((h) => [h.source, h.actor, Object.keys(h.changes).sort()])).toEqual([
      ['worker', 'deploy-2', ['retries', 'triggerDescription']],
      ['api', 'bootstrap', ['retries']],
      ['worker', 'deploy-1', expect.arrayContaining(['triggerDescription', 'retries']) as unknown],
    ]);
  });

  it('chooses live instances round robin, drops one that misses three beats, and rebuilds Redis from MySQL', async () => {
    const registry = app.get(WorkerRegistryService);
    const ids = async (jobClassName = 'EtlJob'): Promise<string[]> =>
      (await registry.candidates(1, 'demo-cluster', 'rr', jobClassName, {})).candidates.map(
        (c) => c.instanceId,
      );
    await signedPost('/worker/register', registration('rr-a', { groupName: 'rr' }));
    await signedPost('/worker/register', registration('rr-b', { groupName: 'rr' }));
    const roundRobin = BUILT_IN_BALANCERS[LoadBalancerName.ROUND_ROBIN];
    const firsts = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const { candidates, counter } = await registry.candidates(1, 'demo-cluster', 'rr', 'EtlJob', {});
      const request = {
        jobId: 1,
        jobKey,
        attachment: null,
        attempt: 0,
        previousInstanceId: null,
        counter,
        hashKey: null,
      };
      firsts.add(roundRobin.order(candidates, request)[0]?.instanceId ?? '');
    }
    expect(firsts).toEqual(new Set(['rr-a', 'rr-b']));
    expect(await ids('com.example.EtlJob')).toHaveLength(2);
    expect(await ids('OtherJob')).toEqual([]);

    // rr-b stops beating: after 3 intervals only rr-a is chosen.
    const beatA = setInterval(
      () => void signedPost('/worker/heartbeat', { instanceId: 'rr-a', activeRuns: 0, draining: false }),
      300,
    );
    try {
      await new Promise((resolve) => setTimeout(resolve, 3_500));
      expect(await ids()).toEqual(['rr-a']);
    } finally {
      clearInterval(beatA);
    }

    // Redis forgets everything about rr-a; its next heartbeat restores it from MySQL.
    const redis = new Redis(config.redisUrl);
    try {
      const keys = await redis.keys(`${config.prefix}:chac:*`);
      if (keys.length > 0) await redis.del(...keys);
    } finally {
      await redis.quit();
    }
    expect(await ids()).toEqual([]);
    // The flush took the Redis epoch too: the first request after it begins a new one and,
    // signed a moment before, is refused (its nonce could have been seen and forgotten).
    const first = await signedPost('/worker/heartbeat', {
      instanceId: 'rr-a',
      activeRuns: 0,
      draining: false,
    });
    expect([first.status, first.body.code]).toEqual([401, 'STALE_REQUEST']);
    const beat = await signedPost<{ known: boolean }>('/worker/heartbeat', {
      instanceId: 'rr-a',
      activeRuns: 0,
      draining: false,
    });
    expect(beat.body.data).toEqual({ known: true });
    expect(await ids()).toEqual(['rr-a']);

    // A deregistered instance is forgotten and told so.
    await signedPost('/worker/deregister', { instanceId: 'rr-a' });
    expect(await ids()).toEqual([]);
    const after = await signedPost<{ known: boolean }>('/worker/heartbeat', {
      instanceId: 'rr-a',
      activeRuns: 0,
      draining: false,
    });
    expect(after.body.data).toEqual({ known: false });
  });
});

describe('report batches', () => {
  /** Takes every run request, alone or in a batch, as a worker does, and does nothing with it. */
  let worker: Server;
  let workerUrl: string;
  const batchKey = { ...jobKey, groupName: 'batch', jobName: 'batched' };

  beforeAll(async () => {
    worker = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const accepted = { accepted: true, duplicate: false };
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { runs?: { runId: number }[] };
        const batch = request.url === WorkerRoutes.runBatch;
        response.writeHead(batch ? 200 : 202, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify(
            batch
              ? { results: (body.runs ?? []).map(({ runId }) => ({ runId, status: 202, answer: accepted })) }
              : accepted,
          ),
        );
      });
    });
    await new Promise<void>((resolve) => worker.listen(0, '127.0.0.1', resolve));
    workerUrl = `http://127.0.0.1:${(worker.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => worker.close(resolve));
  });

  const report = (runId: unknown, instanceId: string, extra: Record<string, unknown> = {}) => ({
    runId,
    instanceId,
    runningState: RunningState.COMPLETED,
    startedAt: new Date().toISOString(),
    finishedAt: new Date().toISOString(),
    ...extra,
  });

  /** Two runs of an on-demand job, dispatched to the instance (RUNNING there). */
  async function twoRunningRuns(instanceId: string): Promise<[number, number]> {
    const registered = await signedPost<RegisterResponse>(
      '/worker/register',
      registration(instanceId, { groupName: batchKey.groupName, baseUrl: workerUrl }),
    );
    expect(registered.body.data.reportBatchLimit).toBe(500);
    const persisted = await adminPost(baseUrl, config, '/job/admin/persistJob', {
      ...chaconneBody(batchKey.jobName),
      jobKey: batchKey,
      trigger: { triggerType: TriggerType.SIMPLE },
      overlapPolicy: OverlapPolicy.ALLOW,
    });
    expect(persisted.status).toBe(200);
    const ids: number[] = [];
    for (let i = 0; i < 2; i++) {
      const fired = await adminPost<number>(baseUrl, config, '/job/admin/triggerJob', { jobKey: batchKey });
      expect(fired.status).toBe(200);
      ids.push(fired.body.data);
    }
    for (const runId of ids) {
      await waitFor(
        `run ${runId} dispatched`,
        async () => {
          const rows = await queryDatabase<{ instance_id: string | null }>(
            config.mysqlUrl,
            'SELECT instance_id FROM chac_job_run WHERE run_id = ?',
            [runId],
          );
          return rows[0]?.instance_id === instanceId ? true : undefined;
        },
        5_000,
        50,
      );
    }
    return [ids[0] ?? 0, ids[1] ?? 0];
  }

  async function stateOf(
    runId: number,
  ): Promise<{ running_state: number; result: string | null } | undefined> {
    const rows = await queryDatabase<{ running_state: number; result: string | null }>(
      config.mysqlUrl,
      'SELECT running_state, result FROM chac_job_run WHERE run_id = ?',
      [runId],
    );
    return rows[0];
  }

  it('records each report on its own: accepted, already ended, unknown run, invalid', async () => {
    const [first, second] = await twoRunningRuns('batcher');
    const answer = await signedPost<RunReportBatchResults>('/worker/reports', {
      reports: [
        report(first, 'batcher', { result: { rows: 3 } }),
        report(999_999_999, 'batcher'),
        report(second, 'batcher', { runningState: 7 }),
        report(first, 'batcher'),
      ],
    });
    expect(answer.status).toBe(200);
    const [accepted, unknown, invalid, again] = answer.body.data.results;
    expect(unknown).toEqual({
      runId: 999_999_999,
      error: { status: 404, code: ErrorCode.RUN_NOT_FOUND, msg: 'no run 999999999' },
    });
    expect(invalid).toMatchObject({
      runId: second,
      error: { status: 400, code: ErrorCode.VALIDATION_FAILED },
    });
    expect((invalid as { error: { msg: string } }).error.msg).toMatch(
      /^runningState: must be 1 \(COMPLETED\)/,
    );
    // The same run twice in one batch: one of the two reports finished it.
    expect([accepted, again]).toEqual(
      expect.arrayContaining([
        { runId: first, accepted: true },
        { runId: first, accepted: false },
      ]),
    );
    expect(await stateOf(first)).toEqual({ running_state: RunningState.COMPLETED, result: '{"rows":3}' });
    // The invalid report changed nothing: its run is still running.
    expect((await stateOf(second))?.running_state).toBe(RunningState.RUNNING);

    const fixed = await signedPost<RunReportBatchResults>('/worker/reports', {
      reports: [
        report(second, 'batcher', {
          runningState: RunningState.FAILED,
          error: { name: 'Error', message: 'boom' },
          retryable: true,
        }),
      ],
    });
    expect(fixed.body.data.results).toEqual([{ runId: second, accepted: true }]);
    expect((await stateOf(second))?.running_state).toBe(RunningState.FAILED);
  }, 30_000);

  it('refuses an empty batch, one over the limit, and one that is not a batch, whole', async () => {
    const empty = await signedPost('/worker/reports', { reports: [] });
    expect(empty.status).toBe(400);
    expect(empty.body.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect(empty.body.errors?.[0]?.field).toBe('reports');
    const over = await signedPost('/worker/reports', {
      reports: Array.from({ length: 501 }, (_, i) => report(i + 1, 'batcher')),
    });
    expect(over.status).toBe(400);
    expect(over.body.errors?.[0]?.field).toBe('reports');
    const notABatch = await signedPost('/worker/reports', report(1, 'batcher'));
    expect(notABatch.status).toBe(400);
    expect(notABatch.body.errors?.[0]).toEqual({ field: 'reports', reason: 'is required' });
  });

  it('takes only signed batches', async () => {
    const unsigned = await postJson(baseUrl, '/worker/reports', { reports: [report(1, 'batcher')] });
    expect(unsigned.status).toBe(401);
  });
});

describe('a report that overtakes its dispatch', () => {
  /** A worker so fast that it reports the run COMPLETED before it answers the run request. */
  let eager: Server;
  let eagerUrl: string;
  const eagerKey = { ...jobKey, groupName: 'eager', jobName: 'eager' };

  beforeAll(async () => {
    eager = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const { runId } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { runId: number };
        const now = new Date().toISOString();
        void signedPost(`/worker/runs/${runId}/report`, {
          instanceId: 'eager',
          runningState: RunningState.COMPLETED,
          startedAt: now,
          finishedAt: now,
        }).then(() => {
          response.writeHead(202, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ accepted: true, duplicate: false }));
        });
      });
    });
    await new Promise<void>((resolve) => eager.listen(0, '127.0.0.1', resolve));
    eagerUrl = `http://127.0.0.1:${(eager.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => eager.close(resolve));
  });

  it('still records which instance ran it, and where', async () => {
    await signedPost(
      '/worker/register',
      registration('eager', { groupName: eagerKey.groupName, baseUrl: eagerUrl }),
    );
    await adminPost(baseUrl, config, '/job/admin/persistJob', {
      ...chaconneBody(eagerKey.jobName),
      jobKey: eagerKey,
      trigger: { triggerType: TriggerType.SIMPLE },
    });
    const fired = await adminPost<number>(baseUrl, config, '/job/admin/triggerJob', { jobKey: eagerKey });
    expect(fired.status).toBe(200);
    const run = await waitFor(
      `run ${fired.body.data} completed with its instance`,
      async () => {
        const rows = await queryDatabase<{
          running_state: number;
          instance_id: string | null;
          address: string | null;
        }>(config.mysqlUrl, 'SELECT running_state, instance_id, address FROM chac_job_run WHERE run_id = ?', [
          fired.body.data,
        ]);
        return rows[0]?.instance_id ? rows[0] : undefined;
      },
      5_000,
      50,
    );
    expect(run).toEqual({ running_state: RunningState.COMPLETED, instance_id: 'eager', address: eagerUrl });
  });
});
