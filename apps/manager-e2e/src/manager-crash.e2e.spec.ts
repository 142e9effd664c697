import { RunningState } from '@chaconne/contracts';
import { chaconneBody, queryDatabase, sleep, waitFor } from '@chaconne/testing';
import { Redis } from 'ioredis';
import {
  adminPost,
  newStack,
  type ProcessHandle,
  startManager,
  startWorkerRuntime,
  tearDown,
} from './support/processes';

/**
 * Two managers share one database and one Redis prefix; 1,000 one-shot jobs fall due in the
 * same 2-second window and manager 1 is killed with SIGKILL while they fire. Every job must
 * still run exactly once: fires manager 1 held are redelivered by BullMQ to manager 2 once
 * their lock expires (10 s lock, stalled check every 5 s), and the run's unique key (job, planned
 * time, attempt) keeps a redelivered fire from creating a second run.
 *
 * The workers talk to manager 2: a worker has one manager URL, and one pointed at the
 * killed manager could neither beat nor report, so its runs would be lost and retried
 * (attempt 1), which is the worker-loss case, not this one.
 */
const JOBS = 1_000;
const BATCH = 50;
/** Occurrences are spread over this window (20 slots, 100 ms apart). */
const WINDOW_MS = 2_000;
/** Start dates this far ahead of the first persist, so persisting ends before the first is due. */
const LEAD_MS = 20_000;
const KILL_AFTER_DUE_MS = 300;

const stack = newStack();
const jobName = (i: number): string => `crash${String(i).padStart(4, '0')}`;
let manager1: { handle: ProcessHandle; url: string } | undefined;
let manager2: { handle: ProcessHandle; url: string } | undefined;
const workers: { handle: ProcessHandle; url: string }[] = [];

beforeAll(async () => {
  [manager1, manager2] = await Promise.all([startManager(stack), startManager(stack)]);
  const survivor = manager2;
  for (let i = 0; i < 2; i++) workers.push(await startWorkerRuntime(stack, survivor.url, 'nest'));
  await Promise.all(
    workers.map((worker) =>
      survivor.handle.waitForLine(
        new RegExp(`registered \\S+ \\(demo-cluster/demo-worker\\) at ${worker.url.replace(/\./g, '\\.')} `),
        30_000,
      ),
    ),
  );
}, 90_000);

afterAll(async () => {
  await tearDown(stack, workers, [manager1, manager2]);
}, 60_000);

/** BullMQ's 'stalled' events of the fire queue: fires taken back from a dead manager. */
async function stalledFires(): Promise<number> {
  const redis = new Redis(stack.redisUrl);
  try {
    const entries = await redis.xrange(`${stack.prefix}:fire:events`, '-', '+');
    return entries.filter(([, fields]) => fields[0] === 'event' && fields[1] === 'stalled').length;
  } finally {
    await redis.quit();
  }
}

it('runs each of 1,000 one-shot jobs exactly once although a manager is killed while they fire', async () => {
  if (!manager1 || !manager2) throw new Error('managers not started');
  const [m1, m2] = [manager1, manager2];
  const persistStart = Date.now();
  const firstDue = persistStart + LEAD_MS;
  const dueOf = (i: number): number => firstDue + (i % 20) * (WINDOW_MS / 20);

  // Persisting is spread over both managers, in parallel batches.
  for (let from = 0; from < JOBS; from += BATCH) {
    const answers = await Promise.all(
      Array.from({ length: Math.min(BATCH, JOBS - from) }, (_, k) => {
        const i = from + k;
        return adminPost(stack, i % 2 === 0 ? m1.url : m2.url, '/job/admin/persistJob', {
          ...chaconneBody(jobName(i), 'FlakyJob'),
          attachment: '{}',
          trigger: { triggerType: 0, startDate: dueOf(i) },
        });
      }),
    );
    const refused = answers.filter((a) => a.status !== 200);
    expect(refused.map((a) => `${a.status}: ${a.body.msg}`)).toEqual([]);
  }
  const persistedAt = Date.now();
  console.info(
    `manager-crash: ${JOBS} jobs persisted in ${((persistedAt - persistStart) / 1000).toFixed(1)} s`,
  );
  // The scenario needs every job stored before the first one is due.
  expect(persistedAt).toBeLessThan(firstDue - 1_000);

  await sleep(firstDue + KILL_AFTER_DUE_MS - Date.now());
  m1.handle.child.kill('SIGKILL');
  const killedAt = Date.now();
  expect(await m1.handle.waitForExit(5_000)).toEqual({ code: null, signal: 'SIGKILL' });
  const createdByKill = await queryDatabase<{ n: number }>(
    stack.mysqlUrl,
    `SELECT COUNT(*) AS n FROM chac_job_run r JOIN chac_job_detail d ON d.job_id = r.job_id
      WHERE d.job_name LIKE 'crash%' AND r.created_at <= ?`,
    [new Date(killedAt)],
  );

  // Settled: every job has an ended run and none is RUNNING. A fire stalled on the dead
  // manager comes back after its lock (10 s) and a stalled check (every 5 s).
  const settledAt = await waitFor(
    `all ${JOBS} jobs to have an outcome`,
    async () => {
      const [row] = await queryDatabase<{ ended: string | null; running: string | null }>(
        stack.mysqlUrl,
        `SELECT SUM(r.running_state <> ?) AS ended, SUM(r.running_state = ?) AS running
           FROM chac_job_run r JOIN chac_job_detail d ON d.job_id = r.job_id WHERE d.job_name LIKE 'crash%'`,
        [RunningState.RUNNING, RunningState.RUNNING],
      );
      return Number(row?.ended) >= JOBS && Number(row?.running) === 0 ? Date.now() : undefined;
    },
    120_000,
    1_000,
  );

  // The kill interrupted fires: BullMQ hands them back to manager 2 as stalled once manager
  // 1's locks expire (10 s) and a stalled check runs (every 5 s). Without any, the test
  // would not have exercised a crash at all. Their second processing must not add runs.
  const stalled = await waitFor(
    'fires stalled on the dead manager to be handed back',
    async () => {
      const count = await stalledFires();
      return count > 0 ? count : undefined;
    },
    60_000,
    1_000,
  );
  await sleep(3_000);

  // mysql2 answers COUNT as a number and SUM (a DECIMAL) as a string.
  const perJob = await queryDatabase<{ job_name: string; runs: number; completed_first: string | null }>(
    stack.mysqlUrl,
    `SELECT d.job_name, COUNT(r.run_id) AS runs,
            SUM(r.running_state = ? AND r.attempt = 0) AS completed_first
       FROM chac_job_detail d LEFT JOIN chac_job_run r ON r.job_id = d.job_id
      WHERE d.job_name LIKE 'crash%' GROUP BY d.job_name ORDER BY d.job_name`,
    [RunningState.COMPLETED],
  );
  expect(perJob).toHaveLength(JOBS);
  const missing = perJob.filter((j) => j.runs === 0).map((j) => j.job_name);
  const duplicated = perJob.filter((j) => j.runs > 1).map((j) => j.job_name);
  const notCompleted = perJob.filter((j) => Number(j.completed_first) !== 1).map((j) => j.job_name);
  expect({ missing, duplicated, notCompleted }).toEqual({ missing: [], duplicated: [], notCompleted: [] });
  const [{ running } = { running: -1 }] = await queryDatabase<{ running: number }>(
    stack.mysqlUrl,
    'SELECT COUNT(*) AS running FROM chac_job_run WHERE running_state = ?',
    [RunningState.RUNNING],
  );
  expect(running).toBe(0);

  // How the survivor recovered them: runs created only once a fire came back (BullMQ's lock
  // outlives the kill by 15 s at least), and runs sent long after they were created
  // (claimed by manager 1, sent by manager 2 once the fire came back).
  const [paths] = await queryDatabase<{
    late_created: string | null;
    late_sent: string | null;
    last_finished: Date | null;
  }>(
    stack.mysqlUrl,
    `SELECT SUM(r.created_at > ?) AS late_created,
            SUM(TIMESTAMPDIFF(MICROSECOND, r.created_at, r.dispatched_at) > 10000000) AS late_sent,
            MAX(r.finished_at) AS last_finished
       FROM chac_job_run r JOIN chac_job_detail d ON d.job_id = r.job_id WHERE d.job_name LIKE 'crash%'`,
    [new Date(killedAt + 15_000)],
  );
  console.info(
    `manager-crash: ${Number(createdByKill[0]?.n)} runs existed at the kill; ${stalled} fires redelivered as stalled; ` +
      `${Number(paths?.late_created)} runs created > 15 s after the kill, ${Number(paths?.late_sent)} sent > 10 s after creation; ` +
      `last run ended ${(((paths?.last_finished?.getTime() ?? killedAt) - killedAt) / 1000).toFixed(1)} s after the kill, ` +
      `settled (seen) ${((settledAt - killedAt) / 1000).toFixed(1)} s after it`,
  );
}, 240_000);
