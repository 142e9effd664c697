import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  RunningState,
  type JobDetail,
  type JobKey,
  type JobLog,
  type JobPersistParameter,
  type JobTrace,
  type Page,
} from '@chaconne/contracts';
import {
  bearer,
  chaconneBody,
  deleteRedisPrefix,
  dropDatabase,
  freePort,
  sleep,
  type Envelope,
  postJson,
  waitFor,
} from '@chaconne/testing';

export const REPO_ROOT = join(__dirname, '..', '..', '..', '..');

/** A child process whose output is kept for assertions and diagnostics. */
export class ProcessHandle {
  readonly lines: string[] = [];
  private readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    const collect = (chunk: Buffer): void => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) this.lines.push(line);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        resolve(code);
      }),
    );
  }

  get output(): string {
    return this.lines.join('\n');
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Waits for a line matching `pattern`; fails with the process's recent output. */
  async waitForLine(pattern: RegExp, timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const line = this.lines.find((l) => pattern.test(l));
      if (line) return line;
      if (!this.running) break;
      await sleep(100);
    }
    throw new Error(
      `${this.name}: no line matching ${String(pattern)} within ${timeoutMs} ms. Output:\n${this.lines.slice(-40).join('\n')}`,
    );
  }

  /** Resolves with how the process ended; fails if it is still running after `timeoutMs`. */
  async waitForExit(timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        reject(
          new Error(
            `${this.name}: still running after ${timeoutMs} ms. Output:\n${this.lines.slice(-40).join('\n')}`,
          ),
        );
      }, timeoutMs);
    });
    try {
      await Promise.race([this.exited, timedOut]);
      return { code: this.child.exitCode, signal: this.child.signalCode };
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

export { freePort, sleep } from '@chaconne/testing';

/** Spawns `node <script>` (a built entry point under the repository) with only `env` and PATH. */
export function nodeProcess(name: string, script: string, env: Record<string, string>): ProcessHandle {
  const path = join(REPO_ROOT, script);
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build\` first (npm test does)`);
  const child = spawn(process.execPath, [path], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new ProcessHandle(name, child);
}

/** Settings one e2e test file shares between its processes: a database, a prefix, a secret. */
export interface Stack {
  mysqlUrl: string;
  redisUrl: string;
  prefix: string;
  secret: string;
  /** Bootstrap admin API token of the stack's managers. */
  adminToken: string;
}

export function newStack(redisUrl = 'redis://127.0.0.1:6379'): Stack {
  const id = randomBytes(4).toString('hex');
  return {
    mysqlUrl: `mysql://root@127.0.0.1:3306/chac_e2e_${id}`,
    redisUrl,
    prefix: `chace2e_${id}`,
    secret: randomBytes(32).toString('hex'),
    adminToken: randomBytes(32).toString('hex'),
  };
}

export async function startManager(
  stack: Stack,
  extraEnv: Record<string, string> = {},
): Promise<{ handle: ProcessHandle; url: string }> {
  const port = await freePort();
  const handle = nodeProcess(`manager:${port}`, 'apps/manager/dist/main.js', {
    CHACONNE_MYSQL_URL: stack.mysqlUrl,
    CHACONNE_REDIS_URL: stack.redisUrl,
    CHACONNE_PREFIX: stack.prefix,
    CHACONNE_SECRET: stack.secret,
    CHACONNE_ADMIN_TOKEN: stack.adminToken,
    CHACONNE_PORT: String(port),
    CHACONNE_HEARTBEAT_INTERVAL_MS: '1000',
    ...extraEnv,
  });
  await handle.waitForLine(/Chaconne manager ready/, 60_000);
  return { handle, url: `http://127.0.0.1:${port}` };
}

export async function startDemoWorker(
  stack: Stack,
  managerUrl: string,
): Promise<{ handle: ProcessHandle; url: string }> {
  return startWorkerRuntime(stack, managerUrl, 'nest');
}

/** The demo worker's runtimes: the same jobs served by NestJS, Express or plain node:http. */
export type WorkerRuntime = 'nest' | 'express' | 'http';

/** Each runtime's entry point (built by `npm run build`) and the group it registers in. */
export const WORKER_RUNTIMES: Readonly<Record<WorkerRuntime, { script: string; groupName: string }>> = {
  nest: { script: 'apps/demo-worker/dist/main.js', groupName: 'demo-worker' },
  express: { script: 'apps/demo-worker/dist/runtimes/express-worker.js', groupName: 'express-worker' },
  http: { script: 'apps/demo-worker/dist/runtimes/http-worker.js', groupName: 'http-worker' },
};

/** Starts one runtime of the demo worker on a free port; it registers with `managerUrl` in the background. */
export async function startWorkerRuntime(
  stack: Stack,
  managerUrl: string,
  runtime: WorkerRuntime,
  extraEnv: Record<string, string> = {},
): Promise<{ handle: ProcessHandle; url: string }> {
  const port = await freePort();
  const name = runtime === 'nest' ? 'demo-worker' : `${runtime}-worker`;
  const handle = nodeProcess(`${name}:${port}`, WORKER_RUNTIMES[runtime].script, {
    CHACONNE_MANAGER_URL: managerUrl,
    CHACONNE_SECRET: stack.secret,
    DEMO_WORKER_PORT: String(port),
    CHACONNE_WORKER_BASE_URL: `http://127.0.0.1:${port}`,
    ...extraEnv,
  });
  return { handle, url: `http://127.0.0.1:${port}` };
}

/**
 * Starts several runtimes at once and waits until the manager logged each registration.
 * If one fails, stops every runtime it started before throwing, so no process outlives the test.
 */
export async function startWorkerRuntimes(
  stack: Stack,
  manager: { handle: ProcessHandle; url: string },
  runtimes: readonly WorkerRuntime[],
): Promise<Map<WorkerRuntime, { handle: ProcessHandle; url: string }>> {
  const started = new Map<WorkerRuntime, { handle: ProcessHandle; url: string }>();
  const results = await Promise.allSettled(
    runtimes.map(async (runtime) => {
      const worker = await startWorkerRuntime(stack, manager.url, runtime);
      started.set(runtime, worker);
      const group = WORKER_RUNTIMES[runtime].groupName;
      await manager.handle.waitForLine(new RegExp(`registered \\S+ \\(demo-cluster/${group}\\)`), 30_000);
    }),
  );
  const failure = results.find((result) => result.status === 'rejected');
  if (failure) {
    await Promise.all([...started.values()].map((worker) => worker.handle.stop()));
    throw failure.reason;
  }
  return started;
}

/**
 * A Redis server of the test's own (without persistence), so a test may FLUSHALL or stop it;
 * pass the `port` of a stopped one to start it again there, empty.
 */
export async function startRedis(port?: number): Promise<{ handle: ProcessHandle; url: string }> {
  port ??= await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const handle = new ProcessHandle(`redis:${port}`, child);
  await handle.waitForLine(/Ready to accept connections/, 10_000);
  return { handle, url: `redis://127.0.0.1:${port}` };
}

/** POSTs to a manager's admin API with the stack's admin token. */
export function adminPost<T = unknown>(
  stack: Stack,
  managerUrl: string,
  path: string,
  body: unknown,
): Promise<{ status: number; body: Envelope<T> }> {
  return postJson<T>(managerUrl, path, body, bearer(stack.adminToken));
}

/** The key of a job in one of the demo worker's groups (cluster `demo-cluster`). */
export function demoJobKey(groupName: string, jobName: string, jobClassName: string): JobKey {
  return { clusterName: 'demo-cluster', groupName, jobName, jobClassName };
}

/** Persists an on-demand (SIMPLE, no start date) job with Chaconne's JSON; answers the job id. */
export async function persistOnDemandJob(
  stack: Stack,
  managerUrl: string,
  jobKey: JobKey,
  overrides: Partial<Omit<JobPersistParameter, 'jobKey' | 'trigger'>> = {},
): Promise<number> {
  const body = {
    ...chaconneBody(jobKey.jobName, jobKey.jobClassName),
    ...overrides,
    jobKey,
    trigger: { triggerType: 0 },
  };
  const persisted = await adminPost<number>(stack, managerUrl, '/job/admin/persistJob', body);
  if (persisted.status !== 200)
    throw new Error(`persistJob answered ${persisted.status}: ${persisted.body.msg}`);
  return persisted.body.data;
}

/** Runs a job now (`triggerJob`), optionally with another attachment; answers the run (trace) id. */
export async function triggerJob(
  stack: Stack,
  managerUrl: string,
  jobKey: JobKey,
  attachment?: string,
): Promise<number> {
  const triggered = await adminPost<number>(stack, managerUrl, '/job/admin/triggerJob', {
    jobKey,
    ...(attachment === undefined ? {} : { attachment }),
  });
  if (triggered.status !== 200)
    throw new Error(`triggerJob answered ${triggered.status}: ${triggered.body.msg}`);
  return triggered.body.data;
}

/** The job's runs, newest first (`selectJobTrace`). */
export async function jobTraces(stack: Stack, managerUrl: string, jobKey: JobKey): Promise<JobTrace[]> {
  const res = await adminPost<Page<JobTrace>>(stack, managerUrl, '/job/admin/selectJobTrace', {
    jobKey,
    page: 1,
    size: 100,
  });
  if (res.status !== 200) throw new Error(`selectJobTrace answered ${res.status}: ${res.body.msg}`);
  return res.body.data.content;
}

/** Waits until run `traceId` has an outcome (anything but RUNNING) and answers it. */
export function waitForOutcome(
  stack: Stack,
  managerUrl: string,
  jobKey: JobKey,
  traceId: number,
  timeoutMs: number,
): Promise<JobTrace> {
  return waitFor(
    `an outcome of run ${traceId} of ${jobKey.jobClassName}`,
    async () =>
      (await jobTraces(stack, managerUrl, jobKey)).find(
        (t) => t.traceId === traceId && t.runningState !== RunningState.RUNNING,
      ),
    timeoutMs,
  );
}

/** The log lines of one run (`selectJobLog`), oldest first. */
export async function runLogs(
  stack: Stack,
  managerUrl: string,
  jobKey: JobKey,
  traceId: number,
): Promise<string[]> {
  const res = await adminPost<JobLog[]>(stack, managerUrl, '/job/admin/selectJobLog', { jobKey, traceId });
  if (res.status !== 200) throw new Error(`selectJobLog answered ${res.status}: ${res.body.msg}`);
  return res.body.data.map((line) => line.log);
}

/** The job's definition as the manager holds it (`getJobDetail`), once it exists. */
export function waitForJobDetail(
  stack: Stack,
  managerUrl: string,
  jobKey: JobKey,
  timeoutMs = 10_000,
): Promise<JobDetail> {
  return waitFor(
    `the definition of ${jobKey.groupName}/${jobKey.jobName}`,
    async () => {
      const res = await adminPost<JobDetail>(stack, managerUrl, '/job/admin/getJobDetail', jobKey);
      return res.status === 200 ? res.body.data : undefined;
    },
    timeoutMs,
  );
}

/** Epoch ms of an ISO time from a run (executionTime, completionTime, ...); fails on null. */
export function isoMs(iso: string | null): number {
  if (iso === null) throw new Error('missing time');
  return Date.parse(iso);
}

/** Drops a stack's database and Redis keys (each spec's afterAll). */
export async function dropStack(stack: Stack): Promise<void> {
  await dropDatabase(stack.mysqlUrl);
  await deleteRedisPrefix(stack.redisUrl, stack.prefix);
}

/** Something a test started: a process (or what holds it), or a server or client to close. */
type Started = ProcessHandle | { handle: ProcessHandle } | { close(): Promise<unknown> } | undefined;

async function stopOne(started: Started): Promise<void> {
  if (started === undefined) return;
  // `close` before `handle`: an SDK worker has both (its `handle` is its request handler).
  if ('stop' in started) await started.stop();
  else if ('close' in started) await started.close();
  else await started.handle.stop();
}

/**
 * Each e2e file's afterAll: stops what started, in order (a list in parallel; an undefined
 * one never started: Jest runs afterAll after a beforeAll that threw), then drops the
 * stacks' databases and Redis keys whatever happened; the first failure is thrown after that.
 */
export async function tearDown(
  stacks: Stack | readonly Stack[],
  ...started: (Started | readonly Started[])[]
): Promise<void> {
  const failures: unknown[] = [];
  for (const group of started) {
    const results = await Promise.allSettled([group].flat().map(stopOne));
    for (const result of results) if (result.status === 'rejected') failures.push(result.reason);
  }
  for (const stack of [stacks].flat()) await dropStack(stack);
  if (failures.length > 0) throw failures[0] as Error;
}

/** Runs `chaconne-manager <args>` (the built CLI) against the stack's database; answers its stdout. */
export async function managerCli(stack: Stack, args: readonly string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(REPO_ROOT, 'apps/manager/dist/cli.js'), ...args],
    {
      cwd: REPO_ROOT,
      timeout: 30_000,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        CHACONNE_MYSQL_URL: stack.mysqlUrl,
        CHACONNE_REDIS_URL: stack.redisUrl,
        CHACONNE_PREFIX: stack.prefix,
      },
    },
  );
  return stdout;
}
