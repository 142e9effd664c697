import {
  BackoffPolicy,
  type JobRuntimeDetail,
  type JobStackTrace,
  type JobTrace,
  RunningState,
} from '@chaconne/contracts';
import { sleep, waitFor } from '@chaconne/testing';
import {
  adminPost,
  demoJobKey,
  tearDown,
  jobTraces,
  newStack,
  persistOnDemandJob,
  type ProcessHandle,
  runLogs,
  startDemoWorker,
  startManager,
  triggerJob,
} from './support/processes';

/**
 * NonRetryableError end to end: a manager process and the demo worker process. A job with 3
 * retries whose handler throws NonRetryableError runs once: FAILED with the error, no second
 * attempt, onFailure called once. The same job throwing a plain Error is retried to its last
 * attempt (the control), onFailure called once, on that attempt.
 */
const stack = newStack();
let manager: { handle: ProcessHandle; url: string } | undefined;
let worker: { handle: ProcessHandle; url: string } | undefined;

/** The retries' wait: fixed and short, so "no retry" is observed over several of them. */
const BACKOFF_MS = 500;
const FAILING = '{"failUntilAttempt": 99}';
const FAILING_FOR_GOOD = '{"failUntilAttempt": 99, "nonRetryable": true}';

beforeAll(async () => {
  manager = await startManager(stack);
  worker = await startDemoWorker(stack, manager.url);
  await manager.handle.waitForLine(/registered .*demo-cluster\/demo-worker/, 30_000);
}, 90_000);

afterAll(async () => {
  await tearDown(stack, worker, manager);
});

function managerUrl(): string {
  if (!manager) throw new Error('manager not started');
  return manager.url;
}

/**
 * An on-demand FlakyJob with 3 retries and a fixed backoff; answers its key. The attachment
 * is the job's own: a retry runs with the stored one, not with a triggerJob override.
 */
async function flakyJob(jobName: string, attachment: string) {
  const jobKey = demoJobKey('demo-worker', jobName, 'FlakyJob');
  await persistOnDemandJob(stack, managerUrl(), jobKey, {
    attachment,
    retries: 3,
    retryBackoff: { policy: BackoffPolicy.FIXED, delayMs: BACKOFF_MS, jitter: false },
  });
  return jobKey;
}

const byAttempt = (traces: JobTrace[]): JobTrace[] => [...traces].sort((a, b) => a.attempt - b.attempt);

async function runtime(jobKey: ReturnType<typeof demoJobKey>): Promise<JobRuntimeDetail> {
  const res = await adminPost<JobRuntimeDetail>(
    stack,
    managerUrl(),
    '/job/admin/getJobRuntimeDetail',
    jobKey,
  );
  if (res.status !== 200) throw new Error(`getJobRuntimeDetail answered ${res.status}: ${res.body.msg}`);
  return res.body.data;
}

/** Waits until run `traceId`'s log has its onFailure line (logs ship apart from the report). */
function waitForGaveUp(jobKey: ReturnType<typeof demoJobKey>, traceId: number): Promise<string[]> {
  return waitFor(
    `the onFailure line of run ${traceId}`,
    async () => {
      const lines = await runLogs(stack, managerUrl(), jobKey, traceId);
      return lines.some((l) => l.startsWith('FlakyJob gave up')) ? lines : undefined;
    },
    10_000,
  );
}

it('runs a job throwing NonRetryableError once: FAILED with the error, no retry, onFailure once', async () => {
  const jobKey = await flakyJob('failsForGood', FAILING_FOR_GOOD);
  const runId = await triggerJob(stack, managerUrl(), jobKey);
  const failed = await waitFor(
    `the outcome of run ${runId}`,
    async () =>
      (await jobTraces(stack, managerUrl(), jobKey)).find(
        (t) => t.traceId === runId && t.runningState !== RunningState.RUNNING,
      ),
    15_000,
  );
  expect(failed).toMatchObject({
    attempt: 0,
    runningState: RunningState.FAILED,
    reason: 'FlakyJob: failing attempt 0',
    failed: 1,
  });
  const stackTrace = await adminPost<JobStackTrace[]>(stack, managerUrl(), '/job/admin/selectJobStackTrace', {
    jobKey,
    traceId: runId,
  });
  expect(stackTrace.body.data[0]?.stackTrace).toBe('NonRetryableError: FlakyJob: failing attempt 0');

  // Six backoffs later there is still one run: no second attempt was planned or sent.
  await sleep(6 * BACKOFF_MS);
  expect((await jobTraces(stack, managerUrl(), jobKey)).map((t) => [t.traceId, t.attempt])).toEqual([
    [runId, 0],
  ]);
  // The job saw one final failure; the worker called onFailure once, on that attempt.
  expect(await runtime(jobKey)).toMatchObject({
    lastRunningState: RunningState.FAILED,
    consecutiveFailures: 1,
  });
  const lines = await waitForGaveUp(jobKey, runId);
  expect(lines.filter((l) => l.startsWith('FlakyJob gave up'))).toEqual([
    'FlakyJob gave up after attempt 0: FlakyJob: failing attempt 0',
  ]);
}, 30_000);

it('retries the same job throwing a plain Error to its last attempt (the control), onFailure on the last only', async () => {
  const jobKey = await flakyJob('failsAndRetries', FAILING);
  const runId = await triggerJob(stack, managerUrl(), jobKey);
  const attempts = await waitFor(
    'four failed attempts',
    async () => {
      const traces = await jobTraces(stack, managerUrl(), jobKey);
      return traces.length === 4 && traces.every((t) => t.runningState === RunningState.FAILED)
        ? byAttempt(traces)
        : undefined;
    },
    20_000,
  );
  expect(attempts.map((t) => [t.attempt, t.firstTraceId, t.reason])).toEqual([
    [0, null, 'FlakyJob: failing attempt 0'],
    [1, runId, 'FlakyJob: failing attempt 1'],
    [2, runId, 'FlakyJob: failing attempt 2'],
    [3, runId, 'FlakyJob: failing attempt 3'],
  ]);
  // Each retry waited for its backoff after the attempt before it.
  for (const [previous, next] of attempts.slice(1).map((t, i) => [attempts[i], t] as const)) {
    const ended = Date.parse(previous?.completionTime ?? '');
    expect(Date.parse(next.executionTime ?? '') - ended).toBeGreaterThanOrEqual(BACKOFF_MS - 50);
  }
  expect(await runtime(jobKey)).toMatchObject({ consecutiveFailures: 1 });
  const last = attempts[3];
  if (!last) throw new Error('no last attempt');
  expect((await waitForGaveUp(jobKey, last.traceId)).filter((l) => l.startsWith('FlakyJob gave up'))).toEqual(
    ['FlakyJob gave up after attempt 3: FlakyJob: failing attempt 3'],
  );
  for (const early of attempts.slice(0, 3)) {
    const lines = await runLogs(stack, managerUrl(), jobKey, early.traceId);
    expect(lines.some((l) => l.startsWith('FlakyJob gave up'))).toBe(false);
  }
}, 40_000);
