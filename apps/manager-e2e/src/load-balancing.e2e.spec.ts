import { join } from 'node:path';
import { type JobKey, type JobPersistParameter, JobState, RunningState } from '@chaconne/contracts';
import { queryDatabase, sleep, waitFor } from '@chaconne/testing';
import {
  adminPost,
  demoJobKey,
  jobTraces,
  newStack,
  persistOnDemandJob,
  type ProcessHandle,
  runLogs,
  startManager,
  startWorkerRuntime,
  triggerJob,
  waitForJobDetail,
  waitForOutcome,
  tearDown,
} from './support/processes';

/**
 * Where runs go (issue 5), with real processes: one manager and three demo workers of the
 * group `demo-cluster/demo-worker`, started one after the other so their start order is
 * known: #0 weight 1 region=eu, #1 weight 2 region=eu, #2 weight 3 region=us. Every
 * scenario is an on-demand FlakyJob (a run that completes at once and says where it ran)
 * under its own job name, so each has its own cluster-wide balancing counter, with
 * overlapPolicy ALLOW so runs never skip each other. Runs are triggered one at a time and
 * counted per instance from chac_job_run. The last test kills worker #0.
 */
const stack = newStack();
/**
 * A CommonJS plugin module registering the `lastOne` load balancer and the `twoRunsEnough`
 * termination strategy (absolute: the manager resolves it from its cwd).
 */
const PLUGIN = join(__dirname, 'support', 'manager-plugin.cjs');
const WORKER_SPECS = [
  { weight: 1, region: 'eu' },
  { weight: 2, region: 'eu' },
  { weight: 3, region: 'us' },
] as const;

interface Worker {
  handle: ProcessHandle;
  url: string;
  instanceId: string;
}

let manager: { handle: ProcessHandle; url: string } | undefined;
const workers: Worker[] = [];

beforeAll(async () => {
  manager = await startManager(stack, { CHACONNE_PLUGINS: PLUGIN });
  // One after the other, each waiting for its registration: the start order is the stable
  // order (earliest started first) that FIRST, MASTER_STANDBY and `lastOne` rely on.
  for (const spec of WORKER_SPECS) {
    const started = await startWorkerRuntime(stack, manager.url, 'nest', {
      DEMO_WORKER_WEIGHT: String(spec.weight),
      DEMO_WORKER_LABELS: `region=${spec.region}`,
      // HelloWorldJob's schedule lives in code: a day keeps it out of the way.
      DEMO_HELLO_PERIOD_SECONDS: '86400',
    });
    const worker: Worker = { ...started, instanceId: '' };
    workers.push(worker);
    const line = await manager.handle.waitForLine(
      new RegExp(`registered \\S+ \\(demo-cluster/demo-worker\\) at ${escapeRegExp(started.url)}\\b`),
      30_000,
    );
    worker.instanceId = /registered (\S+) \(demo-cluster\/demo-worker\)/.exec(line)?.[1] ?? '';
  }
  // The demo worker's code-defined jobs (every 5 s, 10 s, minute) would add runs in flight
  // to the instances at random moments, which LEAST_ACTIVE counts: unschedule them.
  const codeDefined = await queryDatabase<{ job_name: string; job_class_name: string }>(
    stack.mysqlUrl,
    "SELECT job_name, job_class_name FROM chac_job_detail WHERE group_name = 'demo-worker'",
  );
  for (const job of codeDefined) {
    const res = await adminPost(
      stack,
      managerUrl(),
      '/job/admin/unscheduleJob',
      demoJobKey('demo-worker', job.job_name, job.job_class_name),
    );
    if (res.status !== 200) throw new Error(`unscheduleJob ${job.job_name} answered ${res.status}`);
  }
}, 120_000);

afterAll(async () => {
  await tearDown(stack, workers, manager);
});

function managerUrl(): string {
  if (!manager) throw new Error('manager not started');
  return manager.url;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function worker(index: number): Worker {
  const found = workers[index];
  if (!found) throw new Error(`worker #${index} not started`);
  return found;
}

/** Persists an on-demand FlakyJob (or another class) whose runs may overlap, with a run policy. */
async function persistJob(
  jobName: string,
  policy: Partial<JobPersistParameter>,
  jobClassName = 'FlakyJob',
): Promise<JobKey> {
  const jobKey = demoJobKey('demo-worker', jobName, jobClassName);
  await persistOnDemandJob(stack, managerUrl(), jobKey, { overlapPolicy: 'ALLOW', ...policy });
  return jobKey;
}

/** Triggers `count` runs one after the other (distinct, since each is a new occurrence); answers their ids. */
async function triggerMany(
  jobKey: JobKey,
  count: number,
  attachment?: (i: number) => string,
): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < count; i++) ids.push(await triggerJob(stack, managerUrl(), jobKey, attachment?.(i)));
  expect(new Set(ids).size).toBe(count);
  return ids;
}

interface RunRow {
  run_id: number;
  running_state: number;
  instance_id: string | null;
  address: string | null;
  reason: string | null;
}

/** The job's runs, oldest first, once `count` of them exist and none is RUNNING. */
function settledRuns(jobName: string, count: number, timeoutMs = 30_000): Promise<RunRow[]> {
  return waitFor(
    `${count} settled runs of ${jobName}`,
    async () => {
      const rows = await queryDatabase<RunRow>(
        stack.mysqlUrl,
        `SELECT r.run_id, r.running_state, r.instance_id, r.address, r.reason
           FROM chac_job_run r JOIN chac_job_detail d ON d.job_id = r.job_id
          WHERE d.job_name = ? ORDER BY r.run_id`,
        [jobName],
      );
      return rows.length === count && rows.every((r) => r.running_state !== RunningState.RUNNING)
        ? rows
        : undefined;
    },
    timeoutMs,
    200,
  );
}

/**
 * Runs per worker in start order, after checking every run COMPLETED on a known instance
 * whose recorded address is that instance's URL (so the mapping id -> process holds).
 */
function perWorker(runs: readonly RunRow[]): number[] {
  expect(runs.filter((r) => r.running_state !== RunningState.COMPLETED)).toEqual([]);
  const counts = workers.map(() => 0);
  for (const run of runs) {
    const index = workers.findIndex((w) => w.instanceId === run.instance_id);
    expect(index).toBeGreaterThanOrEqual(0);
    expect(run.address).toBe(worker(index).url);
    counts[index] = (counts[index] ?? 0) + 1;
  }
  return counts;
}

it('registers the three workers in start order with their weights and labels', async () => {
  const rows = await queryDatabase<{ instance_id: string; weight: number; labels: string }>(
    stack.mysqlUrl,
    "SELECT instance_id, weight, labels FROM chac_worker_instance WHERE group_name = 'demo-worker' ORDER BY started_at, instance_id",
  );
  expect(rows.map((r) => r.instance_id)).toEqual(workers.map((w) => w.instanceId));
  expect(rows.map((r) => [r.weight, JSON.parse(r.labels) as unknown])).toEqual(
    WORKER_SPECS.map((s) => [s.weight, { region: s.region }]),
  );
});

describe('LOAD_BALANCE', () => {
  it('ROUND_ROBIN: 60 runs -> exactly 20 per instance', async () => {
    // The job's counter (one Redis INCR per choice) takes the values 1..60 and picks
    // candidate counter % 3: a sequence of 60 gives each instance exactly 20.
    const jobKey = await persistJob('roundRobin', { loadBalancer: 'ROUND_ROBIN' });
    await triggerMany(jobKey, 60);
    expect(perWorker(await settledRuns('roundRobin', 60))).toEqual([20, 20, 20]);
  }, 60_000);

  it('ROUND_ROBIN: 30 concurrent triggers -> 30 runs, exactly 10 per instance', async () => {
    // Many clients at once: each triggerJob is its own run (overlap ALLOW), and the atomic
    // counter still takes the values 1..30, so the split stays exact.
    const jobKey = await persistJob('roundRobinConcurrent', { loadBalancer: 'ROUND_ROBIN' });
    const ids = await Promise.all(Array.from({ length: 30 }, () => triggerJob(stack, managerUrl(), jobKey)));
    expect(new Set(ids).size).toBe(30);
    expect(perWorker(await settledRuns('roundRobinConcurrent', 30))).toEqual([10, 10, 10]);
  }, 60_000);

  it('RANDOM: 90 runs -> every instance gets between 15 and 45', async () => {
    // Binomial(90, 1/3): mean 30, sd 4.5; [15, 45] is +-3.4 sd (P(outside) ~ 0.0005 per instance).
    const jobKey = await persistJob('random', { loadBalancer: 'RANDOM' });
    await triggerMany(jobKey, 90);
    const counts = perWorker(await settledRuns('random', 90));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(90);
    for (const count of counts) {
      expect(count).toBeGreaterThanOrEqual(15);
      expect(count).toBeLessThanOrEqual(45);
    }
  }, 60_000);

  it('WEIGHTED_RANDOM: 120 runs -> shares of roughly 1:2:3', async () => {
    // Expected 20/40/60 (sd 4.1/5.2/5.5); each band is about +-3.5 sd (P(outside) < 0.0004 each),
    // and the weight-3 instance beats the weight-1 one (a gap of ~4.9 sd).
    const jobKey = await persistJob('weightedRandom', { loadBalancer: 'WEIGHTED_RANDOM' });
    await triggerMany(jobKey, 120);
    const [w1 = 0, w2 = 0, w3 = 0] = perWorker(await settledRuns('weightedRandom', 120));
    expect(w1 + w2 + w3).toBe(120);
    expect(w1).toBeGreaterThanOrEqual(6);
    expect(w1).toBeLessThanOrEqual(36);
    expect(w2).toBeGreaterThanOrEqual(22);
    expect(w2).toBeLessThanOrEqual(58);
    expect(w3).toBeGreaterThanOrEqual(40);
    expect(w3).toBeLessThanOrEqual(80);
    expect(w3).toBeGreaterThan(w1);
  }, 60_000);

  it('WEIGHTED_ROUND_ROBIN: 60 runs -> 10/20/30 within +-2', async () => {
    // Counter n picks the weight slot holding frac(n * golden ratio): over 1..60 that is
    // exactly 10/20/30; +-2 leaves room should the counter not start at 1.
    const jobKey = await persistJob('weightedRoundRobin', { loadBalancer: 'WEIGHTED_ROUND_ROBIN' });
    await triggerMany(jobKey, 60);
    const counts = perWorker(await settledRuns('weightedRoundRobin', 60));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(60);
    [10, 20, 30].forEach((expected, i) => {
      expect(Math.abs((counts[i] ?? 0) - expected)).toBeLessThanOrEqual(2);
    });
  }, 60_000);

  it('LEAST_ACTIVE: while two slow runs occupy the us instance, every run goes to the eu ones', async () => {
    // Two 10 s SlowJob runs pinned to the us instance by labels (SlowJob's concurrency
    // there is 2): it has 2 runs in flight. The FlakyJob runs go one at a time, each
    // awaited, so an eu instance has at most 1 in flight (a heartbeat sent before a run
    // ended may report it for one more second): the us instance is never the least active.
    const slowKey = await persistJob(
      'occupyUs',
      { labels: { region: 'us' }, attachment: '{"ms": 10000}' },
      'SlowJob',
    );
    const slowIds = await triggerMany(slowKey, 2);
    for (const id of slowIds) {
      await waitFor(
        `slow run ${id} to start`,
        async () =>
          (await runLogs(stack, managerUrl(), slowKey, id)).includes('SlowJob: working for 10000 ms')
            ? true
            : undefined,
        10_000,
        100,
      );
    }
    // One heartbeat interval (1 s) more: a beat sent before the dispatches (reporting 0)
    // cannot overwrite the count afterwards.
    await sleep(1_200);

    const jobKey = await persistJob('leastActive', { loadBalancer: 'LEAST_ACTIVE' });
    for (let i = 0; i < 12; i++) {
      const id = await triggerJob(stack, managerUrl(), jobKey);
      expect((await waitForOutcome(stack, managerUrl(), jobKey, id, 10_000)).runningState).toBe(
        RunningState.COMPLETED,
      );
    }
    // The premise held to the end: both slow runs were still in flight after the last run.
    const slowStates = await queryDatabase<{ running_state: number }>(
      stack.mysqlUrl,
      'SELECT running_state FROM chac_job_run WHERE run_id IN (?, ?)',
      slowIds,
    );
    expect(slowStates.map((r) => r.running_state)).toEqual([RunningState.RUNNING, RunningState.RUNNING]);
    const [eu1 = 0, eu2 = 0, us = 0] = perWorker(await settledRuns('leastActive', 12));
    expect(us).toBe(0);
    expect(eu1 + eu2).toBe(12);
    // Idle ties rotate with the counter, so both eu instances take work.
    expect(eu1).toBeGreaterThan(0);
    expect(eu2).toBeGreaterThan(0);

    // The slow runs were still going all along: they end COMPLETED on the us instance.
    expect(perWorker(await settledRuns('occupyUs', 2, 20_000))).toEqual([0, 0, 2]);
  }, 60_000);

  it('CONSISTENT_HASH on tenant: one instance per tenant, tenants spread over several', async () => {
    const tenants = [
      'acme',
      'globex',
      'initech',
      'umbrella',
      'hooli',
      'stark',
      'wayne',
      'tyrell',
      'cyberdyne',
      'wonka',
    ];
    const jobKey = await persistJob('consistentHash', { loadBalancer: 'CONSISTENT_HASH', hashKey: 'tenant' });
    // Each tenant 3 times, interleaved, so stickiness does not come from consecutive runs.
    const ids = await triggerMany(jobKey, 30, (i) => JSON.stringify({ tenant: tenants[i % tenants.length] }));
    const runs = await settledRuns('consistentHash', 30);
    perWorker(runs);
    const byTenant = new Map<string, Set<string | null>>();
    runs.forEach((run) => {
      const tenant = tenants[ids.indexOf(run.run_id) % tenants.length] ?? '?';
      byTenant.set(tenant, (byTenant.get(tenant) ?? new Set()).add(run.instance_id));
    });
    expect(byTenant.size).toBe(tenants.length);
    for (const [tenant, instances] of byTenant) expect([tenant, instances.size]).toEqual([tenant, 1]);
    // Ten tenants over three instances by rendezvous hashing: all on one has odds 3^-9.
    const used = new Set(runs.map((r) => r.instance_id));
    expect(used.size).toBeGreaterThan(1);
  }, 60_000);

  it('FIRST: every run on the earliest started instance', async () => {
    const jobKey = await persistJob('first', { loadBalancer: 'FIRST' });
    await triggerMany(jobKey, 10);
    expect(perWorker(await settledRuns('first', 10))).toEqual([10, 0, 0]);
  }, 60_000);

  it('labels: region=us runs only on the us instance, region=eu alternates over the two eu ones', async () => {
    const usKey = await persistJob('labelsUs', { labels: { region: 'us' } });
    await triggerMany(usKey, 10);
    expect(perWorker(await settledRuns('labelsUs', 10))).toEqual([0, 0, 10]);

    // ROUND_ROBIN over the two matching candidates: counter 1..10 gives 5 each.
    const euKey = await persistJob('labelsEu', { labels: { region: 'eu' } });
    await triggerMany(euKey, 10);
    expect(perWorker(await settledRuns('labelsEu', 10))).toEqual([5, 5, 0]);
  }, 60_000);

  it('labels: region=mars fails the run at once with "no worker available" naming the labels', async () => {
    const jobKey = await persistJob('labelsMars', { labels: { region: 'mars' } });
    const id = await triggerJob(stack, managerUrl(), jobKey);
    const run = await waitForOutcome(stack, managerUrl(), jobKey, id, 10_000);
    expect(run.runningState).toBe(RunningState.FAILED);
    expect(run.reason).toBe(
      'no worker available: no live instance of demo-cluster/demo-worker runs FlakyJob with labels region=mars',
    );
    expect(run.instanceId).toBeNull();
  }, 30_000);

  it('a plugin balancer (`lastOne`, reversed order) sends every run to the latest started instance', async () => {
    const jobKey = await persistJob('pluginLastOne', { loadBalancer: 'lastOne' });
    await triggerMany(jobKey, 10);
    expect(perWorker(await settledRuns('pluginLastOne', 10))).toEqual([0, 0, 10]);
  }, 60_000);

  it('an unknown balancer name is refused with 400 naming loadBalancer', async () => {
    const body = {
      jobKey: demoJobKey('demo-worker', 'unknownBalancer', 'FlakyJob'),
      trigger: { triggerType: 0 },
      loadBalancer: 'noSuchBalancer',
    };
    const res = await adminPost(stack, managerUrl(), '/job/admin/persistJob', body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.errors?.map((e) => e.field)).toEqual(['loadBalancer']);
    expect(res.body.msg).toContain("loadBalancer: unknown load balancer 'noSuchBalancer'");
    // The plugin's name is offered next to the built-ins.
    expect(res.body.msg).toContain('lastOne');
    const stored = await queryDatabase(
      stack.mysqlUrl,
      "SELECT 1 FROM chac_job_detail WHERE job_name = 'unknownBalancer'",
    );
    expect(stored).toEqual([]);
  }, 30_000);
});

describe('a termination strategy from a plugin', () => {
  it('finishes a job before its third scheduled run, recording that occurrence FINISHED with the reason', async () => {
    const jobKey = demoJobKey('demo-worker', 'strategyEnds', 'FlakyJob');
    const persisted = await adminPost<number>(stack, managerUrl(), '/job/admin/persistJob', {
      jobKey,
      attachment: '{}',
      overlapPolicy: 'ALLOW',
      terminationStrategy: 'twoRunsEnough',
      trigger: { triggerType: 1, triggerDescription: { cron: { expression: '* * * * * ?' } } },
    });
    expect(persisted.status).toBe(200);
    const traces = await waitFor(
      'the strategy to finish the job',
      async () => {
        const all = await jobTraces(stack, managerUrl(), jobKey);
        return all.some((t) => t.runningState === RunningState.FINISHED) ? all : undefined;
      },
      15_000,
    );
    await sleep(2_000); // a finished job fires no more
    const final = await jobTraces(stack, managerUrl(), jobKey);
    expect(final).toHaveLength(traces.length);
    const states = [...final].reverse().map((t) => t.runningState);
    expect(states).toEqual([RunningState.COMPLETED, RunningState.COMPLETED, RunningState.FINISHED]);
    expect(final[0]?.reason).toBe('terminated by strategy twoRunsEnough: 2 runs are enough');
    expect((await waitForJobDetail(stack, managerUrl(), jobKey)).jobRuntime.jobState).toBe(JobState.FINISHED);
  }, 30_000);

  it('is refused by persistJob when no plugin registers the name', async () => {
    const res = await adminPost(stack, managerUrl(), '/job/admin/persistJob', {
      jobKey: demoJobKey('demo-worker', 'strategyUnknown', 'FlakyJob'),
      terminationStrategy: 'noSuchStrategy',
      trigger: { triggerType: 0 },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors?.map((e) => e.field)).toEqual(['terminationStrategy']);
  }, 10_000);
});

describe('MASTER_STANDBY', () => {
  it('runs on the earliest started instance, then on the next one after a kill -9, with no failure', async () => {
    const jobKey = await persistJob('masterStandby', { clusterMode: 'MASTER_STANDBY' });
    await triggerMany(jobKey, 6);
    expect(perWorker(await settledRuns('masterStandby', 6))).toEqual([6, 0, 0]);

    const master = worker(0);
    master.handle.child.kill('SIGKILL');
    expect(await master.handle.waitForExit(5_000)).toEqual({ code: null, signal: 'SIGKILL' });

    // Before the manager counts it lost, the master is still first in line: its dispatch is
    // refused (connection refused) and the launcher moves on to the next instance at once.
    const early = await triggerJob(stack, managerUrl(), jobKey);
    const earlyRun = await waitForOutcome(stack, managerUrl(), jobKey, early, 10_000);
    expect([earlyRun.runningState, earlyRun.instanceId]).toEqual([
      RunningState.COMPLETED,
      worker(1).instanceId,
    ]);

    // 3 missed heartbeats (1 s each) after the kill, plus a second of margin, the master is
    // no longer a candidate: the standby is the first live instance in start order.
    await sleep(4_000);
    await triggerMany(jobKey, 6);
    const runs = await settledRuns('masterStandby', 13);
    expect(perWorker(runs)).toEqual([6, 7, 0]);
    expect(runs.slice(6).map((r) => r.instance_id)).toEqual(Array(7).fill(worker(1).instanceId));
  }, 60_000);
});
