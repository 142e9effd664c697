import { RunningState, TriggerType } from '@chaconne/contracts';
import { queryDatabase, waitFor } from '@chaconne/testing';
import {
  demoJobKey,
  jobTraces,
  newStack,
  persistOnDemandJob,
  type ProcessHandle,
  runLogs,
  startManager,
  startWorkerRuntimes,
  triggerJob,
  WORKER_RUNTIMES,
  type WorkerRuntime,
  waitForJobDetail,
  waitForOutcome,
  tearDown,
} from './support/processes';

/**
 * The same demo jobs served by three runtimes of the SDK, each a real process in its own
 * group: NestJS (`ChaconneWorkerModule`), Express (`chaconneExpress`) and plain node:http
 * (`createWorker().listen()`). Each registers, runs its code-defined cron job on schedule,
 * its ManagedJob/Job on demand and a dynamic job, with log lines and onSuccess hooks.
 */
const stack = newStack();
let manager: { handle: ProcessHandle; url: string } | undefined;
let workers = new Map<WorkerRuntime, { handle: ProcessHandle; url: string }>();

/** Each runtime's code-defined ManagedJob or Job, and what its onSuccess hook logs. */
const cases: { runtime: WorkerRuntime; codeJob: string; codeJobName: string; onSuccess: RegExp }[] = [
  {
    runtime: 'nest',
    codeJob: 'HealthCheckJob',
    codeJobName: 'healthCheckJob',
    onSuccess: /^HealthCheckJob's return value is: [0-9a-f-]{36}$/,
  },
  {
    runtime: 'express',
    codeJob: 'HealthCheckJob',
    codeJobName: 'healthCheckJob',
    onSuccess: /^HealthCheckJob's return value is: [0-9a-f-]{36}$/,
  },
  { runtime: 'http', codeJob: 'HelloWorldJob', codeJobName: 'helloWorldJob', onSuccess: /^Hello World!$/ },
];

beforeAll(async () => {
  manager = await startManager(stack);
  workers = await startWorkerRuntimes(
    stack,
    manager,
    cases.map((c) => c.runtime),
  );
}, 60_000);

afterAll(async () => {
  await tearDown(stack, [...workers.values()], manager);
});

/** The manager of this file's stack (started in beforeAll). */
function managerUrl(): string {
  if (!manager) throw new Error('manager not started');
  return manager.url;
}

describe.each(cases)('the $runtime runtime', ({ runtime, codeJob, codeJobName, onSuccess }) => {
  const group = WORKER_RUNTIMES[runtime].groupName;
  const key = (jobName: string, jobClassName: string) => demoJobKey(group, jobName, jobClassName);

  /** The instance ids registered in this runtime's group (one process). */
  async function instancesOfGroup(): Promise<string[]> {
    const rows = await queryDatabase<{ instance_id: string }>(
      stack.mysqlUrl,
      'SELECT instance_id FROM chac_worker_instance WHERE group_name = ? AND state = 0',
      [group],
    );
    return rows.map((r) => r.instance_id);
  }

  it(`registers in its own group (${group}) with its code-defined jobs`, async () => {
    expect(await instancesOfGroup()).toHaveLength(1);
    const cron = await waitForJobDetail(stack, managerUrl(), key('demoCronJob', 'DemoCronJob'));
    expect(cron.jobTriggerDetail.triggerType).toBe(TriggerType.CRON);
    const code = await waitForJobDetail(stack, managerUrl(), key(codeJobName, codeJob));
    expect(code.jobKey.groupName).toBe(group);
  });

  it('runs its @ChacJob cron job on schedule, with its log line and @OnSuccess line', async () => {
    const jobKey = key('demoCronJob', 'DemoCronJob');
    const run = await waitFor(
      `a scheduled COMPLETED run of DemoCronJob in ${group}`,
      async () =>
        (await jobTraces(stack, managerUrl(), jobKey)).find((t) => t.runningState === RunningState.COMPLETED),
      12_000,
    );
    expect(await instancesOfGroup()).toContain(run.instanceId);
    expect(await runLogs(stack, managerUrl(), jobKey, run.traceId)).toEqual([
      expect.stringMatching(/^DemoCronJob is running at: /),
      `DemoCronJob's return value is: ${run.result ?? ''}`,
    ]);
  }, 20_000);

  it(`runs its ${codeJob} on triggerJob, with its onSuccess line`, async () => {
    const jobKey = key(codeJobName, codeJob);
    const traceId = await triggerJob(stack, managerUrl(), jobKey);
    const trace = await waitForOutcome(stack, managerUrl(), jobKey, traceId, 10_000);
    expect(trace.runningState).toBe(RunningState.COMPLETED);
    expect(await instancesOfGroup()).toContain(trace.instanceId);
    expect(await runLogs(stack, managerUrl(), jobKey, traceId)).toContainEqual(
      expect.stringMatching(onSuccess),
    );
  }, 20_000);

  it('runs a dynamic EtlJob persisted through the admin API, with its log lines and onSuccess line', async () => {
    const jobKey = key('etl', 'EtlJob');
    await persistOnDemandJob(stack, managerUrl(), jobKey, { attachment: `{"runtime": "${runtime}"}` });
    const traceId = await triggerJob(stack, managerUrl(), jobKey);
    const trace = await waitForOutcome(stack, managerUrl(), jobKey, traceId, 10_000);
    expect(trace.runningState).toBe(RunningState.COMPLETED);
    expect(JSON.parse(trace.result ?? 'null')).toMatchObject({ parameter: { runtime } });
    const logs = await runLogs(stack, managerUrl(), jobKey, traceId);
    expect(logs[0]).toContain(`"groupName":"${group}"`);
    expect(logs.at(-1)).toMatch(/^EtlJob's return value is: /);
  }, 20_000);
});
