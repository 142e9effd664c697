import { JobState, RunningState, TriggerType } from '@chaconne/contracts';
import { waitFor } from '@chaconne/testing';
import {
  adminPost,
  demoJobKey,
  jobTraces,
  newStack,
  persistOnDemandJob,
  type ProcessHandle,
  runLogs,
  startDemoWorker,
  startManager,
  triggerJob,
  waitForJobDetail,
  waitForOutcome,
  tearDown,
} from './support/processes';

/**
 * Every job style of the Nest demo worker against a real manager: each is registered (or
 * persisted), runs to COMPLETED, ships its log lines and fires its onSuccess hook; then the
 * hooks and errors that change an outcome (shouldRun, JobTerminationError, a timeout).
 */
const stack = newStack();
let manager: { handle: ProcessHandle; url: string } | undefined;
let worker: { handle: ProcessHandle; url: string } | undefined;
const key = (jobName: string, jobClassName: string) => demoJobKey('demo-worker', jobName, jobClassName);

beforeAll(async () => {
  manager = await startManager(stack);
  worker = await startDemoWorker(stack, manager.url);
  await manager.handle.waitForLine(/registered \S+ \(demo-cluster\/demo-worker\)/, 30_000);
}, 60_000);

afterAll(async () => {
  await tearDown(stack, worker, manager);
});

/** The manager of this file's stack (started in beforeAll). */
function managerUrl(): string {
  if (!manager) throw new Error('manager not started');
  return manager.url;
}

/** Triggers the job now and answers its finished run with the run's log lines. */
async function runNow(jobKey: ReturnType<typeof key>, attachment?: string) {
  const traceId = await triggerJob(stack, managerUrl(), jobKey, attachment);
  const trace = await waitForOutcome(stack, managerUrl(), jobKey, traceId, 10_000);
  return { trace, logs: await runLogs(stack, managerUrl(), jobKey, traceId) };
}

describe('job styles on the Nest demo worker', () => {
  it('@ChacJob DemoCronJob: registered with its cron, runs on schedule, logs, fires @OnSuccess', async () => {
    const jobKey = key('demoCronJob', 'DemoCronJob');
    const detail = await waitForJobDetail(stack, managerUrl(), jobKey);
    expect(detail.jobTriggerDetail.triggerType).toBe(TriggerType.CRON);
    expect(JSON.parse(detail.jobTriggerDetail.triggerDescription)).toMatchObject({
      cron: { expression: '*/5 * * * * ?' },
    });
    // No API call: the schedule came with the registration.
    const run = await waitFor(
      'a scheduled COMPLETED run of DemoCronJob',
      async () =>
        (await jobTraces(stack, managerUrl(), jobKey)).find((t) => t.runningState === RunningState.COMPLETED),
      12_000,
    );
    const logs = await runLogs(stack, managerUrl(), jobKey, run.traceId);
    expect(logs).toEqual([
      expect.stringMatching(/^DemoCronJob is running at: \d{4}-/),
      `DemoCronJob's return value is: ${JSON.parse(run.result ?? 'null') as number}`,
    ]);
  }, 20_000);

  it('ManagedJob HealthCheckJob: registered from its getters, runs, logs memory, fires onSuccess', async () => {
    const jobKey = key('healthCheckJob', 'HealthCheckJob');
    const detail = await waitForJobDetail(stack, managerUrl(), jobKey);
    expect(detail.timeout).toBe(60_000);
    expect(JSON.parse(detail.jobTriggerDetail.triggerDescription)).toMatchObject({
      cron: { expression: '*/10 * * * * ?' },
    });
    const { trace, logs } = await runNow(jobKey);
    expect(trace.runningState).toBe(RunningState.COMPLETED);
    const uuid = JSON.parse(trace.result ?? 'null') as string;
    expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(logs).toEqual([
      expect.stringMatching(/^memory: [\d.]+ MB\/[\d.]+ MB heap, [\d.]+ MB rss$/),
      `HealthCheckJob's return value is: ${uuid}`,
    ]);
  }, 20_000);

  it('Job HelloWorldJob: registered as PERIODIC every 15 s at a fixed rate, returns "Hello World!"', async () => {
    const jobKey = key('helloWorldJob', 'HelloWorldJob');
    const detail = await waitForJobDetail(stack, managerUrl(), jobKey);
    expect(detail.retries).toBe(3);
    expect(detail.jobTriggerDetail.triggerType).toBe(TriggerType.PERIODIC);
    expect(JSON.parse(detail.jobTriggerDetail.triggerDescription)).toMatchObject({
      periodic: { period: 15, fixedRate: true },
    });
    const { trace, logs } = await runNow(jobKey);
    expect(trace.runningState).toBe(RunningState.COMPLETED);
    expect(JSON.parse(trace.result ?? 'null')).toBe('Hello World!');
    expect(logs).toEqual(['Hello World!']); // its onSuccess hook
  }, 20_000);

  it('NotManagedJob EtlJob: persisted through the admin API, runs, logs, fires onSuccess', async () => {
    const jobKey = key('etlOnDemand', 'EtlJob');
    await persistOnDemandJob(stack, managerUrl(), jobKey, { attachment: '{"initialParameter": "styles"}' });
    expect((await waitForJobDetail(stack, managerUrl(), jobKey)).attachment).toBe(
      '{"initialParameter": "styles"}',
    );
    const { trace, logs } = await runNow(jobKey);
    expect(trace.runningState).toBe(RunningState.COMPLETED);
    expect(JSON.parse(trace.result ?? 'null')).toMatchObject({ parameter: { initialParameter: 'styles' } });
    expect(logs[0]).toContain('Parameter: {"initialParameter": "styles"}');
    expect(logs).toContainEqual(expect.stringMatching(/^loaded \d+ rows$/));
    expect(logs.at(-1)).toMatch(/^EtlJob's return value is: \{"rows":\d+,/);
  }, 20_000);

  it('shouldRun: an odd minute is SKIPPED with the hook reason, an even one runs (after @Prepare)', async () => {
    const jobKey = key('evenMinuteJob', 'EvenMinuteJob');
    await waitForJobDetail(stack, managerUrl(), jobKey);
    const odd = await runNow(jobKey, '{"minute": 7}');
    expect(odd.trace.runningState).toBe(RunningState.SKIPPED);
    expect(odd.trace.reason).toBe('odd minute (7): EvenMinuteJob runs on even minutes only');
    expect(odd.logs).toEqual(['EvenMinuteJob prepares run ' + String(odd.trace.traceId) + ' (minute 7)']);

    const even = await runNow(jobKey, '{"minute": 8}');
    expect(even.trace.runningState).toBe(RunningState.COMPLETED);
    expect(even.logs).toEqual([
      `EvenMinuteJob prepares run ${even.trace.traceId} (minute 8)`,
      'EvenMinuteJob runs at minute 8',
      "EvenMinuteJob's return value is: 8",
    ]);
  }, 20_000);

  it('JobTerminationError: the run is FINISHED and the job FINISHED (state 4), never run again', async () => {
    const jobKey = key('terminating', 'TerminatingJob');
    await persistOnDemandJob(stack, managerUrl(), jobKey);
    const first = await runNow(jobKey, '{"terminate": false}');
    expect(first.trace.runningState).toBe(RunningState.COMPLETED);
    expect(first.logs).toEqual([
      'TerminatingJob: nothing to end yet',
      "TerminatingJob's return value is: continuing",
    ]);

    const last = await runNow(jobKey, '{"terminate": true}');
    expect(last.trace.runningState).toBe(RunningState.FINISHED);
    expect(last.trace.reason).toBe('terminated by its attachment {"terminate": true}');
    expect(last.logs).toEqual(['TerminatingJob: the attachment asks to end the job']); // no onSuccess/onFailure
    const detail = await waitFor(
      'the job to be FINISHED',
      async () => {
        const d = await waitForJobDetail(stack, managerUrl(), jobKey);
        return d.jobRuntime.jobState === JobState.FINISHED ? d : undefined;
      },
      5_000,
    );
    expect(detail.jobRuntime.jobState).toBe(4);
    const again = await adminPost(stack, managerUrl(), '/job/admin/triggerJob', { jobKey });
    expect(again.status).toBe(409);
  }, 20_000);

  it('timeout: a slow dynamic job persisted with timeout 1000 has its signal aborted and ends FAILED', async () => {
    const jobKey = key('slowWithTimeout', 'SlowJob');
    await persistOnDemandJob(stack, managerUrl(), jobKey, { timeout: 1000, attachment: '{"ms": 5000}' });
    const started = Date.now();
    const { trace, logs } = await runNow(jobKey);
    expect(Date.now() - started).toBeLessThan(4_500); // not the full 5 s
    expect(trace.runningState).toBe(RunningState.FAILED);
    expect(trace.reason).toBe('timeout after 1000 ms');
    expect(logs).toEqual([
      'SlowJob: working for 5000 ms',
      expect.stringMatching(/^SlowJob: signal aborted after \d+ ms: timeout after 1000 ms$/),
      'SlowJob failed: timeout after 1000 ms', // its onFailure hook
    ]);
  }, 20_000);
});
