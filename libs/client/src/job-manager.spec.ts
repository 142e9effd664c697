import {
  DEFAULT_RUN_POLICY,
  type JobDetail,
  type JobPersistParameter,
  type JobRuntimeDetail,
  type JobTriggerDetail,
} from '@chaconne/contracts';
import { RecordingServer } from '../test/recording-server';
import { ChaconneApiError } from './chaconne-api-error';
import { DependencyType, JobState, RunningState, SchedulingUnit, TriggerType } from './enums';
import { GenericJobDefinition } from './generic-job-definition';
import { GenericTrigger } from './generic-trigger';
import { JobKey } from './job-key';
import { JobManager } from './job-manager';

const key = JobKey.by('c', 'g', 'j', 'com.acme.J');
const TOKEN = 'chac_test-token';

const runtime: JobRuntimeDetail = {
  jobId: 7,
  jobState: JobState.SCHEDULING,
  lastRunningState: RunningState.FAILED,
  lastExecutionTime: '2026-01-01T00:00:00.000Z',
  lastCompletionTime: '2026-01-01T00:00:01.000Z',
  nextExecutionTime: null,
  consecutiveFailures: 0,
  consecutiveTimeouts: 0,
  freezeCount: 0,
  frozenUntil: null,
  stateReason: null,
};
const triggerDetail: JobTriggerDetail = {
  jobId: 7,
  triggerType: TriggerType.CRON,
  startDate: null,
  endDate: null,
  repeatCount: -1,
  timeZone: 'UTC',
  triggerDescription: '{"cron":{"expression":"*/5 * * * * ?"}}',
};
const detail: JobDetail = {
  jobId: 7,
  jobKey: key,
  description: 'd',
  attachment: null,
  email: '',
  retries: 0,
  weight: 100,
  timeout: -1,
  completionRate: -1,
  createDate: '2026-01-01T00:00:00.000Z',
  jobRuntime: runtime,
  jobTriggerDetail: triggerDetail,
  ...DEFAULT_RUN_POLICY,
};
const page = <T>(content: T[]) => ({ page: 1, size: 10, rows: content.length, nextPage: null, content });
const stat = { completedCount: 1, failedCount: 2, skippedCount: 0, finishedCount: 0, retryCount: 0 };
const plainDefinition: JobPersistParameter = {
  jobKey: key,
  trigger: { triggerType: TriggerType.SIMPLE },
};
const built = GenericJobDefinition.newJob(key)
  .setTrigger(GenericTrigger.Builder.newTrigger(30, SchedulingUnit.SECONDS, true))
  .build();

interface Case {
  call: (jobs: JobManager) => Promise<unknown>;
  method?: 'GET' | 'POST';
  endpoint: string;
  /** The request body the manager must receive; undefined for none. */
  body: unknown;
  /** What the manager answers as `data`; the method must resolve to it. */
  data: unknown;
}

/** Every admin endpoint, with the body it must receive. */
const CASES: [string, Case][] = [
  [
    'persistJob (plain JobPersistParameter)',
    { call: (m) => m.persistJob(plainDefinition), endpoint: 'persistJob', body: plainDefinition, data: 42 },
  ],
  [
    'persistJob (built definition, attachment argument replaces its own)',
    {
      call: (m) => m.persistJob({ ...built, attachment: 'old' }, '{"initialParameter": "test"}'),
      endpoint: 'persistJob',
      body: { ...built, attachment: '{"initialParameter": "test"}' },
      data: 42,
    },
  ],
  [
    'persistJob (builder, JSON attachment)',
    {
      call: (m) => m.persistJob(GenericJobDefinition.newJob(key).setRetries(2), { p: 1 }),
      endpoint: 'persistJob',
      body: { ...GenericJobDefinition.newJob(key).setRetries(2).build(), attachment: '{"p":1}' },
      data: 43,
    },
  ],
  ['deleteJob', { call: (m) => m.deleteJob(key), endpoint: 'deleteJob', body: key, data: JobState.FINISHED }],
  ['pauseJob', { call: (m) => m.pauseJob(key), endpoint: 'pauseJob', body: key, data: JobState.PAUSED }],
  [
    'resumeJob',
    { call: (m) => m.resumeJob(key), endpoint: 'resumeJob', body: key, data: JobState.SCHEDULING },
  ],
  [
    'scheduleJob',
    { call: (m) => m.scheduleJob(key), endpoint: 'scheduleJob', body: key, data: JobState.SCHEDULING },
  ],
  [
    'unscheduleJob',
    { call: (m) => m.unscheduleJob(key), endpoint: 'unscheduleJob', body: key, data: JobState.NOT_SCHEDULED },
  ],
  ['finishJob', { call: (m) => m.finishJob(key), endpoint: 'finishJob', body: key, data: JobState.FINISHED }],
  [
    'setJobState',
    {
      call: (m) => m.setJobState(key, JobState.PAUSED),
      endpoint: 'setJobState',
      body: { jobKey: key, jobState: 3 },
      data: JobState.PAUSED,
    },
  ],
  [
    'triggerJob (the job attachment)',
    { call: (m) => m.triggerJob(key), endpoint: 'triggerJob', body: { jobKey: key }, data: 77 },
  ],
  [
    'triggerJob (attachment override)',
    {
      call: (m) => m.triggerJob(key, { override: true }),
      endpoint: 'triggerJob',
      body: { jobKey: key, attachment: '{"override":true}' },
      data: 78,
    },
  ],
  [
    'triggerJob (null attachment)',
    {
      call: (m) => m.triggerJob(key, null),
      endpoint: 'triggerJob',
      body: { jobKey: key, attachment: null },
      data: 79,
    },
  ],
  [
    'triggerJob (forced past the overlap policy)',
    {
      call: (m) => m.triggerJob(key, undefined, { force: true }),
      endpoint: 'triggerJob',
      body: { jobKey: key, force: true },
      data: 80,
    },
  ],
  [
    'triggerJob (attachment override, not forced)',
    {
      call: (m) => m.triggerJob(key, 'again', { force: false }),
      endpoint: 'triggerJob',
      body: { jobKey: key, attachment: 'again', force: false },
      data: 81,
    },
  ],
  ['hasJob', { call: (m) => m.hasJob(key), endpoint: 'hasJob', body: key, data: true }],
  [
    'hasJobState',
    {
      call: (m) => m.hasJobState(key, JobState.SCHEDULING),
      endpoint: 'hasJobState',
      body: { jobKey: key, jobState: 1 },
      data: false,
    },
  ],
  ['getJobId', { call: (m) => m.getJobId(key), endpoint: 'getJobId', body: key, data: 7 }],
  ['getJobDetail', { call: (m) => m.getJobDetail(key), endpoint: 'getJobDetail', body: key, data: detail }],
  [
    'getJobTriggerDetail',
    {
      call: (m) => m.getJobTriggerDetail(key),
      endpoint: 'getJobTriggerDetail',
      body: key,
      data: triggerDetail,
    },
  ],
  [
    'getJobRuntimeDetail',
    { call: (m) => m.getJobRuntimeDetail(key), endpoint: 'getJobRuntimeDetail', body: key, data: runtime },
  ],
  [
    'getJobKeys',
    {
      call: (m) => m.getJobKeys({ clusterName: 'c', groupNames: ['g'], triggerType: TriggerType.CRON }),
      endpoint: 'getJobKeys',
      body: { clusterName: 'c', groupNames: ['g'], triggerType: 1 },
      data: [key],
    },
  ],
  [
    'selectJobDetail (defaults)',
    { call: (m) => m.selectJobDetail(), endpoint: 'selectJobDetail', body: {}, data: page([detail]) },
  ],
  [
    'selectJobDetail (filters and sorting)',
    {
      call: (m) =>
        m.selectJobDetail({
          clusterName: 'c',
          jobName: 'j',
          jobState: JobState.PAUSED,
          triggerType: TriggerType.PERIODIC,
          page: 2,
          size: 5,
          sort: 'jobName',
          order: 'asc',
        }),
      endpoint: 'selectJobDetail',
      body: {
        clusterName: 'c',
        jobName: 'j',
        jobState: 3,
        triggerType: 2,
        page: 2,
        size: 5,
        sort: 'jobName',
        order: 'asc',
      },
      data: page([]),
    },
  ],
  [
    'selectClusterNames (GET, as in Chaconne)',
    {
      call: (m) => m.selectClusterNames(),
      method: 'GET',
      endpoint: 'selectClusterNames',
      body: undefined,
      data: ['c', 'xcron'],
    },
  ],
  [
    'hasRelations',
    {
      call: (m) => m.hasRelations(key, DependencyType.SERIAL),
      endpoint: 'hasRelations',
      body: { jobKey: key, dependencyType: 0 },
      data: false,
    },
  ],
  [
    'getRelations',
    {
      call: (m) => m.getRelations(key, DependencyType.PARALLEL),
      endpoint: 'getRelations',
      body: { jobKey: key, dependencyType: 1 },
      data: [JobKey.by('c', 'g', 'down', 'D')],
    },
  ],
  [
    'getDependentKeys',
    {
      call: (m) => m.getDependentKeys(key, DependencyType.MIXED),
      endpoint: 'getDependentKeys',
      body: { jobKey: key, dependencyType: 2 },
      data: [JobKey.by('c', 'g', 'up', 'U')],
    },
  ],
  [
    'selectJobHistory',
    {
      call: (m) => m.selectJobHistory(key, 2, 5),
      endpoint: 'selectJobHistory',
      body: { jobKey: key, page: 2, size: 5 },
      data: {
        page: 2,
        size: 5,
        rows: 6,
        nextPage: null,
        content: [
          {
            changedAt: '2026-11-21T08:00:00.000Z',
            source: 'api',
            actor: 'ops',
            action: 'update',
            changes: { retries: { from: 0, to: 2 } },
          },
        ],
      },
    },
  ],
  [
    'previewTrigger (builder and count)',
    {
      call: (m) =>
        m.previewTrigger(GenericTrigger.Builder.newTrigger('0 0 12 ? * 2').setTimeZone('Europe/Berlin'), 3),
      endpoint: 'previewTrigger',
      body: {
        trigger: {
          triggerType: 1,
          triggerDescription: { cron: { expression: '0 0 12 ? * 2' } },
          startDate: null,
          endDate: null,
          repeatCount: -1,
          timeZone: 'Europe/Berlin',
        },
        count: 3,
      },
      data: {
        timeZone: 'Europe/Berlin',
        fireTimes: [{ utc: '2030-01-07T11:00:00.000Z', local: '2030-01-07T12:00:00+01:00' }],
      },
    },
  ],
  [
    'previewTrigger (from an instant)',
    {
      call: (m) => m.previewTrigger({ triggerType: TriggerType.SIMPLE }, 1, new Date('2026-10-31T12:00:00Z')),
      endpoint: 'previewTrigger',
      body: { trigger: { triggerType: 0 }, count: 1, from: '2026-10-31T12:00:00.000Z' },
      data: { timeZone: 'UTC', fireTimes: [] },
    },
  ],
  [
    'previewTrigger (plain trigger, default count)',
    {
      call: (m) => m.previewTrigger({ triggerType: TriggerType.SIMPLE, startDate: 1_900_000_000_000 }),
      endpoint: 'previewTrigger',
      body: { trigger: { triggerType: 0, startDate: 1_900_000_000_000 } },
      data: { timeZone: 'UTC', fireTimes: [] },
    },
  ],
  [
    'selectJobTrace (Dates sent as ISO-8601)',
    {
      call: (m) =>
        m.selectJobTrace({
          jobKey: key,
          page: 1,
          size: 20,
          startDate: new Date(Date.UTC(2026, 0, 1)),
          endDate: 1_900_000_000_000,
          runningState: RunningState.FAILED,
        }),
      endpoint: 'selectJobTrace',
      body: {
        jobKey: key,
        page: 1,
        size: 20,
        startDate: '2026-01-01T00:00:00.000Z',
        endDate: 1_900_000_000_000,
        runningState: 0,
      },
      data: page([]),
    },
  ],
  [
    'selectJobLog',
    {
      call: (m) => m.selectJobLog(key, 9),
      endpoint: 'selectJobLog',
      body: { jobKey: key, traceId: 9 },
      data: [{ traceId: 9, jobId: 7, level: 2, log: 'hello', createDate: '2026-01-01T00:00:00.000Z' }],
    },
  ],
  [
    'selectJobStackTrace',
    {
      call: (m) => m.selectJobStackTrace(key, 9),
      endpoint: 'selectJobStackTrace',
      body: { jobKey: key, traceId: 9 },
      data: [{ traceId: 9, jobId: 7, stackTrace: 'Error: boom' }],
    },
  ],
  [
    'selectJobStatByDay',
    {
      call: (m) => m.selectJobStatByDay({ clusterName: 'c', lastDays: 7 }),
      endpoint: 'selectJobStatByDay',
      body: { clusterName: 'c', lastDays: 7 },
      data: [{ executionDate: '2026-01-01', ...stat }],
    },
  ],
  [
    'selectJobStatByMonth',
    {
      call: (m) => m.selectJobStatByMonth({ applicationName: 'g' }),
      endpoint: 'selectJobStatByMonth',
      body: { applicationName: 'g' },
      data: [{ executionDate: '2026-01', ...stat }],
    },
  ],
  [
    'selectJobStatById',
    {
      call: (m) => m.selectJobStatById({ startDate: '2026-01-01', endDate: '2026-01-31', page: 1, size: 10 }),
      endpoint: 'selectJobStatById',
      body: { startDate: '2026-01-01', endDate: '2026-01-31', page: 1, size: 10 },
      data: page([{ jobId: 7, jobKey: key, lastExecutionTime: null, ...stat }]),
    },
  ],
  [
    'selectJobStateCount',
    {
      call: (m) => m.selectJobStateCount({ clusterName: 'c' }),
      endpoint: 'selectJobStateCount',
      body: { clusterName: 'c' },
      data: [{ jobState: 1, displayJobState: 'SCHEDULING', jobCount: 3 }],
    },
  ],
  [
    'selectJobStat',
    {
      call: (m) => m.selectJobStat({ jobId: 7 }),
      endpoint: 'selectJobStat',
      body: { jobId: 7 },
      data: { jobCount: 1, lastExecutionTime: null, ...stat },
    },
  ],
  [
    'selectJobStat (no filter)',
    {
      call: (m) => m.selectJobStat(),
      endpoint: 'selectJobStat',
      body: {},
      data: { jobCount: 0, lastExecutionTime: null, ...stat },
    },
  ],
  [
    'getJobTraceDetail',
    {
      call: (m) => m.getJobTraceDetail(12),
      endpoint: 'getJobTraceDetail',
      body: { traceId: 12 },
      data: { traceId: 12, jobId: 3, latenessMs: 4 },
    },
  ],
  [
    'selectRuns',
    {
      call: (m) => m.selectRuns({ runningState: RunningState.FAILED, page: 2, size: 5 }),
      endpoint: 'selectRuns',
      body: { runningState: RunningState.FAILED, page: 2, size: 5 },
      data: { page: 2, size: 5, rows: 6, nextPage: null, content: [] },
    },
  ],
  [
    'cancelRun (a reason)',
    {
      call: (m) => m.cancelRun(12, 'stuck'),
      endpoint: 'cancelRun',
      body: { traceId: 12, reason: 'stuck' },
      data: RunningState.FAILED,
    },
  ],
  [
    'cancelRun (no reason)',
    {
      call: (m) => m.cancelRun(12),
      endpoint: 'cancelRun',
      body: { traceId: 12 },
      data: RunningState.FAILED,
    },
  ],
  [
    'selectWorkers',
    {
      call: (m) => m.selectWorkers({ clusterName: 'c' }),
      endpoint: 'selectWorkers',
      body: { clusterName: 'c' },
      data: { live: [], lost: [] },
    },
  ],
];

let server: RecordingServer;
let jobs: JobManager;

beforeAll(async () => {
  server = await RecordingServer.start();
  jobs = new JobManager({ baseUrl: server.url, token: TOKEN, headers: { 'x-request-source': 'spec' } });
});

afterAll(async () => {
  await server.close();
});

describe('JobManager: one method per admin endpoint', () => {
  it.each(CASES)('%s', async (_name, c) => {
    server.replyData(`/job/admin/${c.endpoint}`, c.data);
    await expect(c.call(jobs)).resolves.toEqual(c.data);
    const request = server.last;
    expect(request.method).toBe(c.method ?? 'POST');
    expect(request.url).toBe(`/job/admin/${c.endpoint}`);
    expect(request.body).toEqual(c.body);
    expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request.headers['content-type']).toBe(c.body === undefined ? undefined : 'application/json');
  });

  it('covers every public method of JobManager', () => {
    const methods = Object.getOwnPropertyNames(JobManager.prototype).filter(
      // tailJobLog streams (not Chaconne's envelope): its own tests below.
      (name) => name !== 'constructor' && name !== 'call' && name !== 'tailJobLog',
    );
    const covered = new Set(CASES.map(([, c]) => c.endpoint));
    expect(methods.filter((m) => !covered.has(m))).toEqual([]);
    expect(methods).toHaveLength(35);
  });
});

describe('JobManager options', () => {
  it('sends extra headers, accepts JSON, and keeps a base URL path prefix', async () => {
    server.replyData('/prefix/job/admin/hasJob', true);
    const prefixed = new JobManager({ baseUrl: `${server.url}/prefix/`, headers: { 'X-Tenant': 'blue' } });
    await expect(prefixed.hasJob(key)).resolves.toBe(true);
    expect(server.last.url).toBe('/prefix/job/admin/hasJob');
    expect(server.last.headers).toMatchObject({ 'x-tenant': 'blue', accept: 'application/json' });
    expect(server.last.headers.authorization).toBeUndefined();
  });

  it('lets `token` win over an authorization header', async () => {
    await new JobManager({
      baseUrl: server.url,
      token: 'mine',
      headers: { Authorization: 'Basic x' },
    }).hasJob(key);
    expect(server.last.headers.authorization).toBe('Bearer mine');
  });

  it('uses the given fetch', async () => {
    const seen: string[] = [];
    const client = new JobManager({
      baseUrl: 'http://manager.invalid',
      fetch: (input) => {
        seen.push(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
        return Promise.resolve(new Response(JSON.stringify({ success: true, msg: 'ok', data: 5 })));
      },
    });
    await expect(client.getJobId(key)).resolves.toBe(5);
    expect(seen).toEqual(['http://manager.invalid/job/admin/getJobId']);
  });
});

describe('JobManager errors', () => {
  async function failure(promise: Promise<unknown>): Promise<ChaconneApiError> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(error instanceof ChaconneApiError))
      throw new Error(`expected a ChaconneApiError, got ${String(error)}`);
    return error;
  }

  it('maps a 400 to status, code, message and every field error', async () => {
    server.reply('/job/admin/persistJob', {
      status: 400,
      json: {
        success: false,
        msg: 'jobKey.jobName: must not be empty; trigger.timeZone: bad',
        code: 'VALIDATION_FAILED',
        data: null,
        errors: [
          { field: 'jobKey.jobName', reason: 'must not be empty' },
          { field: 'trigger.timeZone', reason: 'bad' },
          { nonsense: true },
        ],
      },
    });
    const error = await failure(jobs.persistJob(plainDefinition));
    expect(error).toMatchObject({
      name: 'ChaconneApiError',
      status: 400,
      code: 'VALIDATION_FAILED',
      message: 'jobKey.jobName: must not be empty; trigger.timeZone: bad',
      fieldErrors: [
        { field: 'jobKey.jobName', reason: 'must not be empty' },
        { field: 'trigger.timeZone', reason: 'bad' },
      ],
      details: {},
    });
  });

  it('carries details.jobState of a 409', async () => {
    server.reply('/job/admin/resumeJob', {
      status: 409,
      json: {
        success: false,
        msg: 'c.g.j@com.acme.J is SCHEDULING: resumeJob is not possible; it needs PAUSED',
        code: 'STATE_CONFLICT',
        data: null,
        details: { jobState: 1 },
      },
    });
    const error = await failure(jobs.resumeJob(key));
    expect(error.status).toBe(409);
    expect(error.code).toBe('STATE_CONFLICT');
    expect(error.details.jobState).toBe(JobState.SCHEDULING);
    expect(error.fieldErrors).toEqual([]);
  });

  it('maps 401 and 404 answers', async () => {
    server.reply('/job/admin/getJobId', {
      status: 401,
      json: {
        success: false,
        msg: 'the admin token is unknown or revoked',
        code: 'UNAUTHORIZED',
        data: null,
      },
    });
    expect(await failure(jobs.getJobId(key))).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    server.reply('/job/admin/getJobDetail', {
      status: 404,
      json: { success: false, msg: 'no job c.g.j@com.acme.J', code: 'JOB_NOT_FOUND', data: null },
    });
    expect(await failure(jobs.getJobDetail(key))).toMatchObject({
      status: 404,
      code: 'JOB_NOT_FOUND',
      message: 'no job c.g.j@com.acme.J',
    });
  });

  it('reports an answer that is not JSON, or not the envelope, as BAD_RESPONSE', async () => {
    server.reply('/job/admin/hasJob', { status: 502, raw: '<html>Bad Gateway</html>' });
    const notJson = await failure(jobs.hasJob(key));
    expect(notJson).toMatchObject({ status: 502, code: 'BAD_RESPONSE' });
    expect(notJson.message).toContain('Bad Gateway');
    server.reply('/job/admin/hasJob', { json: { ok: true } });
    expect(await failure(jobs.hasJob(key))).toMatchObject({ status: 200, code: 'BAD_RESPONSE' });
  });

  it('turns a timeout into NETWORK_ERROR without waiting for the answer', async () => {
    server.reply('/job/admin/selectJobStat', {
      delayMs: 3_000,
      json: { success: true, msg: 'ok', data: {} },
    });
    const started = Date.now();
    const error = await failure(new JobManager({ baseUrl: server.url, timeoutMs: 150 }).selectJobStat());
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error).toMatchObject({ status: 0, code: 'NETWORK_ERROR' });
    expect(error.message).toContain('no answer within 150 ms');
  });

  it('reports an unreachable manager as NETWORK_ERROR with the cause', async () => {
    const closed = await RecordingServer.start();
    await closed.close();
    const error = await failure(new JobManager({ baseUrl: closed.url, timeoutMs: 2_000 }).getJobDetail(key));
    expect(error).toMatchObject({ status: 0, code: 'NETWORK_ERROR' });
    expect(error.message).toContain(`${closed.url}/job/admin/getJobDetail: manager unreachable`);
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.cause).toMatchObject({ message: 'fetch failed' });
  });
});
