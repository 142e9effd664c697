import { type Page, RunningState } from '@chaconne/contracts';
import { chaconneBody, postJson } from '@chaconne/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DateTime } from 'luxon';
import { StatRollup } from '../../src/modules/statistics/stat-rollup.service';
import type { JobStat, JobStatByJob, JobStatCounts, JobStatDetail, JobStateCount } from '@chaconne/contracts';
import { adminPost, closeAndCleanUp, startManagerApp, testConfig } from '../support/test-env';

/**
 * A manager time zone where it is about noon now: "today" cannot roll over while the file
 * runs, and the zone is (usually) not UTC, so the tests see that days follow the configured
 * zone. Etc/GMT signs are inverted: Etc/GMT-5 is UTC+05:00.
 */
function zoneAtNoon(): string {
  const offset = 12 - new Date().getUTCHours();
  if (offset === 0) return 'UTC';
  return offset > 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`;
}

const config = testConfig({ CHACONNE_TIMEZONE: zoneAtNoon() });
let app: NestFastifyApplication;
let baseUrl: string;

/** Today in the configured zone, computed as the service does. */
const today = DateTime.now().setZone(config.timeZone).startOf('day');
const thisMonth = today.startOf('month');

type JobName = 'A' | 'B' | 'C' | 'D';
/** A and D: demo-cluster/demo-worker; B: demo-cluster/other-worker; C: other-cluster/demo-worker. */
const KEYS: Record<JobName, { clusterName: string; groupName: string }> = {
  A: { clusterName: 'demo-cluster', groupName: 'demo-worker' },
  B: { clusterName: 'demo-cluster', groupName: 'other-worker' },
  C: { clusterName: 'other-cluster', groupName: 'demo-worker' },
  D: { clusterName: 'demo-cluster', groupName: 'demo-worker' },
};
const jobIds = {} as Record<JobName, number>;

interface RunRecord {
  job: JobName;
  day: DateTime;
  state: RunningState;
  attempt: number;
}

const { COMPLETED, FAILED, SKIPPED, FINISHED, RUNNING } = RunningState;
const RUNS: RunRecord[] = [
  // Today: A 3 completed (one a retry) and 1 failed; a run still RUNNING counts nowhere.
  { job: 'A', day: today, state: COMPLETED, attempt: 0 },
  { job: 'A', day: today, state: COMPLETED, attempt: 0 },
  { job: 'A', day: today, state: FAILED, attempt: 0 },
  { job: 'A', day: today, state: COMPLETED, attempt: 1 },
  { job: 'A', day: today, state: RUNNING, attempt: 0 },
  { job: 'A', day: today.minus({ days: 2 }), state: SKIPPED, attempt: 0 },
  // The first day of the 30-day window, and the day before it.
  { job: 'A', day: today.minus({ days: 29 }), state: FINISHED, attempt: 0 },
  { job: 'A', day: today.minus({ days: 30 }), state: COMPLETED, attempt: 0 },
  // The previous month (at least 14 days back), the first day of the 3-month window, and the
  // last day before it.
  { job: 'A', day: thisMonth.minus({ months: 1 }).set({ day: 15 }), state: FAILED, attempt: 1 },
  { job: 'A', day: thisMonth.minus({ months: 2 }), state: COMPLETED, attempt: 0 },
  { job: 'A', day: thisMonth.minus({ months: 2 }).minus({ days: 1 }), state: FAILED, attempt: 0 },
  { job: 'B', day: today, state: FAILED, attempt: 2 },
  { job: 'B', day: today.minus({ days: 1 }), state: COMPLETED, attempt: 0 },
  ...Array.from({ length: 5 }, (): RunRecord => ({ job: 'C', day: today, state: COMPLETED, attempt: 0 })),
];

/** Planned at 01:00 + i minutes local (in the past: it is about noon), started 5 minutes later. */
const plannedAt = (run: RunRecord, i: number): Date => run.day.set({ hour: 1, minute: i }).toJSDate();
const executedAt = (run: RunRecord, i: number): Date => new Date(plannedAt(run, i).getTime() + 5 * 60_000);

/** The expected counters of the runs that pass `keep`: the oracle for exact comparisons. */
function expectedCounts(keep: (run: RunRecord) => boolean): JobStatCounts {
  const counted = RUNS.filter((run) => run.state !== RUNNING && keep(run));
  const of = (state: RunningState) => counted.filter((run) => run.state === state).length;
  return {
    completedCount: of(COMPLETED),
    failedCount: of(FAILED),
    skippedCount: of(SKIPPED),
    finishedCount: of(FINISHED),
    retryCount: counted.filter((run) => run.attempt > 0).length,
  };
}

const ZERO: JobStatCounts = {
  completedCount: 0,
  failedCount: 0,
  skippedCount: 0,
  finishedCount: 0,
  retryCount: 0,
};
const iso = (day: DateTime) => day.toFormat('yyyy-MM-dd');
const of =
  (...jobs: JobName[]) =>
  (run: RunRecord) =>
    jobs.includes(run.job);

function lastDaysOf(days: number): string[] {
  return Array.from({ length: days }, (_, i) => iso(today.minus({ days: days - 1 - i })));
}

function expectedByDay(days: number, ...jobs: JobName[]): JobStatDetail[] {
  return lastDaysOf(days).map((day) => ({
    executionDate: day,
    ...expectedCounts((run) => jobs.includes(run.job) && iso(run.day) === day),
  }));
}

const stat = <T>(path: string, body: unknown) => adminPost<T>(baseUrl, config, `/job/admin/${path}`, body);

/** The index in RUNS of the latest counted run that passes `keep` (runs later in RUNS start later on a day). */
function latest(keep: (run: RunRecord) => boolean): { run: RunRecord; index: number } {
  let found: { run: RunRecord; index: number } | undefined;
  for (const [index, run] of RUNS.entries()) {
    if (run.state === RUNNING || !keep(run)) continue;
    if (!found || executedAt(run, index) > executedAt(found.run, found.index)) found = { run, index };
  }
  if (!found) throw new Error('no such run');
  return found;
}

beforeAll(async () => {
  ({ app, baseUrl } = await startManagerApp(config));
  for (const job of Object.keys(KEYS) as JobName[]) {
    const res = await adminPost<number>(baseUrl, config, '/job/admin/persistJob', {
      ...chaconneBody(`stat-${job}`),
      jobKey: { ...KEYS[job], jobName: `stat-${job}`, jobClassName: 'EtlJob' },
      trigger: { triggerType: 0 },
    });
    if (res.status !== 200) throw new Error(`persistJob ${job}: ${JSON.stringify(res.body)}`);
    jobIds[job] = res.body.data;
  }
  // All at once, as outcomes arrive under load: they are stored together, several per row.
  const rollup = app.get(StatRollup);
  await Promise.all(
    RUNS.map((run, i) =>
      rollup.record(jobIds[run.job], plannedAt(run, i), run.state, run.attempt, executedAt(run, i)),
    ),
  );
});

afterAll(() => closeAndCleanUp(config, app));

describe('selectJobStatByDay', () => {
  it('answers one zero-filled row per day of the last 30 days in the manager zone, oldest first', async () => {
    const res = await stat<JobStatDetail[]>('selectJobStatByDay', { clusterName: 'demo-cluster' });
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    const rows = res.body.data;
    expect(rows).toHaveLength(30);
    expect(rows[0]?.executionDate).toBe(iso(today.minus({ days: 29 })));
    expect(rows[29]).toEqual({
      executionDate: iso(today),
      completedCount: 3,
      failedCount: 2,
      skippedCount: 0,
      finishedCount: 0,
      retryCount: 2,
    });
    expect(rows[28]).toEqual({ executionDate: iso(today.minus({ days: 1 })), ...ZERO, completedCount: 1 });
    expect(rows[27]).toEqual({ executionDate: iso(today.minus({ days: 2 })), ...ZERO, skippedCount: 1 });
    expect(rows[0]).toMatchObject({ finishedCount: 1 });
    // The day before the window (today - 30) is not in it; days without runs are zeros.
    expect(rows).toEqual(expectedByDay(30, 'A', 'B', 'D'));
    const busy = new Set(RUNS.map((run) => iso(run.day)));
    for (const row of rows.filter((r) => !busy.has(r.executionDate))) {
      expect(row).toEqual({ executionDate: row.executionDate, ...ZERO });
    }
  });

  it('honours lastDays, including the boundary day just outside the default window', async () => {
    const one = await stat<JobStatDetail[]>('selectJobStatByDay', {
      clusterName: 'demo-cluster',
      lastDays: 1,
    });
    expect(one.body.data).toEqual([
      {
        executionDate: iso(today),
        completedCount: 3,
        failedCount: 2,
        skippedCount: 0,
        finishedCount: 0,
        retryCount: 2,
      },
    ]);
    const wider = await stat<JobStatDetail[]>('selectJobStatByDay', {
      clusterName: 'demo-cluster',
      lastDays: 31,
    });
    expect(wider.body.data).toHaveLength(31);
    expect(wider.body.data[0]?.completedCount).toBeGreaterThanOrEqual(1);
    expect(wider.body.data).toEqual(expectedByDay(31, 'A', 'B', 'D'));
    const year = await stat<JobStatDetail[]>('selectJobStatByDay', { lastDays: 366 });
    expect(year.body.data).toHaveLength(366);
    expect(year.body.data).toEqual(expectedByDay(366, 'A', 'B', 'C', 'D'));
  });

  it('filters by group (groupName or Chaconne applicationName), job and cluster', async () => {
    const byGroup = await stat<JobStatDetail[]>('selectJobStatByDay', {
      clusterName: 'demo-cluster',
      groupName: 'demo-worker',
    });
    const byApplication = await stat<JobStatDetail[]>('selectJobStatByDay', {
      clusterName: 'demo-cluster',
      applicationName: 'demo-worker',
      groupName: '',
    });
    expect(byGroup.body.data).toEqual(expectedByDay(30, 'A', 'D'));
    expect(byApplication.body.data).toEqual(byGroup.body.data);
    expect(byGroup.body.data[29]).toEqual({
      executionDate: iso(today),
      completedCount: 3,
      failedCount: 1,
      skippedCount: 0,
      finishedCount: 0,
      retryCount: 1,
    });

    // The group name alone spans clusters: A and C.
    const groupOnly = await stat<JobStatDetail[]>('selectJobStatByDay', { applicationName: 'demo-worker' });
    expect(groupOnly.body.data[29]).toMatchObject({ completedCount: 8, failedCount: 1, retryCount: 1 });

    const jobB = await stat<JobStatDetail[]>('selectJobStatByDay', { jobId: jobIds.B, lastDays: 3 });
    expect(jobB.body.data).toEqual([
      { executionDate: iso(today.minus({ days: 2 })), ...ZERO },
      { executionDate: iso(today.minus({ days: 1 })), ...ZERO, completedCount: 1 },
      { executionDate: iso(today), ...ZERO, failedCount: 1, retryCount: 1 },
    ]);

    const other = await stat<JobStatDetail[]>('selectJobStatByDay', {
      clusterName: 'other-cluster',
      lastDays: 2,
    });
    expect(other.body.data).toEqual([
      { executionDate: iso(today.minus({ days: 1 })), ...ZERO },
      { executionDate: iso(today), ...ZERO, completedCount: 5 },
    ]);
  });

  it('answers zeros, not 404, for a job id or cluster that does not exist', async () => {
    const unknownJob = await stat<JobStatDetail[]>('selectJobStatByDay', { jobId: 999_999, lastDays: 7 });
    expect(unknownJob.status).toBe(200);
    expect(unknownJob.body.data).toEqual(lastDaysOf(7).map((day) => ({ executionDate: day, ...ZERO })));
    const unknownCluster = await stat<JobStatDetail[]>('selectJobStatByDay', { clusterName: 'nowhere' });
    expect(unknownCluster.body.data).toEqual(lastDaysOf(30).map((day) => ({ executionDate: day, ...ZERO })));
  });

  it('is served under /job/manager too', async () => {
    const res = await adminPost<JobStatDetail[]>(baseUrl, config, '/job/manager/selectJobStatByDay', {
      clusterName: 'demo-cluster',
      lastDays: 1,
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([
      {
        executionDate: iso(today),
        completedCount: 3,
        failedCount: 2,
        skippedCount: 0,
        finishedCount: 0,
        retryCount: 2,
      },
    ]);
  });
});

describe('selectJobStatByMonth', () => {
  it('answers the current month and the two before, zero-filled, without older months', async () => {
    const res = await stat<JobStatDetail[]>('selectJobStatByMonth', { clusterName: 'demo-cluster' });
    expect(res.status).toBe(200);
    const months = [2, 1, 0].map((back) => thisMonth.minus({ months: back }));
    expect(res.body.data.map((row) => row.executionDate)).toEqual(months.map((m) => m.toFormat('yyyy-MM')));
    expect(res.body.data).toEqual(
      months.map((month) => ({
        executionDate: month.toFormat('yyyy-MM'),
        ...expectedCounts((run) => run.job !== 'C' && run.day.hasSame(month, 'month')),
      })),
    );
    // The oldest month holds A's run on its first day and nothing from the month before it.
    expect(res.body.data[0]?.completedCount).toBeGreaterThanOrEqual(1);
    const inWindow = res.body.data.reduce((sum, row) => sum + row.failedCount, 0);
    expect(inWindow).toBe(3); // A today, A on the 15th of last month, B today; not the older one.

    const unknown = await stat<JobStatDetail[]>('selectJobStatByMonth', { jobId: 999_999 });
    expect(unknown.body.data).toEqual(months.map((m) => ({ executionDate: m.toFormat('yyyy-MM'), ...ZERO })));

    const other = await stat<JobStatDetail[]>('selectJobStatByMonth', { clusterName: 'other-cluster' });
    expect(other.body.data[2]).toEqual({
      executionDate: thisMonth.toFormat('yyyy-MM'),
      ...ZERO,
      completedCount: 5,
    });
  });
});

describe('selectJobStatById', () => {
  it('pages per-job totals ordered by job id, leaving out jobs without runs', async () => {
    const first = await stat<Page<JobStatByJob>>('selectJobStatById', {
      clusterName: 'demo-cluster',
      size: 1,
    });
    expect(first.status).toBe(200);
    expect(first.body.data).toMatchObject({ page: 1, size: 1, rows: 2, nextPage: 2 });
    expect(first.body.data.content).toEqual([
      {
        jobId: jobIds.A,
        jobKey: {
          clusterName: 'demo-cluster',
          groupName: 'demo-worker',
          jobName: 'stat-A',
          jobClassName: 'EtlJob',
        },
        completedCount: 5,
        failedCount: 3,
        skippedCount: 1,
        finishedCount: 1,
        retryCount: 2,
        lastExecutionTime: expect.any(String) as unknown,
      },
    ]);
    const second = await stat<Page<JobStatByJob>>('selectJobStatById', {
      clusterName: 'demo-cluster',
      page: 2,
      size: 1,
    });
    expect(second.body.data).toMatchObject({ page: 2, size: 1, rows: 2, nextPage: null });
    expect(second.body.data.content).toEqual([
      {
        jobId: jobIds.B,
        jobKey: {
          clusterName: 'demo-cluster',
          groupName: 'other-worker',
          jobName: 'stat-B',
          jobClassName: 'EtlJob',
        },
        completedCount: 1,
        failedCount: 1,
        skippedCount: 0,
        finishedCount: 0,
        retryCount: 1,
        lastExecutionTime: expect.any(String) as unknown,
      },
    ]);
    const beyond = await stat<Page<JobStatByJob>>('selectJobStatById', {
      clusterName: 'demo-cluster',
      page: 3,
      size: 1,
    });
    expect(beyond.body.data).toEqual({ page: 3, size: 1, rows: 2, nextPage: null, content: [] });

    const all = await stat<Page<JobStatByJob>>('selectJobStatById', {});
    expect(all.body.data).toMatchObject({ page: 1, size: 10, rows: 3, nextPage: null });
    expect(all.body.data.content.map((row) => row.jobId)).toEqual([jobIds.A, jobIds.B, jobIds.C]);
  });

  it('limits the totals to a range of days in the manager zone', async () => {
    const lastA = latest(of('A'));
    const res = await stat<Page<JobStatByJob>>('selectJobStatById', {
      clusterName: 'demo-cluster',
      startDate: iso(today.minus({ days: 2 })),
      endDate: iso(today),
    });
    expect(res.body.data).toMatchObject({ rows: 2, nextPage: null });
    expect(res.body.data.content).toEqual([
      expect.objectContaining({
        jobId: jobIds.A,
        completedCount: 3,
        failedCount: 1,
        skippedCount: 1,
        finishedCount: 0,
        retryCount: 1,
        lastExecutionTime: executedAt(lastA.run, lastA.index).toISOString(),
      }),
      expect.objectContaining({ jobId: jobIds.B, completedCount: 1, failedCount: 1, retryCount: 1 }),
    ]);

    // An instant is filed under its day in the manager zone: 00:30 today there may be
    // yesterday in UTC, and still means today.
    const sinceToday = await stat<Page<JobStatByJob>>('selectJobStatById', {
      clusterName: 'demo-cluster',
      startDate: today.set({ minute: 30 }).toUTC().toISO(),
    });
    expect(sinceToday.body.data.content).toEqual([
      expect.objectContaining({
        jobId: jobIds.A,
        completedCount: 3,
        failedCount: 1,
        skippedCount: 0,
        retryCount: 1,
      }),
      expect.objectContaining({ jobId: jobIds.B, completedCount: 0, failedCount: 1, retryCount: 1 }),
    ]);

    const before = await stat<Page<JobStatByJob>>('selectJobStatById', {
      clusterName: 'demo-cluster',
      endDate: today.minus({ days: 1 }).toMillis(),
      startDate: iso(today.minus({ days: 1 })),
    });
    expect(before.body.data.content).toEqual([
      expect.objectContaining({ jobId: jobIds.B, completedCount: 1, failedCount: 0, retryCount: 0 }),
    ]);

    const other = await stat<Page<JobStatByJob>>('selectJobStatById', { clusterName: 'other-cluster' });
    expect(other.body.data).toMatchObject({ rows: 1, nextPage: null });
    expect(other.body.data.content).toEqual([
      expect.objectContaining({ jobId: jobIds.C, completedCount: 5 }),
    ]);
  });
});

describe('selectJobStateCount', () => {
  const counts = (scheduling: number): JobStateCount[] => [
    { jobState: 0, displayJobState: 'NOT_SCHEDULED', jobCount: 0 },
    { jobState: 1, displayJobState: 'SCHEDULING', jobCount: scheduling },
    { jobState: 2, displayJobState: 'RUNNING', jobCount: 0 },
    { jobState: 3, displayJobState: 'PAUSED', jobCount: 0 },
    { jobState: 4, displayJobState: 'FINISHED', jobCount: 0 },
    { jobState: 10, displayJobState: 'FROZEN', jobCount: 0 },
  ];

  it('counts jobs in every state of the cluster, zeros included', async () => {
    const demo = await stat<JobStateCount[]>('selectJobStateCount', { clusterName: 'demo-cluster' });
    expect(demo.status).toBe(200);
    expect(demo.body.data).toEqual(counts(3));
    expect(
      (await stat<JobStateCount[]>('selectJobStateCount', { clusterName: 'other-cluster' })).body.data,
    ).toEqual(counts(1));
    expect((await stat<JobStateCount[]>('selectJobStateCount', {})).body.data).toEqual(counts(4));
    expect(
      (await stat<JobStateCount[]>('selectJobStateCount', { clusterName: 'nowhere' })).body.data,
    ).toEqual(counts(0));
  });
});

describe('selectJobStat', () => {
  it('sums all days and counts the matching jobs, whether they ran or not', async () => {
    const last = latest(of('A', 'B', 'D'));
    const demo = await stat<JobStat>('selectJobStat', { clusterName: 'demo-cluster' });
    expect(demo.status).toBe(200);
    expect(demo.body.data).toEqual({
      jobCount: 3,
      completedCount: 6,
      failedCount: 4,
      skippedCount: 1,
      finishedCount: 1,
      retryCount: 3,
      lastExecutionTime: executedAt(last.run, last.index).toISOString(),
    });
    expect(demo.body.data).toMatchObject(expectedCounts(of('A', 'B', 'D')));

    const all = await stat<JobStat>('selectJobStat', {});
    expect(all.body.data).toMatchObject({ jobCount: 4, ...expectedCounts(() => true), completedCount: 11 });

    const jobA = await stat<JobStat>('selectJobStat', { clusterName: 'demo-cluster', jobId: jobIds.A });
    expect(jobA.body.data).toMatchObject({ jobCount: 1, ...expectedCounts(of('A')) });

    const idle = await stat<JobStat>('selectJobStat', { jobId: jobIds.D });
    expect(idle.body.data).toEqual({ jobCount: 1, ...ZERO, lastExecutionTime: null });

    const unknown = await stat<JobStat>('selectJobStat', { jobId: 999_999 });
    expect(unknown.status).toBe(200);
    expect(unknown.body.data).toEqual({ jobCount: 0, ...ZERO, lastExecutionTime: null });
  });
});

describe('validation and authentication', () => {
  it.each([
    ['selectJobStatByDay', { lastDays: 0 }, 'lastDays'],
    ['selectJobStatByDay', { lastDays: 367 }, 'lastDays'],
    ['selectJobStatByDay', { lastDays: 'ten' }, 'lastDays'],
    ['selectJobStatByMonth', { jobId: 'x' }, 'jobId'],
    ['selectJobStat', { clusterName: 42 }, 'clusterName'],
    ['selectJobStat', { groupName: 'a', applicationName: 'b' }, 'applicationName'],
    ['selectJobStat', { address: '10.0.0.1:8080' }, 'address'],
    ['selectJobStatById', { page: 0 }, 'page'],
    ['selectJobStatById', { size: 5000 }, 'size'],
    ['selectJobStatById', { startDate: 'last tuesday' }, 'startDate'],
    ['selectJobStatById', { startDate: '2026-02-02', endDate: '2026-02-01' }, 'endDate'],
    ['selectJobStateCount', { clusterName: 'x'.repeat(65) }, 'clusterName'],
  ])('%s refuses %j with 400 naming %s', async (path, body, field) => {
    const res = await stat<null>(path, body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ success: false, code: 'VALIDATION_FAILED', data: null });
    expect(res.body.errors?.map((e) => e.field)).toEqual([field]);
    expect(res.body.errors?.every((e) => e.reason.length > 3)).toBe(true);
  });

  it.each([
    'selectJobStatByDay',
    'selectJobStatByMonth',
    'selectJobStatById',
    'selectJobStateCount',
    'selectJobStat',
  ])('%s needs the admin token', async (path) => {
    for (const prefix of ['/job/admin/', '/job/manager/']) {
      const res = await postJson<null>(baseUrl, prefix + path, {});
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ success: false, code: 'UNAUTHORIZED' });
    }
  });
});

describe('roll-up', () => {
  it('stores the counts recorded together with one that cannot be stored (its job is gone), each on its own', async () => {
    const res = await adminPost<number>(baseUrl, config, '/job/admin/persistJob', {
      ...chaconneBody('stat-E'),
      jobKey: {
        clusterName: 'rollup-cluster',
        groupName: 'demo-worker',
        jobName: 'stat-E',
        jobClassName: 'EtlJob',
      },
      trigger: { triggerType: 0 },
    });
    expect(res.status).toBe(200);
    const jobE = res.body.data;
    const rollup = app.get(StatRollup);
    const at = today.set({ hour: 2 }).toJSDate();
    const results = await Promise.allSettled([
      rollup.record(jobE, at, COMPLETED, 0, at),
      rollup.record(jobE, at, COMPLETED, 0, at),
      rollup.record(999_999_999, at, COMPLETED, 0, at),
      rollup.record(jobE, at, FAILED, 1, at),
      rollup.record(jobE, at, RUNNING, 0, at),
    ]);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    const stored = await stat<JobStat>('selectJobStat', { jobId: jobE });
    expect(stored.body.data).toEqual({
      jobCount: 1,
      completedCount: 2,
      failedCount: 1,
      skippedCount: 0,
      finishedCount: 0,
      retryCount: 1,
      lastExecutionTime: at.toISOString(),
    });
  });
});
