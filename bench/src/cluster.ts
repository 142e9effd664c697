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

  private constructor(private readonly options: BenchOptions) {
    this.db = new BenchDatabase(options.mysqlUrl, this.stack.database);
    this.redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 3 });
  }

  /** Starts the managers, then the workers, and waits until every worker is registered. */
  static async start(options: BenchOptions, shape: ClusterShape): Promise<BenchCluster> {
    const cluster = new BenchCluster(options);
    try {
      // The first manager creates the database and runs the migrations; the others then join.
      await cluster.startManager(shape.managerEnv ?? {});
      await Promise.all(
        Array.from({ length: shape.managers - 1 }, () => cluster.startManager(shape.managerEnv ?? {})),
      );
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

  private async startManager(extraEnv: Record<string, string>): Promise<void> {
    const port = await freePort();
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
        ...extraEnv,
        ...this.options.managerEnv,
      },
      this.options.verbose,
      this.options.managerNodeArgs,
    );
    this.managers.push(handle);
    await handle.waitForLine(/Chaconne manager ready/, 60_000);
    this.managerUrls.push(`http://127.0.0.1:${port}`);
  }

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
      },
      this.options.verbose,
    );
    this.workers.push(handle);
    this.recordFiles.push(recordFile);
    await handle.waitForLine(/\[noop-worker\] registered as/, 30_000);
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
    for (const file of this.recordFiles) {
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
