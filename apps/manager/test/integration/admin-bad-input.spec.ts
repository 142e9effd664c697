import { chaconneBody, refusal } from '@chaconne/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { adminPost, closeAndCleanUp, startManagerApp, tablesChecksum, testConfig } from '../support/test-env';
import { ADMIN_BAD_INPUT_CASES, TARGET_KEY } from './admin-bad-input.cases';

jest.setTimeout(120_000);

const ATTACHMENT_LIMIT = 4096;
const config = testConfig({ CHACONNE_ATTACHMENT_LIMIT_BYTES: String(ATTACHMENT_LIMIT) });
let app: NestFastifyApplication;
let baseUrl: string;
let dataSource: DataSource;
beforeAll(async () => {
  ({ app, baseUrl } = await startManagerApp(config));
  dataSource = app.get(DataSource);
  // The job triggerJob and the queries address: on demand only, so nothing fires meanwhile.
  const target = await adminPost<number>(baseUrl, config, '/job/admin/persistJob', {
    jobKey: TARGET_KEY,
    trigger: { triggerType: 0 },
  });
  if (target.status !== 200) throw new Error(`the target job was not created: ${target.body.msg}`);
});

afterAll(() => closeAndCleanUp(config, app));

describe('bad admin input: 4xx, a stable code, every field named, nothing stored', () => {
  it('has a table of cases across the admin endpoints', async () => {
    const covered = (await tablesChecksum(dataSource)).split(' ').map((entry) => entry.split('=')[0]);
    expect(covered).toEqual(
      expect.arrayContaining(['chac_job_detail', 'chac_job_run', 'chac_job_dependency']),
    );
    expect(ADMIN_BAD_INPUT_CASES.length).toBeGreaterThanOrEqual(100);
    expect(new Set(ADMIN_BAD_INPUT_CASES.map((c) => `${c.endpoint} ${c.name}`)).size).toBe(
      ADMIN_BAD_INPUT_CASES.length,
    );
  });

  it.each(ADMIN_BAD_INPUT_CASES.map((c) => [`${c.endpoint}: ${c.name}`, c] as const))(
    '%s',
    async (_name, c) => {
      const before = await tablesChecksum(dataSource);
      const res = await adminPost(baseUrl, config, `/job/admin/${c.endpoint}`, c.body);
      expect(refusal(res)).toEqual({
        status: c.status,
        code: c.code,
        success: false,
        fields: c.fields,
        unnamedInMessage: [],
      });
      expect((res.body.errors ?? []).every((e) => e.reason.length > 3)).toBe(true);
      expect(await tablesChecksum(dataSource)).toBe(before);
    },
  );
});

describe('what must still be accepted', () => {
  it("accepts Chaconne's documented body, with its stored dependency description sent back", async () => {
    const body = chaconneBody('documented');
    expect((await adminPost(baseUrl, config, '/job/admin/persistJob', body)).status).toBe(200);
    const edited = {
      ...body,
      trigger: {
        ...body.trigger,
        triggerDescription: {
          cron: { expression: '*/5 * * * * ?' },
          dependency: {
            dependencyType: 0,
            dependentKeys: null,
            forkKeys: null,
            completionRate: -1,
            triggerType: 1,
          },
        },
      },
    };
    expect((await adminPost(baseUrl, config, '/job/admin/persistJob', edited)).status).toBe(200);
  });

  it('accepts a body with every field the client builder sends, at the bounds, and the paged queries at theirs', async () => {
    // What GenericJobDefinition...build() sends (libs/client), every field present.
    const body = {
      jobKey: {
        clusterName: 'bad-input',
        groupName: 'validation',
        jobName: 'at-the-bounds',
        jobClassName: 'com.acme.EtlJob',
      },
      description: 'Every field\nover two lines',
      email: 'ops@example.com,dev@example.com',
      retries: 100,
      timeout: 7 * 86_400_000,
      weight: 1_000_000,
      dependentKeys: Array.from({ length: 100 }, (_, i) => ({ ...TARGET_KEY, jobName: `upstream${i}` })),
      forkKeys: null,
      completionRate: 1,
      trigger: {
        triggerType: 2,
        triggerDescription: { periodic: { period: 366, schedulingUnit: 3, fixedRate: true } },
        startDate: Date.now() + 60_000,
        endDate: '9999-12-31 23:59:59',
        repeatCount: 1_000_000_000,
        timeZone: 'Asia/Shanghai',
      },
      attachment: '{"initialParameter": "test"}',
      clusterMode: 'MASTER_STANDBY',
      loadBalancer: 'CONSISTENT_HASH',
      hashKey: 'tenant',
      labels: { region: 'eu', tier: 'gold' },
      retryBackoff: { policy: 'EXPONENTIAL', delayMs: 1000, maxDelayMs: 60_000, jitter: true },
      overlapPolicy: 'QUEUE_ONE',
      misfirePolicy: 'FIRE_ONCE_NOW',
      startDeadlineSeconds: 30,
      maxConsecutiveFailures: 5,
      terminationStrategy: null,
      freezeAfterTimeouts: 2,
    };
    const persisted = await adminPost<number>(baseUrl, config, '/job/admin/persistJob', body);
    expect([persisted.status, persisted.body.msg]).toEqual([200, 'ok']);
    const paged = [
      [
        'selectJobTrace',
        {
          jobKey: body.jobKey,
          page: 100_000,
          size: 1000,
          startDate: 0,
          endDate: '9999-12-31T23:59:59.999Z',
          rows: 0,
          nextPage: null,
          content: [],
        },
      ],
      ['selectJobStatById', { startDate: 0, endDate: '9999-12-31', page: 100_000, size: 1000 }],
      ['selectJobStatByDay', { lastDays: 366, applicationName: 'validation', clusterName: '', address: '' }],
      ['selectJobDetail', { clusterName: 'bad-input', page: 100_000, size: 1000 }],
      ['selectJobHistory', { jobKey: body.jobKey, page: 100_000, size: 1000 }],
      ['selectRuns', { page: 100_000, size: 1000, startDate: 0, endDate: '9999-12-31T23:59:59.999Z' }],
      [
        'selectJobDetail',
        { nextFireFrom: 0, nextFireTo: '9999-12-31T23:59:59.999Z', sort: 'nextFireTime', order: 'asc' },
      ],
      ['selectWorkers', { clusterName: 'bad-input', groupName: '' }],
    ] as const;
    for (const [endpoint, query] of paged) {
      const res = await adminPost(baseUrl, config, `/job/admin/${endpoint}`, query);
      expect([endpoint, res.status, res.body.errors]).toEqual([endpoint, 200, undefined]);
    }
  });

  it('accepts large but valid attachments: near the limit, and an object nested 30 levels', async () => {
    let nested: unknown = 'leaf';
    for (let i = 0; i < 30; i++) nested = { [`level${i}`]: nested };
    const deep = await adminPost(baseUrl, config, '/job/admin/persistJob', {
      ...chaconneBody('deep-attachment'),
      attachment: nested,
    });
    expect(deep.status).toBe(200);
    const nearLimit = 'x'.repeat(ATTACHMENT_LIMIT);
    const large = await adminPost(baseUrl, config, '/job/admin/persistJob', {
      ...chaconneBody('large-attachment'),
      attachment: nearLimit,
    });
    expect(large.status).toBe(200);
    const rows = await dataSource.query<{ attachment: string }[]>(
      "SELECT attachment FROM chac_job_detail WHERE job_name IN ('deep-attachment', 'large-attachment') ORDER BY job_name",
    );
    expect(rows.map((r) => r.attachment)).toEqual([JSON.stringify(nested), nearLimit]);
  });

  it('runs triggerJob with an attachment override at the limit', async () => {
    const res = await adminPost<number>(baseUrl, config, '/job/admin/triggerJob', {
      jobKey: TARGET_KEY,
      attachment: 'y'.repeat(ATTACHMENT_LIMIT),
      retries: 0,
    });
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    expect(typeof res.body.data).toBe('number');
    const stored = await dataSource.query<{ n: string | number }[]>(
      'SELECT COUNT(*) AS n FROM chac_job_run WHERE run_id = ?',
      [res.body.data],
    );
    expect(Number(stored[0]?.n)).toBe(1);
  });
});
