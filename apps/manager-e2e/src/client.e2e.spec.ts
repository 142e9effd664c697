import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ChaconneApiError,
  DependencyType,
  GenericJobDefinition,
  GenericTrigger,
  JobKey,
  JobManager,
  JobState,
  RunningState,
  SchedulingUnit,
  TriggerType,
  XcronApiError,
  XcronCode,
  XcronType,
} from '@chaconne/client';
import { waitFor } from '@chaconne/testing';
import { newStack, type ProcessHandle, startManager, tearDown } from './support/processes';

/**
 * @chaconne/client against a real manager process: every JobManager and XcronClient method,
 * round trip, with the values the manager answers. No worker runs, so a triggered run ends
 * FAILED "no worker available", and that run is the one the trace queries read.
 */
const stack = newStack();
let manager: { handle: ProcessHandle; url: string };
let xcronManager: { handle: ProcessHandle; url: string } | undefined;
let jobs: JobManager;

const CLUSTER = 'client-e2e';
const DEPS_CLUSTER = 'client-e2e-deps';
const GROUP = 'client-group';
const cronKey = JobKey.by(CLUSTER, GROUP, 'cronJob', 'com.acme.EtlJob');
const periodicKey = JobKey.by(CLUSTER, GROUP, 'periodicJob', 'com.acme.PeriodicJob');
const onDemandKey = JobKey.by(CLUSTER, GROUP, 'onDemandJob', 'com.acme.OnDemandJob');
const missingKey = JobKey.by(CLUSTER, GROUP, 'missingJob', 'com.acme.Missing');

/** Tomorrow, on a whole second: the cron and periodic jobs are armed but never fire during the test. */
const tomorrow = Math.ceil((Date.now() + 86_400_000) / 1000) * 1000;
const ids = { cron: 0, periodic: 0, onDemand: 0 };
let traceId = 0;

beforeAll(async () => {
  manager = await startManager(stack);
  jobs = new JobManager({ baseUrl: manager.url, token: stack.adminToken });
}, 90_000);

afterAll(async () => {
  await tearDown(stack, xcronManager, manager);
});

/* Jest's asymmetric matchers are typed `any`; as `unknown` they satisfy the type-aware lint rules. */
const anyString: unknown = expect.any(String);
const containing = (text: string): unknown => expect.stringContaining(text);
const matching = (pattern: RegExp): unknown => expect.stringMatching(pattern);

/** The ChaconneApiError a call is refused with. */
async function refusal(call: Promise<unknown>): Promise<ChaconneApiError> {
  const outcome = await call.then(
    (value: unknown) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a refusal, got ${JSON.stringify(outcome.value)}`);
  if (!(outcome.error instanceof ChaconneApiError)) throw outcome.error;
  return outcome.error;
}

describe('JobManager against a real manager', () => {
  it('persists jobs built with the Chaconne builders and answers their ids (an update keeps the id)', async () => {
    const cron = GenericJobDefinition.newJob(cronKey)
      .setDescription('Describe your job shortly')
      .setEmail('YourEmail@yourcompany.com')
      .setRetries(3)
      .setTimeout(60000)
      .setWeight(50)
      .setTrigger(
        GenericTrigger.Builder.newTrigger('*/5 * * * * ?')
          .setStartDate(new Date(tomorrow))
          .setTimeZone('Asia/Shanghai'),
      );
    ids.cron = await jobs.persistJob(cron.build(), '{"initialParameter": "test"}');
    expect(Number.isInteger(ids.cron) && ids.cron > 0).toBe(true);
    expect(await jobs.persistJob(cron, '{"initialParameter": "test"}')).toBe(ids.cron);

    ids.periodic = await jobs.persistJob(
      GenericJobDefinition.newJob(periodicKey).setTrigger(
        GenericTrigger.Builder.newTrigger(1, SchedulingUnit.HOURS, true)
          .setStartDate(new Date(tomorrow))
          .setEndDate(new Date(tomorrow + 30 * 86_400_000))
          .setRepeatCount(10),
      ),
    );
    ids.onDemand = await jobs.persistJob(
      GenericJobDefinition.newJob(onDemandKey)
        .setDescription('runs only when triggered')
        .setAttachment({ initialParameter: 'on-demand' }),
    );
    expect(new Set([ids.cron, ids.periodic, ids.onDemand]).size).toBe(3);
  });

  it('refuses what only the manager can judge (cron syntax) with 400 and the field', async () => {
    const definition = GenericJobDefinition.newJob(missingKey)
      .setTrigger(GenericTrigger.Builder.newTrigger('0 0 12 ? * 8'))
      .build();
    const error = await refusal(jobs.persistJob(definition));
    expect(error).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(error.fieldErrors).toEqual([
      { field: 'trigger.triggerDescription.cron.expression', reason: containing('day-of-week') },
    ]);
    expect(await jobs.hasJob(missingKey)).toBe(false);
  });

  it('reads the jobs back: existence, id, detail, trigger, runtime, state', async () => {
    expect(await jobs.hasJob(cronKey)).toBe(true);
    expect(await jobs.hasJob(missingKey)).toBe(false);
    expect(await jobs.getJobId(cronKey)).toBe(ids.cron);

    const detail = await jobs.getJobDetail(cronKey);
    expect(detail).toMatchObject({
      jobId: ids.cron,
      jobKey: cronKey,
      description: 'Describe your job shortly',
      email: 'YourEmail@yourcompany.com',
      retries: 3,
      timeout: 60000,
      weight: 50,
      attachment: '{"initialParameter": "test"}',
      jobRuntime: { jobId: ids.cron, jobState: JobState.SCHEDULING },
      jobTriggerDetail: { jobId: ids.cron, triggerType: TriggerType.CRON },
    });
    expect(Date.now() - Date.parse(detail.createDate)).toBeLessThan(120_000);

    const trigger = await jobs.getJobTriggerDetail(cronKey);
    expect(trigger).toEqual({
      jobId: ids.cron,
      triggerType: TriggerType.CRON,
      startDate: new Date(tomorrow).toISOString(),
      endDate: null,
      repeatCount: -1,
      timeZone: 'Asia/Shanghai',
      triggerDescription: anyString,
    });
    expect(JSON.parse(trigger.triggerDescription)).toEqual({ cron: { expression: '*/5 * * * * ?' } });

    const periodic = await jobs.getJobTriggerDetail(periodicKey);
    expect(periodic).toMatchObject({
      jobId: ids.periodic,
      triggerType: TriggerType.PERIODIC,
      startDate: new Date(tomorrow).toISOString(),
      endDate: new Date(tomorrow + 30 * 86_400_000).toISOString(),
      repeatCount: 10,
      timeZone: 'UTC',
    });
    expect(JSON.parse(periodic.triggerDescription)).toEqual({
      periodic: { period: 1, schedulingUnit: SchedulingUnit.HOURS, fixedRate: true },
    });
    expect((await jobs.getJobDetail(onDemandKey)).attachment).toBe('{"initialParameter":"on-demand"}');

    const runtime = await jobs.getJobRuntimeDetail(cronKey);
    expect(runtime).toMatchObject({
      jobId: ids.cron,
      jobState: JobState.SCHEDULING,
      lastRunningState: null,
      lastExecutionTime: null,
      lastCompletionTime: null,
    });
    // Armed from its start date on: the first fire is tomorrow, a whole multiple of 5 s.
    const next = Date.parse(runtime.nextExecutionTime ?? '');
    expect(next).toBeGreaterThanOrEqual(tomorrow);
    expect(next % 5000).toBe(0);

    expect(await jobs.hasJobState(cronKey, JobState.SCHEDULING)).toBe(true);
    expect(await jobs.hasJobState(cronKey, JobState.PAUSED)).toBe(false);
  });

  it('lists job keys by trigger type and pages, filters and sorts the job list', async () => {
    expect(await jobs.getJobKeys({ clusterName: CLUSTER, triggerType: TriggerType.CRON })).toEqual([cronKey]);
    expect(await jobs.getJobKeys({ clusterName: CLUSTER, triggerType: TriggerType.PERIODIC })).toEqual([
      periodicKey,
    ]);
    expect(
      await jobs.getJobKeys({
        clusterNames: [CLUSTER],
        groupNames: [GROUP],
        triggerType: TriggerType.SIMPLE,
      }),
    ).toEqual([onDemandKey]);
    expect(await jobs.getJobKeys({ clusterName: 'nobody', triggerType: TriggerType.CRON })).toEqual([]);

    const byName = await jobs.selectJobDetail({ clusterName: CLUSTER, sort: 'jobName', order: 'asc' });
    expect(byName).toMatchObject({ page: 1, size: 10, rows: 3, nextPage: null });
    expect(byName.content.map((d) => d.jobKey.jobName)).toEqual(['cronJob', 'onDemandJob', 'periodicJob']);

    const firstPage = await jobs.selectJobDetail({
      clusterName: CLUSTER,
      sort: 'jobId',
      order: 'asc',
      size: 2,
    });
    expect(firstPage).toMatchObject({ page: 1, size: 2, rows: 3, nextPage: 2 });
    expect(firstPage.content.map((d) => d.jobId)).toEqual([ids.cron, ids.periodic]);
    const secondPage = await jobs.selectJobDetail({
      clusterName: CLUSTER,
      sort: 'jobId',
      order: 'asc',
      size: 2,
      page: 2,
    });
    expect(secondPage.content.map((d) => d.jobId)).toEqual([ids.onDemand]);
    expect(secondPage.nextPage).toBeNull();

    const named = await jobs.selectJobDetail({ clusterName: CLUSTER, jobName: 'period' });
    expect(named.content.map((d) => d.jobId)).toEqual([ids.periodic]);
    const simple = await jobs.selectJobDetail({ groupName: GROUP, triggerType: TriggerType.SIMPLE });
    expect(simple.content.map((d) => d.jobId)).toEqual([ids.onDemand]);
    const paused = await jobs.selectJobDetail({ clusterName: CLUSTER, jobState: JobState.PAUSED });
    expect(paused.rows).toBe(0);
  });

  it('pauses, resumes, unschedules and schedules a job, answering each new state', async () => {
    expect(await jobs.pauseJob(cronKey)).toBe(JobState.PAUSED);
    expect(await jobs.pauseJob(cronKey)).toBe(JobState.PAUSED); // already there: a no-op
    expect(await jobs.hasJobState(cronKey, JobState.PAUSED)).toBe(true);
    expect(await jobs.resumeJob(cronKey)).toBe(JobState.SCHEDULING);
    expect(await jobs.unscheduleJob(cronKey)).toBe(JobState.NOT_SCHEDULED);
    expect((await jobs.getJobRuntimeDetail(cronKey)).jobState).toBe(JobState.NOT_SCHEDULED);
    expect(await jobs.scheduleJob(cronKey)).toBe(JobState.SCHEDULING);
    expect(await jobs.setJobState(cronKey, JobState.PAUSED)).toBe(JobState.PAUSED);
    expect(await jobs.setJobState(cronKey, JobState.SCHEDULING)).toBe(JobState.SCHEDULING);
    expect((await jobs.getJobDetail(cronKey)).jobRuntime.jobState).toBe(JobState.SCHEDULING);
  });

  it('surfaces illegal transitions as 409 ChaconneApiErrors with details.jobState, changing nothing', async () => {
    const finish = await refusal(jobs.finishJob(cronKey));
    expect(finish).toMatchObject({
      name: 'ChaconneApiError',
      status: 409,
      code: 'STATE_CONFLICT',
      details: { jobState: JobState.SCHEDULING },
    });
    expect(finish.message).toContain('finishJob is not possible');
    expect(await refusal(jobs.setJobState(cronKey, JobState.FROZEN))).toMatchObject({
      status: 409,
      details: { jobState: JobState.SCHEDULING },
    });
    expect(await jobs.unscheduleJob(cronKey)).toBe(JobState.NOT_SCHEDULED);
    expect((await refusal(jobs.resumeJob(cronKey))).details.jobState).toBe(JobState.NOT_SCHEDULED);
    expect((await refusal(jobs.pauseJob(cronKey))).details.jobState).toBe(JobState.NOT_SCHEDULED);
    expect(await jobs.scheduleJob(cronKey)).toBe(JobState.SCHEDULING);
    expect(await jobs.hasJobState(cronKey, JobState.SCHEDULING)).toBe(true);
    expect(await refusal(jobs.pauseJob(missingKey))).toMatchObject({ status: 404, code: 'JOB_NOT_FOUND' });
  });

  it('finishes an unscheduled job and deletes another; FINISHED is final', async () => {
    expect(await jobs.unscheduleJob(cronKey)).toBe(JobState.NOT_SCHEDULED);
    expect(await jobs.finishJob(cronKey)).toBe(JobState.FINISHED);
    expect(await jobs.deleteJob(periodicKey)).toBe(JobState.FINISHED);
    expect(await jobs.deleteJob(periodicKey)).toBe(JobState.FINISHED); // already there: a no-op
    expect(await refusal(jobs.pauseJob(periodicKey))).toMatchObject({
      status: 409,
      code: 'STATE_CONFLICT',
      details: { jobState: JobState.FINISHED },
    });
    expect(await refusal(jobs.triggerJob(periodicKey))).toMatchObject({
      status: 409,
      details: { jobState: JobState.FINISHED },
    });
    // The history stays: the job is still there, FINISHED.
    expect(await jobs.hasJob(periodicKey)).toBe(true);
    expect((await jobs.getJobRuntimeDetail(periodicKey)).jobState).toBe(JobState.FINISHED);
  });

  it('triggerJob answers the trace id of a run that, with no worker, ends FAILED "no worker available"', async () => {
    traceId = await jobs.triggerJob(onDemandKey, { initialParameter: 'manual' });
    expect(Number.isInteger(traceId) && traceId > 0).toBe(true);

    const runs = await waitFor(
      'the triggered run to end',
      async () => {
        const page = await jobs.selectJobTrace({ jobKey: onDemandKey });
        return page.content[0]?.runningState === RunningState.RUNNING ? undefined : page;
      },
      15_000,
    );
    expect(runs).toMatchObject({ page: 1, size: 10, rows: 1, nextPage: null });
    const run = runs.content[0];
    expect(run).toMatchObject({
      traceId,
      jobId: ids.onDemand,
      attempt: 0,
      runningState: RunningState.FAILED,
      completed: 0,
      failed: 1,
      skipped: 0,
      finished: 0,
      address: null,
      instanceId: null,
      result: null,
    });
    expect(run?.reason).toContain('no worker available');
    expect(Math.abs(Date.parse(run?.plannedTime ?? '') - Date.now())).toBeLessThan(60_000);

    const hourAgo = new Date(Date.now() - 3_600_000);
    const failed = await jobs.selectJobTrace({
      jobKey: onDemandKey,
      startDate: hourAgo,
      endDate: new Date(Date.now() + 60_000),
      runningState: RunningState.FAILED,
      page: 1,
      size: 5,
    });
    expect(failed.content.map((t) => t.traceId)).toEqual([traceId]);
    expect(
      (await jobs.selectJobTrace({ jobKey: onDemandKey, runningState: RunningState.COMPLETED })).rows,
    ).toBe(0);
    expect((await jobs.selectJobTrace({ jobKey: onDemandKey, endDate: hourAgo })).rows).toBe(0);

    // The worker never ran, so the run has no log lines and no stack trace.
    expect(await jobs.selectJobLog(onDemandKey, traceId)).toEqual([]);
    expect(await jobs.selectJobStackTrace(onDemandKey, traceId)).toEqual([]);
    expect(await refusal(jobs.selectJobLog(onDemandKey, traceId + 100_000))).toMatchObject({
      status: 404,
      code: 'RUN_NOT_FOUND',
    });
    expect(await refusal(jobs.selectJobStackTrace(cronKey, traceId))).toMatchObject({
      status: 404,
      code: 'RUN_NOT_FOUND',
    });

    expect(await jobs.getJobRuntimeDetail(onDemandKey)).toMatchObject({
      jobState: JobState.SCHEDULING,
      lastRunningState: RunningState.FAILED,
      lastExecutionTime: anyString,
      lastCompletionTime: anyString,
    });
  });

  it('counts that run in every statistics view', async () => {
    const now = new Date().toISOString();
    const zero = { completedCount: 0, failedCount: 0, skippedCount: 0, finishedCount: 0, retryCount: 0 };
    const oneFailure = { ...zero, failedCount: 1 };

    const byDay = await jobs.selectJobStatByDay({ clusterName: CLUSTER, lastDays: 7 });
    expect(byDay).toHaveLength(7);
    expect(byDay.at(-1)).toEqual({ executionDate: now.slice(0, 10), ...oneFailure });
    expect(byDay.slice(0, -1).every((d) => d.failedCount === 0 && d.completedCount === 0)).toBe(true);

    const byMonth = await jobs.selectJobStatByMonth({ clusterName: CLUSTER });
    expect(byMonth).toHaveLength(3);
    expect(byMonth.at(-1)).toEqual({ executionDate: now.slice(0, 7), ...oneFailure });

    const byJob = await jobs.selectJobStatById({ clusterName: CLUSTER });
    expect(byJob).toMatchObject({ page: 1, rows: 1, nextPage: null });
    expect(byJob.content).toEqual([
      { jobId: ids.onDemand, jobKey: onDemandKey, lastExecutionTime: anyString, ...oneFailure },
    ]);

    const counts = await jobs.selectJobStateCount({ clusterName: CLUSTER });
    const countOf = (state: JobState) => counts.find((c) => c.jobState === state);
    expect(countOf(JobState.SCHEDULING)).toEqual({
      jobState: JobState.SCHEDULING,
      displayJobState: 'SCHEDULING',
      jobCount: 1,
    });
    expect(countOf(JobState.FINISHED)).toEqual({
      jobState: JobState.FINISHED,
      displayJobState: 'FINISHED',
      jobCount: 2,
    });
    expect(counts.reduce((sum, c) => sum + c.jobCount, 0)).toBe(3);

    expect(await jobs.selectJobStat({ clusterName: CLUSTER })).toEqual({
      jobCount: 3,
      lastExecutionTime: anyString,
      ...oneFailure,
    });
    expect(await jobs.selectJobStat({ clusterName: CLUSTER, jobId: ids.cron })).toEqual({
      jobCount: 1,
      lastExecutionTime: null,
      ...zero,
    });
  });

  it('previews the fire times of cron and periodic triggers, and says why a trigger is invalid', async () => {
    const mondays = await jobs.previewTrigger(
      GenericTrigger.Builder.newTrigger('0 0 12 ? * 2').setTimeZone('Europe/Berlin'),
      3,
    );
    expect(mondays.timeZone).toBe('Europe/Berlin');
    expect(mondays.fireTimes).toHaveLength(3);
    for (const { utc, local } of mondays.fireTimes) {
      expect(local).toMatch(/T12:00:00\+0[12]:00$/);
      expect(new Date(utc).getUTCDay()).toBe(1);
      expect(Date.parse(utc)).toBe(Date.parse(local));
    }

    const start = Math.ceil((Date.now() + 3_600_000) / 1000) * 1000;
    const periodic = await jobs.previewTrigger(
      GenericTrigger.Builder.newTrigger(90, SchedulingUnit.SECONDS, true).setStartDate(new Date(start)),
      3,
    );
    expect(periodic).toEqual({
      timeZone: 'UTC',
      fireTimes: [0, 90_000, 180_000].map((offset) => ({
        utc: new Date(start + offset).toISOString(),
        local: anyString,
      })),
    });

    const invalid = await refusal(jobs.previewTrigger(GenericTrigger.Builder.newTrigger('0 0 12 ? * 8')));
    expect(invalid).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(invalid.fieldErrors.map((e) => e.field)).toEqual(['trigger.triggerDescription.cron.expression']);
  });

  it('answers the relations of jobs with dependencies, both ways', async () => {
    const upstream = JobKey.by(DEPS_CLUSTER, GROUP, 'upstream', 'com.acme.Up');
    const downstream = JobKey.by(DEPS_CLUSTER, GROUP, 'downstream', 'com.acme.Down');
    const parent = JobKey.by(DEPS_CLUSTER, GROUP, 'parent', 'com.acme.Parent');
    await jobs.persistJob(GenericJobDefinition.newJob(upstream));
    await jobs.persistJob(GenericJobDefinition.newJob(downstream).setDependentKeys([upstream]));
    await jobs.persistJob(
      GenericJobDefinition.newJob(parent)
        .setForkKeys([upstream], 0.5)
        .setTrigger(GenericTrigger.Builder.newTrigger('*/5 * * * * ?').setStartDate(new Date(tomorrow))),
    );

    expect(await jobs.hasRelations(upstream, DependencyType.SERIAL)).toBe(true);
    expect(await jobs.getRelations(upstream, DependencyType.SERIAL)).toEqual([downstream]);
    expect(await jobs.getRelations(upstream, DependencyType.PARALLEL)).toEqual([parent]);
    expect(await jobs.getDependentKeys(downstream, DependencyType.SERIAL)).toEqual([upstream]);
    expect(await jobs.getDependentKeys(parent, DependencyType.PARALLEL)).toEqual([upstream]);
    const history = await jobs.selectJobHistory(parent);
    expect(history.content[0]).toMatchObject({
      source: 'api',
      action: 'create',
      changes: { forkKeys: { from: null } },
    });
    expect(await jobs.hasRelations(downstream, DependencyType.SERIAL)).toBe(false);

    // A job without dependencies has none either way.
    expect(await jobs.hasRelations(onDemandKey, DependencyType.SERIAL)).toBe(false);
    expect(await jobs.getRelations(onDemandKey, DependencyType.MIXED)).toEqual([]);
    expect(await jobs.getDependentKeys(onDemandKey, DependencyType.PARALLEL)).toEqual([]);
    expect(await refusal(jobs.getRelations(missingKey, DependencyType.SERIAL))).toMatchObject({
      status: 404,
      code: 'JOB_NOT_FOUND',
    });
  });

  it('lists the cluster names', async () => {
    expect(await jobs.selectClusterNames()).toEqual([CLUSTER, DEPS_CLUSTER]);
  });

  it('refuses a wrong or missing token with 401 UNAUTHORIZED', async () => {
    const wrong = new JobManager({ baseUrl: manager.url, token: 'not-the-token' });
    expect(await refusal(wrong.hasJob(cronKey))).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    expect(await refusal(new JobManager({ baseUrl: manager.url }).selectClusterNames())).toMatchObject({
      status: 401,
      code: 'UNAUTHORIZED',
    });
    const xcronError = await refusal(wrong.xcron.queryTask('any'));
    expect(xcronError).toBeInstanceOf(XcronApiError);
    expect(xcronError).toMatchObject({
      status: 401,
      code: 'UNAUTHORIZED',
      xcronCode: XcronCode.UNAUTHORIZED,
    });
  });
});

describe('XcronClient against a real manager', () => {
  let receiver: Server;
  let receiverUrl: string;
  const received: { at: number; body: unknown }[] = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString()));
      req.on('end', () => {
        received.push({ at: Date.now(), body: JSON.parse(text) });
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  });

  afterAll(async () => {
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('refuses a loopback callback by default: XcronApiError with code 1005', async () => {
    const error = await refusal(
      jobs.xcron.createTask({
        type: XcronType.ONE_SHOT,
        format: new Date(Date.now() + 60_000),
        callback: { url: receiverUrl, body: { params: [1, 2] } },
      }),
    );
    expect(error).toBeInstanceOf(XcronApiError);
    expect(error).toMatchObject({
      status: 400,
      code: 'CALLBACK_NOT_ALLOWED',
      xcronCode: XcronCode.CALLBACK_NOT_ALLOWED,
      uuid: anyString,
    });
    expect(error.fieldErrors.map((e) => e.field)).toEqual(['callback.url']);

    const past = await refusal(
      jobs.xcron.createTask({
        type: XcronType.ONE_SHOT,
        format: '1581823751',
        callback: { url: receiverUrl },
      }),
    );
    expect(past).toMatchObject({ status: 400, xcronCode: XcronCode.BAD_TIMESTAMP });
  });

  it('creates, queries, runs and deletes tasks on a manager that allows 127.0.0.1', async () => {
    // One manager at a time: the allowlisted one must be the one firing the callback.
    await manager.handle.stop();
    expect(await refusal(jobs.hasJob(cronKey))).toMatchObject({ status: 0, code: 'NETWORK_ERROR' });
    xcronManager = await startManager(stack, { CHACONNE_CALLBACK_ALLOWLIST: '127.0.0.1' });
    const xcron = new JobManager({ baseUrl: xcronManager.url, token: stack.adminToken }).xcron;

    const fireAt = Math.ceil((Date.now() + 3_000) / 1000);
    const body = { params: [1, 2], marker: 'client-e2e' };
    const { taskId: oneShot, warnings } = await xcron.createTask({
      type: XcronType.ONE_SHOT,
      format: String(fireAt),
      callback: { url: receiverUrl, body },
    });
    expect(oneShot).toMatch(/^[0-9a-f-]{36}$/);
    expect(warnings).toEqual([]);
    const created = await xcron.queryTask(oneShot);
    expect(created).toEqual({
      task_id: oneShot,
      create_time: matching(/^\d{10}$/),
      type: XcronType.ONE_SHOT,
      format: String(fireAt),
      run_count: 0,
      callback: { url: receiverUrl, body },
      deleted: false,
    });
    expect(Math.abs(Number(created.create_time) - Date.now() / 1000)).toBeLessThan(60);

    await waitFor(
      'the one-shot callback',
      () => Promise.resolve(received.length > 0 ? true : undefined),
      20_000,
    );
    expect(received.map((r) => r.body)).toEqual([body]);
    // Fired at its second (give or take the clock tick), not before and not much later.
    expect(received[0]?.at).toBeGreaterThanOrEqual(fireAt * 1000 - 1000);
    expect(received[0]?.at).toBeLessThan(fireAt * 1000 + 15_000);
    const ran = await waitFor(
      'run_count 1',
      async () => {
        const task = await xcron.queryTask(oneShot);
        return task.run_count === 1 ? task : undefined;
      },
      10_000,
    );
    expect(ran.deleted).toBe(false);

    const { taskId: periodic } = await xcron.createTask({
      type: XcronType.PERIODIC,
      format: '0 0 12 1 1 ?',
      callback: { url: receiverUrl },
    });
    expect(await xcron.queryTask(periodic)).toMatchObject({
      task_id: periodic,
      type: XcronType.PERIODIC,
      format: '0 0 12 1 1 ?',
      run_count: 0,
      callback: { url: receiverUrl, body: {} },
      deleted: false,
    });

    await xcron.deleteTask(periodic);
    expect((await xcron.queryTask(periodic)).deleted).toBe(true);
    await expect(xcron.deleteTask(periodic)).resolves.toBeUndefined(); // deleting again: a no-op
    await xcron.deleteTask(oneShot);
    expect((await xcron.queryTask(oneShot)).deleted).toBe(true);

    expect(await refusal(xcron.queryTask('no-such-task'))).toMatchObject({
      status: 404,
      xcronCode: XcronCode.TASK_NOT_FOUND,
    });
  }, 120_000);
});
