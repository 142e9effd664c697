import { JobState, RunningState, type JobKey, type JobRuntimeDetail } from '@chaconne/contracts';
import { chaconneBody, sleep, waitFor } from '@chaconne/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { adminPost, closeAndCleanUp, startManagerApp, testConfig, queuedTicks } from '../support/test-env';

const config = testConfig();
let app: NestFastifyApplication;
let baseUrl: string;
let dataSource: DataSource;
let seq = 0;

const { NOT_SCHEDULED: N, SCHEDULING: S, RUNNING: R, PAUSED: P, FINISHED: F, FROZEN: Z } = JobState;
const STATES = [N, S, R, P, F, Z] as const;
const CONFLICT = 'conflict';

/**
 * The expected answer of each lifecycle endpoint from each state: the new state, or a
 * 409 that reports the current one. Written out by hand, independently of the code.
 */
const EXPECTED: Record<string, Record<number, number | typeof CONFLICT>> = {
  //                 NOT_SCHEDULED  SCHEDULING  RUNNING     PAUSED      FINISHED    FROZEN
  pauseJob: { [N]: CONFLICT, [S]: P, [R]: P, [P]: P, [F]: CONFLICT, [Z]: CONFLICT },
  resumeJob: { [N]: CONFLICT, [S]: S, [R]: CONFLICT, [P]: S, [F]: CONFLICT, [Z]: CONFLICT },
  scheduleJob: { [N]: S, [S]: S, [R]: CONFLICT, [P]: CONFLICT, [F]: CONFLICT, [Z]: S },
  unscheduleJob: { [N]: N, [S]: N, [R]: N, [P]: N, [F]: CONFLICT, [Z]: N },
  finishJob: { [N]: F, [S]: CONFLICT, [R]: CONFLICT, [P]: CONFLICT, [F]: F, [Z]: CONFLICT },
  deleteJob: { [N]: F, [S]: F, [R]: F, [P]: F, [F]: F, [Z]: F },
};

/** A job that will not fire during the test, put straight into `state`. */
async function jobIn(state: number, cron = '0 0 0 1 1 ? 2099'): Promise<{ jobId: number; jobKey: JobKey }> {
  const body = chaconneBody(`life${++seq}`, 'EtlJob', cron);
  const res = await adminPost<number>(baseUrl, config, '/job/admin/persistJob', body);
  await dataSource.query('UPDATE chac_job_runtime_detail SET job_state = ? WHERE job_id = ?', [
    state,
    res.body.data,
  ]);
  return { jobId: res.body.data, jobKey: body.jobKey };
}

async function stateOf(jobId: number): Promise<number> {
  const rows = await dataSource.query<{ job_state: number }[]>(
    'SELECT job_state FROM chac_job_runtime_detail WHERE job_id = ?',
    [jobId],
  );
  return rows[0]?.job_state ?? -1;
}

async function runtimeOf(jobKey: JobKey): Promise<JobRuntimeDetail> {
  const res = await adminPost<JobRuntimeDetail>(baseUrl, config, '/job/admin/getJobRuntimeDetail', jobKey);
  if (res.status !== 200) throw new Error(`getJobRuntimeDetail answered ${res.status}: ${res.body.msg}`);
  return res.body.data;
}

async function scheduled(jobId: number): Promise<boolean> {
  return (await queuedTicks(config, jobId)).length > 0;
}

async function runsOf(
  jobId: number,
): Promise<{ running_state: number; reason: string | null; planned_at: Date }[]> {
  return dataSource.query(
    'SELECT running_state, reason, planned_at FROM chac_job_run WHERE job_id = ? ORDER BY planned_at',
    [jobId],
  );
}

beforeAll(async () => {
  ({ app, baseUrl } = await startManagerApp(config));
  dataSource = app.get(DataSource);
});

afterAll(() => closeAndCleanUp(config, app));

describe('state machine', () => {
  const cases = Object.entries(EXPECTED).flatMap(([endpoint, row]) =>
    STATES.map((from) => [endpoint, from, row[from]] as const),
  );
  const moves = cases.flatMap(([endpoint, from, to]) =>
    to === CONFLICT || to === undefined ? [] : [[endpoint, from, to] as const],
  );
  const conflicts = cases.flatMap(([endpoint, from, to]) =>
    to === CONFLICT ? [[endpoint, from] as const] : [],
  );

  it.each(moves)('%s from state %i answers the new state %i', async (endpoint, from, to) => {
    const { jobId, jobKey } = await jobIn(from);
    const res = await adminPost<number>(baseUrl, config, `/job/admin/${endpoint}`, jobKey);
    expect([res.status, res.body.data]).toEqual([200, to]);
    expect(await stateOf(jobId)).toBe(to);
  });

  it.each(conflicts)(
    '%s from state %i answers 409 with the current state and changes nothing',
    async (endpoint, from) => {
      const { jobId, jobKey } = await jobIn(from);
      const res = await adminPost<number>(baseUrl, config, `/job/admin/${endpoint}`, jobKey);
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ success: false, code: 'STATE_CONFLICT', details: { jobState: from } });
      expect(await stateOf(jobId)).toBe(from);
    },
  );

  it('keeps the Redis schedule in step: armed while active or paused, gone when unscheduled or finished', async () => {
    const { jobId, jobKey } = await jobIn(S);
    await adminPost(baseUrl, config, '/job/admin/pauseJob', jobKey);
    expect(await scheduled(jobId)).toBe(true);
    await adminPost(baseUrl, config, '/job/admin/unscheduleJob', jobKey);
    expect(await scheduled(jobId)).toBe(false);
    await adminPost(baseUrl, config, '/job/admin/scheduleJob', jobKey);
    expect(await scheduled(jobId)).toBe(true);
    await adminPost(baseUrl, config, '/job/admin/deleteJob', jobKey);
    expect(await scheduled(jobId)).toBe(false);
    expect(await stateOf(jobId)).toBe(F);
  });

  it.each([
    [S, P, 200, P],
    [P, S, 200, S],
    [N, S, 200, S],
    [N, F, 200, F],
    [S, F, 409, S],
    [S, R, 409, S],
    [S, Z, 409, S],
    [P, P, 200, P],
  ])('setJobState from %i to %i answers %i and leaves %i', async (from, target, status, after) => {
    const { jobId, jobKey } = await jobIn(from);
    const res = await adminPost<number>(baseUrl, config, '/job/admin/setJobState', {
      jobKey,
      jobState: target,
    });
    expect(res.status).toBe(status);
    expect(await stateOf(jobId)).toBe(after);
  });

  it('answers 404 for an unknown job and 400 for a bad JobKey, changing nothing', async () => {
    const unknown = await adminPost(baseUrl, config, '/job/admin/pauseJob', {
      clusterName: 'x',
      groupName: 'y',
      jobName: 'z',
      jobClassName: 'Q',
    });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'JOB_NOT_FOUND']);
    const bad = await adminPost(baseUrl, config, '/job/admin/pauseJob', {
      clusterName: 'x',
      groupName: '',
      jobName: 'z',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.map((e) => e.field).sort()).toEqual(['groupName', 'jobClassName']);
  });
});

describe('firing semantics', () => {
  it('keeps a paused job paused: its occurrences are recorded SKIPPED until it is resumed', async () => {
    const { jobId, jobKey } = await jobIn(S, '*/1 * * * * ?');
    await adminPost(baseUrl, config, '/job/admin/pauseJob', jobKey);
    const skipped = await waitFor(
      'two SKIPPED occurrences of the paused job',
      async () => {
        const runs = (await runsOf(jobId)).filter((r) => r.running_state === RunningState.SKIPPED);
        return runs.length >= 2 ? runs : undefined;
      },
      6_000,
    );
    // An occurrence already claimed ahead of its time when the pause came is cancelled before it starts.
    for (const run of skipped)
      expect(['job is paused', 'cancelled before start: job is paused']).toContain(run.reason);
    expect(await stateOf(jobId)).toBe(P);
    await adminPost(baseUrl, config, '/job/admin/resumeJob', jobKey);
    const resumedAt = Date.now();
    await waitFor(
      'an occurrence after the resume that is not skipped',
      async () =>
        (await runsOf(jobId)).some(
          (r) => r.planned_at.getTime() > resumedAt && r.running_state !== RunningState.SKIPPED,
        )
          ? true
          : undefined,
      6_000,
    );
    await adminPost(baseUrl, config, '/job/admin/deleteJob', jobKey);
  }, 20_000);

  it('finishes a job at its end date: the first occurrence after it is recorded FINISHED', async () => {
    const body = chaconneBody(`ending${++seq}`, 'EtlJob', '*/1 * * * * ?');
    const endDate = Date.now() + 2_500;
    const res = await adminPost<number>(baseUrl, config, '/job/admin/persistJob', {
      ...body,
      trigger: { ...body.trigger, endDate },
    });
    const jobId = res.body.data;
    await waitFor('the job to finish', async () => ((await stateOf(jobId)) === F ? true : undefined), 8_000);
    const runs = await runsOf(jobId);
    const finished = runs.filter((r) => r.running_state === RunningState.FINISHED);
    expect(finished).toHaveLength(1);
    expect(finished[0]?.reason).toMatch(/^end date .* has passed$/);
    expect(finished[0]!.planned_at.getTime()).toBeGreaterThan(endDate);
    expect(runs.filter((r) => r.planned_at.getTime() > endDate)).toHaveLength(1);
    expect(await scheduled(jobId)).toBe(false);
    expect((await runtimeOf(body.jobKey)).stateReason).toMatch(/^end date .* has passed$/);
  }, 15_000);

  it('finishes a job after repeatCount runs, with no run beyond them', async () => {
    const body = chaconneBody(`counted${++seq}`, 'EtlJob', '*/1 * * * * ?');
    const res = await adminPost<number>(baseUrl, config, '/job/admin/persistJob', {
      ...body,
      trigger: { ...body.trigger, repeatCount: 3 },
    });
    const jobId = res.body.data;
    await waitFor('the job to finish', async () => ((await stateOf(jobId)) === F ? true : undefined), 8_000);
    await sleep(1_500);
    const runs = await runsOf(jobId);
    expect(runs).toHaveLength(3);
    expect(runs.every((r) => r.running_state !== RunningState.FINISHED)).toBe(true);
    expect(await scheduled(jobId)).toBe(false);
    expect(await runtimeOf(body.jobKey)).toMatchObject({
      jobState: F,
      nextExecutionTime: null,
      stateReason: 'repeat count reached (3 occurrences)',
    });
  }, 15_000);

  it('finishes a one-shot job after its only occurrence, and says so in its runtime detail', async () => {
    const body = chaconneBody(`oneShot${++seq}`);
    const startDate = Date.now() + 1_500;
    const res = await adminPost<number>(baseUrl, config, '/job/admin/persistJob', {
      ...body,
      trigger: { triggerType: 0, startDate },
    });
    expect(res.status).toBe(200);
    const jobId = res.body.data;
    expect(await stateOf(jobId)).toBe(S);
    await waitFor(
      'the one-shot job to finish',
      async () => ((await stateOf(jobId)) === F ? true : undefined),
      8_000,
    );
    // Its only occurrence has its record (no worker runs here: FAILED, no worker available).
    const runs = await runsOf(jobId);
    expect(runs.map((r) => [r.planned_at.getTime(), r.running_state])).toEqual([
      [startDate, RunningState.FAILED],
    ]);
    expect(await runtimeOf(body.jobKey)).toMatchObject({
      jobState: F,
      nextExecutionTime: null,
      stateReason: `no further fire time: its only occurrence (${new Date(startDate).toISOString()}) has ended`,
    });
    const refused = await adminPost(baseUrl, config, '/job/admin/triggerJob', { jobKey: body.jobKey });
    expect([refused.status, refused.body.details]).toEqual([409, { jobState: F }]);
  }, 15_000);

  it('schedules a finished one-shot job again when its trigger gets a new start date; a deleted job stays deleted', async () => {
    const body = chaconneBody(`oneShotAgain${++seq}`);
    const firstStart = Date.now() + 1_000;
    const jobId = (
      await adminPost<number>(baseUrl, config, '/job/admin/persistJob', {
        ...body,
        trigger: { triggerType: 0, startDate: firstStart },
      })
    ).body.data;
    await waitFor(
      'the one-shot job to finish',
      async () => ((await stateOf(jobId)) === F ? true : undefined),
      8_000,
    );
    const secondStart = Date.now() + 1_000;
    const again = await adminPost<number>(baseUrl, config, '/job/admin/persistJob', {
      ...body,
      trigger: { triggerType: 0, startDate: secondStart },
    });
    expect([again.status, again.body.data]).toEqual([200, jobId]);
    expect(await runtimeOf(body.jobKey)).toMatchObject({ jobState: S, stateReason: null });
    await waitFor(
      'the second occurrence to end the job again',
      async () => ((await runsOf(jobId)).length === 2 && (await stateOf(jobId)) === F ? true : undefined),
      8_000,
    );
    expect((await runsOf(jobId)).map((r) => r.planned_at.getTime())).toEqual([firstStart, secondStart]);

    // An operator's delete is final: a trigger edit does not bring the job back.
    const deleted = chaconneBody(`deletedOneShot${++seq}`);
    const deletedId = (
      await adminPost<number>(baseUrl, config, '/job/admin/persistJob', {
        ...deleted,
        trigger: { triggerType: 0, startDate: Date.now() + 60_000 },
      })
    ).body.data;
    expect((await adminPost(baseUrl, config, '/job/admin/deleteJob', deleted.jobKey)).status).toBe(200);
    await adminPost(baseUrl, config, '/job/admin/persistJob', {
      ...deleted,
      trigger: { triggerType: 0, startDate: Date.now() + 30_000 },
    });
    expect(await stateOf(deletedId)).toBe(F);
    expect(await scheduled(deletedId)).toBe(false);
  }, 25_000);

  it('finishes a retried one-shot job after its final attempt, not before: the retry still runs', async () => {
    const body = chaconneBody(`oneShotRetried${++seq}`);
    const startDate = Date.now() + 1_500;
    const res = await adminPost<number>(baseUrl, config, '/job/admin/persistJob', {
      ...body,
      retries: 2,
      retryBackoff: { policy: 'FIXED', delayMs: 300, jitter: false },
      trigger: { triggerType: 0, startDate },
    });
    expect(res.status).toBe(200);
    const jobId = res.body.data;
    await waitFor(
      'the one-shot job to finish',
      async () => ((await stateOf(jobId)) === F ? true : undefined),
      10_000,
    );
    // Had the job finished with its first attempt, its retries would have ended SKIPPED "job is finished".
    const attempts = await dataSource.query<{ attempt: number; running_state: number; reason: string }[]>(
      'SELECT attempt, running_state, reason FROM chac_job_run WHERE job_id = ? ORDER BY attempt',
      [jobId],
    );
    expect(attempts.map((r) => [r.attempt, r.running_state, r.reason.slice(0, 19)])).toEqual([
      [0, RunningState.FAILED, 'no worker available'],
      [1, RunningState.FAILED, 'no worker available'],
      [2, RunningState.FAILED, 'no worker available'],
    ]);
    expect((await runtimeOf(body.jobKey)).stateReason).toMatch(/^no further fire time: its only occurrence/);
  }, 15_000);

  it('keeps an on-demand job (SIMPLE, no start date) SCHEDULING after its runs', async () => {
    const body = { ...chaconneBody(`onDemand${++seq}`), trigger: { triggerType: 0 } };
    const jobId = (await adminPost<number>(baseUrl, config, '/job/admin/persistJob', body)).body.data;
    const runId = (await adminPost<number>(baseUrl, config, '/job/admin/triggerJob', { jobKey: body.jobKey }))
      .body.data;
    await waitFor(
      `an outcome of run ${runId}`,
      async () =>
        (await runsOf(jobId)).every((r) => r.running_state !== RunningState.RUNNING) ? true : undefined,
      5_000,
    );
    expect(await runtimeOf(body.jobKey)).toMatchObject({ jobState: S, stateReason: null });
  });

  it('triggerJob runs an on-demand job now and answers its trace id; a finished job answers 409', async () => {
    const body = { ...chaconneBody(`manual${++seq}`), trigger: { triggerType: 0 } };
    const jobId = (await adminPost<number>(baseUrl, config, '/job/admin/persistJob', body)).body.data;
    const before = Date.now();
    const res = await adminPost<number>(baseUrl, config, '/job/admin/triggerJob', {
      jobKey: body.jobKey,
      attachment: '{"x":1}',
    });
    expect(res.status).toBe(200);
    const runs = await dataSource.query<
      { run_id: string; planned_at: Date; running_state: number; reason: string }[]
    >('SELECT run_id, planned_at, running_state, reason FROM chac_job_run WHERE job_id = ?', [jobId]);
    expect(runs.map((r) => Number(r.run_id))).toEqual([res.body.data]);
    expect(runs[0]!.planned_at.getTime()).toBeGreaterThanOrEqual(before - 5);
    // No worker is registered in this test: the run is recorded, not dropped.
    expect(runs[0]).toMatchObject({
      running_state: RunningState.FAILED,
      reason: expect.stringMatching(/^no worker available/) as string,
    });

    await adminPost(baseUrl, config, '/job/admin/deleteJob', body.jobKey);
    const refused = await adminPost(baseUrl, config, '/job/admin/triggerJob', { jobKey: body.jobKey });
    expect([refused.status, refused.body.details]).toEqual([409, { jobState: F }]);
  });
});

describe('queries', () => {
  it('answers hasJob, getJobId, hasJobState, trigger and runtime details, job keys and cluster names', async () => {
    const { jobId, jobKey } = await jobIn(S);
    const unknown = { ...jobKey, jobName: 'nope' };
    expect((await adminPost(baseUrl, config, '/job/admin/hasJob', jobKey)).body.data).toBe(true);
    expect((await adminPost(baseUrl, config, '/job/admin/hasJob', unknown)).body.data).toBe(false);
    expect((await adminPost(baseUrl, config, '/job/admin/getJobId', jobKey)).body.data).toBe(jobId);
    expect((await adminPost(baseUrl, config, '/job/admin/getJobId', unknown)).status).toBe(404);
    expect(
      (await adminPost(baseUrl, config, '/job/admin/hasJobState', { jobKey, jobState: S })).body.data,
    ).toBe(true);
    expect(
      (await adminPost(baseUrl, config, '/job/admin/hasJobState', { jobKey, jobState: P })).body.data,
    ).toBe(false);
    expect(
      (await adminPost(baseUrl, config, '/job/admin/getJobTriggerDetail', jobKey)).body.data,
    ).toMatchObject({
      jobId,
      triggerType: 1,
      repeatCount: -1,
    });
    const runtime = await adminPost<{ jobState: number; nextExecutionTime: string }>(
      baseUrl,
      config,
      '/job/admin/getJobRuntimeDetail',
      jobKey,
    );
    expect(runtime.body.data.jobState).toBe(S);
    expect(runtime.body.data.nextExecutionTime).toBe('2099-01-01T00:00:00.000Z');
    const keys = await adminPost<JobKey[]>(baseUrl, config, '/job/admin/getJobKeys', {
      clusterName: 'demo-cluster',
      triggerType: 1,
    });
    expect(keys.body.data).toContainEqual(jobKey);
    expect(
      (await adminPost<JobKey[]>(baseUrl, config, '/job/admin/getJobKeys', { triggerType: 2 })).body.data,
    ).toEqual([]);
    expect((await adminPost(baseUrl, config, '/job/admin/getJobKeys', { triggerType: 9 })).status).toBe(400);
    const clusters = await fetch(`${baseUrl}/job/admin/selectClusterNames`, {
      headers: { authorization: `Bearer ${config.adminToken ?? ''}` },
    });
    expect(((await clusters.json()) as { data: string[] }).data).toContain('demo-cluster');
    expect(
      (await adminPost(baseUrl, config, '/job/admin/getRelations', { jobKey, dependencyType: 0 })).body.data,
    ).toEqual([]);
    expect(
      (await adminPost(baseUrl, config, '/job/admin/hasRelations', { jobKey, dependencyType: 1 })).body.data,
    ).toBe(false);
    expect(
      (
        await adminPost(baseUrl, config, '/job/admin/getDependentKeys', {
          jobKey: unknown,
          dependencyType: 0,
        })
      ).status,
    ).toBe(404);
  });

  it('pages, filters and sorts selectJobDetail', async () => {
    const cluster = `list${++seq}`;
    for (const name of ['b-job', 'a-job', 'c-other']) {
      await adminPost(baseUrl, config, '/job/admin/persistJob', {
        ...chaconneBody(name),
        jobKey: { clusterName: cluster, groupName: 'g', jobName: name, jobClassName: 'X' },
      });
    }
    const page1 = await adminPost<{ rows: number; nextPage: number | null; content: { jobKey: JobKey }[] }>(
      baseUrl,
      config,
      '/job/admin/selectJobDetail',
      {
        clusterName: cluster,
        jobName: 'job',
        sort: 'jobName',
        order: 'asc',
        page: 1,
        size: 1,
      },
    );
    expect(page1.body.data.rows).toBe(2);
    expect(page1.body.data.nextPage).toBe(2);
    expect(page1.body.data.content.map((j) => j.jobKey.jobName)).toEqual(['a-job']);
    const page2 = await adminPost<{ nextPage: number | null; content: { jobKey: JobKey }[] }>(
      baseUrl,
      config,
      '/job/admin/selectJobDetail',
      {
        clusterName: cluster,
        jobName: 'job',
        sort: 'jobName',
        order: 'asc',
        page: 2,
        size: 1,
      },
    );
    expect(page2.body.data.content.map((j) => j.jobKey.jobName)).toEqual(['b-job']);
    expect(page2.body.data.nextPage).toBeNull();
    const paused = await adminPost<{ rows: number }>(baseUrl, config, '/job/admin/selectJobDetail', {
      clusterName: cluster,
      jobState: P,
    });
    expect(paused.body.data.rows).toBe(0);
    expect((await adminPost(baseUrl, config, '/job/admin/selectJobDetail', { size: 5000 })).status).toBe(400);
  });

  it('previews a trigger in its time zone and UTC, and explains an invalid one', async () => {
    const res = await adminPost<{ timeZone: string; fireTimes: { utc: string; local: string }[] }>(
      baseUrl,
      config,
      '/job/admin/previewTrigger',
      {
        trigger: {
          triggerType: 1,
          triggerDescription: { cron: { expression: '0 0 12 ? * 2' } },
          timeZone: 'Asia/Shanghai',
        },
        count: 3,
      },
    );
    expect(res.status).toBe(200);
    expect(res.body.data.timeZone).toBe('Asia/Shanghai');
    expect(res.body.data.fireTimes).toHaveLength(3);
    for (const time of res.body.data.fireTimes) {
      expect(time.local).toMatch(/T12:00:00\+08:00$/);
      expect(new Date(time.utc).getUTCDay()).toBe(1); // Monday noon in Shanghai is Monday 04:00 UTC
      expect(new Date(time.utc).getUTCHours()).toBe(4);
    }
    // From any instant: New York's fall-back night, where 01:30 happens twice and fires once (the first).
    const fallBack = {
      trigger: {
        triggerType: 1,
        triggerDescription: { cron: { expression: '0 30 1 * * ?' } },
        timeZone: 'America/New_York',
      },
      count: 3,
    };
    for (const from of ['2026-10-31T12:00:00Z', Date.parse('2026-10-31T12:00:00Z')]) {
      const across = await adminPost<{ fireTimes: { utc: string; local: string }[] }>(
        baseUrl,
        config,
        '/job/admin/previewTrigger',
        { ...fallBack, from },
      );
      expect(across.body.data.fireTimes).toEqual([
        { utc: '2026-11-01T05:30:00.000Z', local: '2026-11-01T01:30:00-04:00' },
        { utc: '2026-11-02T06:30:00.000Z', local: '2026-11-02T01:30:00-05:00' },
        { utc: '2026-11-03T06:30:00.000Z', local: '2026-11-03T01:30:00-05:00' },
      ]);
    }
    // Every 15 minutes runs by the clock: through both passes of the repeated 01:xx, EDT then EST.
    const byTheClock = await adminPost<{ fireTimes: { utc: string; local: string }[] }>(
      baseUrl,
      config,
      '/job/admin/previewTrigger',
      {
        trigger: { ...fallBack.trigger, triggerDescription: { cron: { expression: '0 */15 * * * ?' } } },
        count: 9,
        from: '2026-11-01T04:50:00Z',
      },
    );
    expect(byTheClock.body.data.fireTimes).toEqual([
      ...['-04:00', '-05:00'].flatMap((offset, pass) =>
        ['00', '15', '30', '45'].map((minute) => ({
          utc: `2026-11-01T0${5 + pass}:${minute}:00.000Z`,
          local: `2026-11-01T01:${minute}:00${offset}`,
        })),
      ),
      { utc: '2026-11-01T07:00:00.000Z', local: '2026-11-01T02:00:00-05:00' },
    ]);
    const badFrom = await adminPost(baseUrl, config, '/job/admin/previewTrigger', {
      ...fallBack,
      from: 'soon',
    });
    expect([badFrom.status, badFrom.body.errors?.[0]?.field]).toEqual([400, 'from']);
    const invalid = await adminPost(baseUrl, config, '/job/admin/previewTrigger', {
      trigger: { triggerType: 1, triggerDescription: { cron: { expression: '0 0 12 * * 2' } } },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors?.[0]?.field).toBe('trigger.triggerDescription.cron.expression');
    const never = await adminPost(baseUrl, config, '/job/admin/previewTrigger', {
      trigger: { triggerType: 1, triggerDescription: { cron: { expression: '0 0 0 30 2 ?' } } },
    });
    expect(never.status).toBe(400);
    expect(never.body.errors?.[0]?.reason).toMatch(/never fires/);
  });
});
