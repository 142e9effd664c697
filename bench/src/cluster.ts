import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { AdminApi } from './admin-api';
import { BenchDatabase, BenchServer } from './database';
import type { BenchOptions } from './options';
import { SCRIPTS } from './paths';
import { freePort } from '@chaconne/testing';
import { type ProcessHandle, spawnNode } from './processes';
import { deletePrefix } from './redis-store';

/** One run's private corner of the shared MySQL and Redis, and its secrets. */
export interface Stack {
  id: string;
  database: string;
  /** Prefix of every Redis key of the run (the manager's CHACONNE_PREFIX). */
  prefix: string;
  secret: string;
  adminToken: string;
}

export function newStack(): Stack {
  const id = randomBytes(4).toString('hex');
  return {
    id,
    database: `chac_bench_${id}`,
    prefix: `chacbench_${id}`,
    secret: randomBytes(32).toString('hex'),
    adminToken: randomBytes(32).toString('hex'),
  };
}

/** Drops a run's database and deletes its Redis keys. */
export async function dropStack(options: BenchOptions, stack: Stack, redis: Redis): Promise<void> {
  const server = new BenchServer(options.mysqlUrl);
  try {
    await server.dropDatabase(stack.database);
  } finally {
    await server.close();
  }
  await deletePrefix(redis, stack.prefix);
}

/** A handler start as a bench worker recorded it. */
export interface Execution {
  /** The worker (its index) that ran it. */
  worker: number;
  runId: number;
  jobId: number;
  attempt: number;
  plannedAtMs: number;
  startedAtMs: number;
}

export interface ClusterShape {
  managers: number;
  workers: number;
  /** Extra manager settings (e.g. CHACONNE_CALLBACK_ALLOWLIST). */
  managerEnv?: Record<string, string>;
  /**
   * Workers write each handler start to their record file before the handler returns
   * (instead of every 250 ms), so a worker killed with SIGKILL loses none (the soak).
   */
  syncRecords?: boolean;
}

/**
 * The processes of one run: managers started from apps/manager/dist with a fresh database
 * and Redis prefix, and no-op workers (worker i registers with manager i mod n), plus
 * direct connections to the run's database and Redis for measuring.
 */
export class BenchCluster {
  readonly managers: ProcessHandle[] = [];
  readonly managerUrls: string[] = [];
  readonly workers: ProcessHandle[] = [];
  private readonly recordDir = mkdtempSync(join(tmpdir(), 'chac-bench-'));
  private readonly recordFiles: string[] = [];
  readonly db: BenchDatabase;
  readonly redis: Redis;
  readonly stack = newStack();

  private readonly managerPorts: number[] = [];

  private constructor(
    private readonly options: BenchOptions,
    private readonly shape: ClusterShape,
  ) {
    this.db = new BenchDatabase(options.mysqlUrl, this.stack.database);
    this.redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 3 });
  }

  /** Starts the managers, then the workers, and waits until every worker is registered. */
  static async start(options: BenchOptions, shape: ClusterShape): Promise<BenchCluster> {
    const cluster = new BenchCluster(options, shape);
    try {
      // The first manager creates the database and runs the migrations; the others then join.
      await cluster.startManager(0);
      await Promise.all(Array.from({ length: shape.managers - 1 }, (_, i) => cluster.startManager(i + 1)));
      await Promise.all(Array.from({ length: shape.workers }, (_, i) => cluster.startWorker(i)));
      return cluster;
    } catch (error) {
      await cluster.close();
      throw error;
    }
  }

  /** The admin API of manager `index` (default the first). */
  api(index = 0): AdminApi {
    const url = this.managerUrls[index];
    if (url === undefined) throw new Error(`no manager ${index}`);
    return new AdminApi(url, this.stack.adminToken);
  }

  /** Starts one more manager on the run's database and Redis (a scale-out step); answers its index. */
  async addManager(): Promise<number> {
    const index = this.managers.length;
    await this.startManager(index);
    return index;
  }

  /**
   * Starts manager `index`, on the port it had before if it ran already. A manager is ready
   * after its first reconcile check, which is a full pass over every job when Redis lost them.
   */
  private async startManager(index: number, readyTimeoutMs = 60_000): Promise<void> {
    const port = this.managerPorts[index] ?? (await freePort());
    this.managerPorts[index] = port;
    const handle = spawnNode(
      `manager:${port}`,
      SCRIPTS.manager,
      {
        // Production mode: what a deployment runs (it only adds the admin-token requirement).
        NODE_ENV: 'production',
        CHACONNE_MYSQL_URL: `${this.options.mysqlUrl}/${this.stack.database}`,
        CHACONNE_REDIS_URL: this.options.redisUrl,
        CHACONNE_PREFIX: this.stack.prefix,
        CHACONNE_SECRET: this.stack.secret,
        CHACONNE_ADMIN_TOKEN: this.stack.adminToken,
        CHACONNE_HOST: '127.0.0.1',
        CHACONNE_PORT: String(port),
        ...this.shape.managerEnv,
        ...this.options.managerEnv,
      },
      this.options.verbose,
      this.options.managerNodeArgs,
    );
    this.managers[index] = handle;
    await handle.waitForLine(/Chaconne manager ready/, readyTimeoutMs);
    this.managerUrls[index] = `http://127.0.0.1:${port}`;
  }

  /** Starts worker `index` (again: a new process and instance, the same record file). */
  private async startWorker(index: number): Promise<void> {
    const managerUrl = this.managerUrls[index % this.managerUrls.length];
    if (managerUrl === undefined) throw new Error('start a manager before the workers');
    const port = await freePort();
    const recordFile = join(this.recordDir, `worker-${index}.log`);
    const handle = spawnNode(
      `worker-${index}:${port}`,
      SCRIPTS.noopWorker,
      {
        NODE_ENV: 'production',
        CHACONNE_MANAGER_URL: managerUrl,
        CHACONNE_SECRET: this.stack.secret,
        BENCH_WORKER_PORT: String(port),
        CHACONNE_WORKER_BASE_URL: `http://127.0.0.1:${port}`,
        BENCH_RECORD_FILE: recordFile,
        ...(this.shape.syncRecords ? { BENCH_RECORD_SYNC: '1' } : {}),
      },
      this.options.verbose,
    );
    this.workers[index] = handle;
    this.recordFiles[index] = recordFile;
    await handle.waitForLine(/\[noop-worker\] registered as/, 60_000);
  }

  /** Kills manager or worker `index` with `signal` (SIGKILL, or SIGSTOP / SIGCONT to freeze it). */
  signal(role: 'manager' | 'worker', index: number, signal: NodeJS.Signals): void {
    const handle = (role === 'manager' ? this.managers : this.workers)[index];
    if (!handle) throw new Error(`no ${role} ${index}`);
    handle.child.kill(signal);
  }

  /** Stops manager `index` gracefully and starts it again on its port: a fresh process on the same data. */
  async restartManager(index: number, readyTimeoutMs = 60_000): Promise<void> {
    await this.managers[index]?.stop();
    await this.startManager(index, readyTimeoutMs);
  }

  /** Starts a killed manager again on its port (its workers keep its URL) or a killed worker. */
  async restart(role: 'manager' | 'worker', index: number): Promise<void> {
    const handle = (role === 'manager' ? this.managers : this.workers)[index];
    if (handle?.running) throw new Error(`${role} ${index} is still running`);
    await handle?.exited;
    await (role === 'manager' ? this.startManager(index) : this.startWorker(index));
  }

  /** pids of the managers, for the process sampler. */
  get managerPids(): number[] {
    return this.managers.map((m) => m.pid);
  }

  get workerPids(): number[] {
    return this.workers.map((w) => w.pid);
  }

  /** Stops the workers gracefully (they drain and deregister) so their records are complete. */
  async stopWorkers(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.stop()));
  }

  /** Every handler start the workers recorded; call after {@link stopWorkers}. */
  executions(): Execution[] {
    const executions: Execution[] = [];
    for (const [worker, file] of this.recordFiles.entries()) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        continue; // a worker that never ran anything wrote nothing
      }
      for (const line of text.split('\n')) {
        if (!line) continue;
        const [runId, jobId, attempt, plannedAtMs, startedAtMs] = line.split(' ').map(Number);
        executions.push({
          worker,
          runId: runId ?? 0,
          jobId: jobId ?? 0,
          attempt: attempt ?? 0,
          plannedAtMs: plannedAtMs ?? 0,
          startedAtMs: startedAtMs ?? 0,
        });
      }
    }
    return executions;
  }

  /** Stops every process (workers first), then drops the database and Redis keys unless --keep. */
  async close(): Promise<void> {
    try {
      // A frozen (SIGSTOPped) process would never act on SIGTERM.
      for (const handle of [...this.workers, ...this.managers])
        if (handle.running) handle.child.kill('SIGCONT');
      await this.stopWorkers();
      await Promise.all(this.managers.map((m) => m.stop()));
      await this.db.close();
      if (this.options.keep)
        console.log(`  kept database ${this.stack.database} and Redis prefix ${this.stack.prefix}`);
      else await dropStack(this.options, this.stack, this.redis);
    } finally {
      await this.redis.quit().catch(() => undefined);
      rmSync(this.recordDir, { recursive: true, force: true });
    }
  }
}
