import { RunningState } from '@chaconne/contracts';
import { chaconneBody, queryDatabase, sleep, waitFor } from '@chaconne/testing';
import {
  adminPost,
  newStack,
  type ProcessHandle,
  startManager,
  startWorkerRuntime,
  tearDown,
} from './support/processes';

/**
 * Misfires after a full outage: the only manager is killed with SIGKILL for 10 s, then
 * started again on the same port (the worker has one manager URL). SIGKILL rather than
 * SIGTERM: nothing gets to tidy up, and each per-second schedule keeps its next fire as a
 * delayed BullMQ job in Redis, which the restarted manager receives ~10 s late (more than
 * the 5 s misfire threshold), so the job's misfire policy decides:
 * - DO_NOTHING: the late fire is recorded as one SKIPPED run ('misfire: ...') standing for
 *   every occurrence of the outage; nothing of the outage runs, and the schedule resumes at
 *   one run per second (no burst).
 * - FIRE_ONCE_NOW: the late fire runs, once; the schedule then resumes at one per second.
 * - One-shot jobs due in the outage: with startDeadlineSeconds 2 the fire is too late and
 *   recorded SKIPPED; without a start deadline it runs once after the restart.
 * The scenario runs once (beforeAll, ~25 s); each test reads its part of the run rows.
 */
const PER_POLICY = 10;
const OUTAGE_MS = 10_000;
/** How long the schedules run after the restart before the runs are read. */
const AFTER_RESTART_MS = 6_000;

const stack = newStack();
type Policy = 'nothing' | 'once';
const cronName = (policy: Policy, i: number): string => `misfire-${policy}-${i}`;
const ONESHOT_DEADLINE = 'misfire-oneshot-deadline';
const ONESHOT_PLAIN = 'misfire-oneshot-plain';
const handles: ProcessHandle[] = [];

interface RunRow {
  job_name: string;
  planned_at: Date;
  attempt: number;
  running_state: number;
  reason: string | null;
  created_at: Date;
  dispatched_at: Date | null;
}

/** What the scenario observed: the outage window and every run of the file's jobs. */
const seen = { killedAt: 0, restartedAt: 0, readOutAt: 0, oneShotDue: 0, runs: [] as RunRow[] };

async function persist(managerUrl: string, body: unknown): Promise<void> {
  const answer = await adminPost(stack, managerUrl, '/job/admin/persistJob', body);
  if (answer.status !== 200) throw new Error(`persistJob answered ${answer.status}: ${answer.body.msg}`);
}

/** How many of the per-second jobs have a run planned at `second`. */
async function ticksAt(second: number): Promise<number> {
  const rows = await queryDatabase<{ n: number }>(
    stack.mysqlUrl,
    `SELECT COUNT(*) AS n FROM chac_job_run r JOIN chac_job_detail d ON d.job_id = r.job_id
      WHERE d.job_name LIKE 'misfire-%' AND r.planned_at = ?`,
    [new Date(second)],
  );
  return Number(rows[0]?.n);
}

beforeAll(async () => {
  const first = await startManager(stack);
  handles.push(first.handle);
  const worker = await startWorkerRuntime(stack, first.url, 'nest');
  handles.push(worker.handle);
  await first.handle.waitForLine(/registered \S+ \(demo-cluster\/demo-worker\)/, 30_000);

  await Promise.all(
    (['nothing', 'once'] as const).flatMap((policy) =>
      Array.from({ length: PER_POLICY }, (_, i) =>
        persist(first.url, {
          ...chaconneBody(cronName(policy, i), 'FlakyJob', '* * * * * ?'),
          attachment: '{}',
          overlapPolicy: 'ALLOW',
          misfirePolicy: policy === 'nothing' ? 'DO_NOTHING' : 'FIRE_ONCE_NOW',
        }),
      ),
    ),
  );
  // ~3 s of normal running: every schedule has completed runs.
  await waitFor(
    'every per-second job to complete 3 runs',
    async () => {
      const rows = await queryDatabase<{ n: number }>(
        stack.mysqlUrl,
        `SELECT COUNT(*) AS n FROM (SELECT r.job_id FROM chac_job_run r JOIN chac_job_detail d ON d.job_id = r.job_id
          WHERE d.job_name LIKE 'misfire-%' AND r.running_state = ? GROUP BY r.job_id HAVING COUNT(*) >= 3) x`,
        [RunningState.COMPLETED],
      );
      return Number(rows[0]?.n) === 2 * PER_POLICY ? true : undefined;
    },
    20_000,
    250,
  );

  // Two one-shot jobs due ~4 s from now: a few seconds into the outage.
  seen.oneShotDue = Math.ceil((Date.now() + 4_000) / 1000) * 1000;
  await persist(first.url, {
    ...chaconneBody(ONESHOT_DEADLINE, 'FlakyJob'),
    attachment: '{}',
    trigger: { triggerType: 0, startDate: seen.oneShotDue },
    startDeadlineSeconds: 2,
  });
  await persist(first.url, {
    ...chaconneBody(ONESHOT_PLAIN, 'FlakyJob'),
    attachment: '{}',
    trigger: { triggerType: 0, startDate: seen.oneShotDue },
  });

  // Kill mid-second, once every schedule has handled the current second: each then holds
  // its next second's fire as a delayed job, so the first fire missed is after the kill.
  seen.killedAt = await waitFor(
    'a mid-second moment with every current tick handled',
    async () => {
      const now = Date.now();
      const second = now - (now % 1000);
      if (now - second < 300 || now - second > 700) return undefined;
      if ((await ticksAt(second)) !== 2 * PER_POLICY || Date.now() - second > 800) return undefined;
      first.handle.child.kill('SIGKILL');
      return Date.now();
    },
    10_000,
    50,
  );
  await first.handle.waitForExit(5_000);

  await sleep(seen.killedAt + OUTAGE_MS - Date.now());
  seen.restartedAt = Date.now();
  const port = new URL(first.url).port;
  handles.push((await startManager(stack, { CHACONNE_PORT: port })).handle);

  await sleep(AFTER_RESTART_MS);
  seen.readOutAt = Date.now();
  seen.runs = await queryDatabase<RunRow>(
    stack.mysqlUrl,
    `SELECT d.job_name, r.planned_at, r.attempt, r.running_state, r.reason, r.created_at, r.dispatched_at
       FROM chac_job_run r JOIN chac_job_detail d ON d.job_id = r.job_id
      WHERE d.job_name LIKE 'misfire-%' ORDER BY d.job_name, r.planned_at, r.attempt`,
  );
  console.info(
    `misfire: killed ${seen.killedAt % 1000} ms into a second, restarted ${((seen.restartedAt - seen.killedAt) / 1000).toFixed(1)} s later; ` +
      `${seen.runs.length} runs read ${((seen.readOutAt - seen.restartedAt) / 1000).toFixed(1)} s after the restart`,
  );
}, 90_000);

afterAll(async () => {
  await tearDown(stack, ...[...handles].reverse());
}, 60_000);

const runsOf = (name: string): RunRow[] => seen.runs.filter((r) => r.job_name === name);
const inOutage = (r: RunRow): boolean =>
  r.planned_at.getTime() >= seen.killedAt && r.planned_at.getTime() <= seen.restartedAt;
const afterRestart = (r: RunRow): boolean => r.planned_at.getTime() > seen.restartedAt;
const isMisfire = (r: RunRow): boolean =>
  r.running_state === RunningState.SKIPPED && (r.reason ?? '').startsWith('misfire');
const names = (policy: Policy): string[] => Array.from({ length: PER_POLICY }, (_, i) => cronName(policy, i));

/** After the restart: one occurrence per second, each a second after the previous, no burst. */
function expectOnePerSecond(name: string): void {
  const after = runsOf(name).filter(afterRestart);
  const seconds = after.map((r) => r.planned_at.getTime());
  const gaps = seconds.slice(1).map((t, k) => t - (seconds[k] ?? t));
  expect({ name, irregularGaps: gaps.filter((g) => g !== 1000) }).toEqual({ name, irregularGaps: [] });
  expect({ name, attempts: [...new Set(after.map((r) => r.attempt))] }).toEqual({ name, attempts: [0] });
  // At least 3 of the ~6 seconds observed, never more occurrences than seconds elapsed.
  expect(after.length).toBeGreaterThanOrEqual(3);
  expect(after.length).toBeLessThanOrEqual(Math.ceil((seen.readOutAt - seen.restartedAt) / 1000) + 1);
}

it('the outage and the one-shot due date are what the scenario needs', () => {
  expect(seen.restartedAt - seen.killedAt).toBeGreaterThanOrEqual(OUTAGE_MS);
  expect(seen.oneShotDue).toBeGreaterThan(seen.killedAt);
  expect(seen.oneShotDue).toBeLessThan(seen.restartedAt);
});

it('DO_NOTHING: one SKIPPED misfire run stands for the outage, nothing of it runs, then one run per second', () => {
  for (const name of names('nothing')) {
    const outage = runsOf(name).filter(inOutage);
    expect({ name, outage: outage.map((r) => [r.running_state, r.dispatched_at]) }).toEqual({
      name,
      outage: [[RunningState.SKIPPED, null]],
    });
    expect(outage[0]?.reason).toMatch(
      /^misfire: \d+ occurrences from .* missed their start deadline \(5 s\); policy DO_NOTHING$/,
    );
    expect(runsOf(name).filter(isMisfire)).toHaveLength(1);
    expectOnePerSecond(name);
  }
});

it('FIRE_ONCE_NOW: exactly one catch-up run of the outage, completed after the restart, then one run per second', () => {
  for (const name of names('once')) {
    const outage = runsOf(name).filter(inOutage);
    expect({ name, outage: outage.map((r) => [r.running_state, r.reason]) }).toEqual({
      name,
      outage: [[RunningState.COMPLETED, null]],
    });
    expect(outage[0]?.created_at.getTime()).toBeGreaterThanOrEqual(seen.restartedAt);
    expect(runsOf(name).filter(isMisfire)).toEqual([]);
    expectOnePerSecond(name);
  }
});

it('every occurrence after the restart runs: each run but the newest two completed', () => {
  const failed = [...names('nothing'), ...names('once')].flatMap((name) =>
    runsOf(name)
      .filter(afterRestart)
      .slice(0, -2)
      .filter((r) => r.running_state !== RunningState.COMPLETED)
      .map((r) => `${name} ${r.planned_at.toISOString()}: ${r.running_state} ${r.reason ?? ''}`),
  );
  expect(failed).toEqual([]);
});

it('a one-shot job due in the outage with startDeadlineSeconds 2 is SKIPPED as a misfire and never runs', () => {
  const runs = runsOf(ONESHOT_DEADLINE);
  expect(runs.map((r) => [r.planned_at.getTime(), r.attempt, r.running_state, r.dispatched_at])).toEqual([
    [seen.oneShotDue, 0, RunningState.SKIPPED, null],
  ]);
  expect(runs[0]?.reason).toMatch(
    /^misfire: could not start within 2 s of its planned time \(\d+ ms late\)$/,
  );
});

it('a one-shot job due in the outage without a start deadline runs once after the restart', () => {
  const runs = runsOf(ONESHOT_PLAIN);
  expect(runs.map((r) => [r.planned_at.getTime(), r.attempt, r.running_state, r.reason])).toEqual([
    [seen.oneShotDue, 0, RunningState.COMPLETED, null],
  ]);
  expect(runs[0]?.dispatched_at?.getTime()).toBeGreaterThanOrEqual(seen.restartedAt);
});
