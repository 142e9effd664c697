import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import {
  chaconneBody,
  checkRuns,
  type CheckReport,
  type CheckWindow,
  everyNSeconds,
  freePort,
  type LedgerEntry,
  type PlannedJob,
  queryDatabase,
  readLedgers,
  RUN_ROW_COLUMNS,
  type RunRecord,
  type RunRow,
  toRunRecord,
  waitFor,
} from '@chaconne/testing';
import {
  adminPost,
  dropStack,
  newStack,
  nodeProcess,
  type ProcessHandle,
  type Stack,
  startManager,
} from '../support/processes';
import { FAULT_CLUSTER, FAULT_GROUP, FAULT_JOB_CLASS } from './fault-job';
import { TcpProxy } from './tcp-proxy';

/** The manager's heartbeat interval in the fault cluster; an instance is lost after 3 missed beats. */
export const FAULT_HEARTBEAT_MS = 1_000;

export interface ManagerProcess {
  handle: ProcessHandle;
  url: string;
  port: number;
}

/**
 * A fault worker and the two proxies it talks through: `outbound` (worker -> managers,
 * health-checked round robin) and `inbound` (managers -> worker: its registered base URL).
 * Cutting both is a partition between this worker and every manager.
 */
export interface FaultWorkerProcess {
  handle: ProcessHandle;
  instanceId: string;
  ledgerFile: string;
  inbound: TcpProxy;
  outbound: TcpProxy;
  /** The base URL the managers know it by (its inbound proxy). */
  url: string;
}

/** A FaultJob to persist: a cron job (`*\/everySeconds`) or an on-demand one (no schedule). */
export interface FaultJobSpec {
  name: string;
  /** Fires every n seconds (n dividing 60); absent: on demand only (triggerJob). */
  everySeconds?: number;
  /** How long each run's handler works. */
  ms: number;
  retries?: number;
  overlapPolicy?: 'ALLOW' | 'SKIP' | 'QUEUE_ONE' | 'REPLACE';
  /** Expected to complete every occurrence on its first attempt once recovered (see CheckReport.recoveryMs). */
  steady?: boolean;
}

/**
 * `count` jobs named `<prefix>-0`, `<prefix>-1`... with the same spec. `tick` is the fault suites'
 * steady load: every second, 200 ms runs, overlaps allowed.
 */
export function jobSpecs(prefix: string, count: number, spec: Omit<FaultJobSpec, 'name'>): FaultJobSpec[] {
  return Array.from({ length: count }, (_, i) => ({ ...spec, name: `${prefix}-${i}` }));
}

export const tickJobs = (count: number): FaultJobSpec[] =>
  jobSpecs('tick', count, { everySeconds: 1, ms: 200, overlapPolicy: 'ALLOW', steady: true });

/**
 * A cluster of real processes for fault tests: managers sharing one test database and one
 * Redis prefix, fault workers (each behind its own pair of TCP proxies, and keeping a
 * ledger of its handler starts), and the FaultJobs they run. Every process, proxy, ledger,
 * database and Redis key it made goes away in {@link stop}, whatever state the test left.
 */
export class FaultCluster {
  readonly managers: ManagerProcess[] = [];
  readonly workers: FaultWorkerProcess[] = [];
  /** Workers stopped or killed during the test, kept for their ledgers. */
  readonly retiredWorkers: FaultWorkerProcess[] = [];
  readonly jobs = new Map<string, { jobId: number; spec: FaultJobSpec }>();
  private readonly frozen = new Set<ManagerProcess>();
  private readonly ledgerDir = mkdtempSync(join(tmpdir(), 'chac-faults-'));
  private workerCount = 0;

  private constructor(
    readonly stack: Stack,
    private readonly managerEnv: Record<string, string>,
  ) {}

  /** Starts `managers` managers and `workers` fault workers; on failure stops what it started. */
  static async start(
    options: { managers?: number; workers?: number; managerEnv?: Record<string, string>; stack?: Stack } = {},
  ): Promise<FaultCluster> {
    const cluster = new FaultCluster(options.stack ?? newStack(), {
      CHACONNE_HEARTBEAT_INTERVAL_MS: String(FAULT_HEARTBEAT_MS),
      ...options.managerEnv,
    });
    try {
      // The first manager migrates the database alone; the others start on a ready schema.
      await cluster.startManager();
      await Promise.all(Array.from({ length: (options.managers ?? 2) - 1 }, () => cluster.startManager()));
      await Promise.all(Array.from({ length: options.workers ?? 2 }, () => cluster.startWorker()));
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** The admin API of the first running manager (not frozen). */
  get adminUrl(): string {
    const manager = this.managers.find((m) => m.handle.running && !this.frozen.has(m));
    if (!manager) throw new Error('no manager running');
    return manager.url;
  }

  /** Starts one more manager and tells every worker's outbound proxy about it. */
  async startManager(): Promise<ManagerProcess> {
    const started = await startManager(this.stack, this.managerEnv);
    const manager = { ...started, port: Number(new URL(started.url).port) };
    this.managers.push(manager);
    this.updateUpstreams();
    return manager;
  }

  /** Stops (gracefully) or forgets a dead manager, and starts another in its place. */
  async replaceManager(manager: ManagerProcess): Promise<ManagerProcess> {
    await manager.handle.stop();
    this.managers.splice(this.managers.indexOf(manager), 1);
    this.updateUpstreams();
    return this.startManager();
  }

  /** SIGSTOP: the manager keeps its sockets, locks and Redis keys, and does nothing. */
  freeze(manager: ManagerProcess): void {
    this.frozen.add(manager);
    manager.handle.child.kill('SIGSTOP');
  }

  /**
   * Freezes `manager` at a moment it holds fires: whenever the fire queue has fires in hand,
   * SIGSTOP, and if none is still in hand `CHECK_MS` later (they were the other manager's,
   * and it finished them), SIGCONT and wait for the next chance. Answers how many fires the
   * frozen manager holds; fails after `timeoutMs` without one.
   */
  async freezeHoldingFires(manager: ManagerProcess, timeoutMs: number): Promise<number> {
    const CHECK_MS = 300;
    const redis = new Redis(this.stack.redisUrl);
    const active = (): Promise<number> => redis.llen(`${this.stack.prefix}:fire:active`);
    try {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if ((await active()) === 0) {
          await new Promise((resolve) => setTimeout(resolve, 2));
          continue;
        }
        this.freeze(manager);
        await new Promise((resolve) => setTimeout(resolve, CHECK_MS));
        const held = await active();
        if (held > 0) return held;
        this.thaw(manager);
      }
      throw new Error(`${manager.handle.name} held no fire at any moment in ${timeoutMs} ms`);
    } finally {
      await redis.quit();
    }
  }

  /** SIGCONT: the frozen manager carries on where it stopped. */
  thaw(manager: ManagerProcess): void {
    manager.handle.child.kill('SIGCONT');
    this.frozen.delete(manager);
  }

  /** Starts a fault worker behind its proxies and waits until a manager accepted its registration. */
  async startWorker(): Promise<FaultWorkerProcess> {
    const port = await freePort();
    const outbound = await TcpProxy.start(this.managerUpstreams(), { healthPath: '/health' });
    const inbound = await TcpProxy.start([{ host: '127.0.0.1', port }]);
    const ledgerFile = join(this.ledgerDir, `worker-${++this.workerCount}.jsonl`);
    const handle = nodeProcess(
      `fault-worker-${this.workerCount}:${port}`,
      'apps/manager-e2e/dist/faults/fault-worker.js',
      {
        CHACONNE_MANAGER_URL: outbound.url,
        CHACONNE_SECRET: this.stack.secret,
        FAULT_WORKER_PORT: String(port),
        CHACONNE_WORKER_BASE_URL: inbound.url,
        FAULT_LEDGER_FILE: ledgerFile,
      },
    );
    const worker: FaultWorkerProcess = {
      handle,
      instanceId: '',
      ledgerFile,
      inbound,
      outbound,
      url: inbound.url,
    };
    this.workers.push(worker);
    const line = await handle.waitForLine(/\[fault-worker\] registered as \S+/, 30_000);
    worker.instanceId = line.replace(/.*registered as /, '').trim();
    return worker;
  }

  /** SIGKILLs a worker (its proxies close; its ledger stays for the checker). */
  async killWorker(
    worker: FaultWorkerProcess,
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    worker.handle.child.kill('SIGKILL');
    const exit = await worker.handle.waitForExit(5_000);
    await this.retire(worker);
    return exit;
  }

  /** The worker whose base URL (inbound proxy) is `address`. */
  workerAt(address: string | null): FaultWorkerProcess {
    const worker = this.workers.find((w) => w.url === address);
    if (!worker) throw new Error(`no fault worker at ${String(address)}`);
    return worker;
  }

  /** Persists FaultJobs (all at once); answers their ids by name. */
  async persist(specs: readonly FaultJobSpec[]): Promise<void> {
    await Promise.all(
      specs.map(async (spec) => {
        const base = chaconneBody(
          spec.name,
          FAULT_JOB_CLASS,
          `*/${spec.everySeconds ?? 1} * * * * ?`,
          JSON.stringify({ ms: spec.ms }),
        );
        const body = {
          ...base,
          jobKey: { ...base.jobKey, clusterName: FAULT_CLUSTER, groupName: FAULT_GROUP },
          retries: spec.retries ?? 0,
          retryBackoff: { policy: 'FIXED', delayMs: 500 },
          ...(spec.overlapPolicy ? { overlapPolicy: spec.overlapPolicy } : {}),
          ...(spec.everySeconds === undefined ? { trigger: { triggerType: 0 } } : {}),
        };
        const answer = await adminPost<number>(this.stack, this.adminUrl, '/job/admin/persistJob', body);
        if (answer.status !== 200)
          throw new Error(`persistJob ${spec.name} answered ${answer.status}: ${answer.body.msg}`);
        this.jobs.set(spec.name, { jobId: answer.body.data, spec });
      }),
    );
  }

  /** Every occurrence the scheduled jobs should fire in [from, to]. */
  planned(from: number, to: number): PlannedJob[] {
    return [...this.jobs.entries()].flatMap(([name, { jobId, spec }]) =>
      spec.everySeconds === undefined
        ? []
        : [
            {
              jobId,
              name,
              occurrences: everyNSeconds(from, to, spec.everySeconds),
              steady: spec.steady ?? false,
            },
          ],
    );
  }

  /** Every run the manager stored, as the checker takes them. */
  async records(): Promise<RunRecord[]> {
    const rows = await queryDatabase<RunRow>(
      this.stack.mysqlUrl,
      `SELECT ${RUN_ROW_COLUMNS} FROM chac_job_run`,
    );
    return rows.map(toRunRecord);
  }

  /** Every handler start and end every fault worker (live or gone) recorded. */
  ledger(): LedgerEntry[] {
    return readLedgers([...this.workers, ...this.retiredWorkers].map((w) => w.ledgerFile));
  }

  /** The checker's report on the scheduled jobs over `window`, from the current records and ledgers. */
  async check(window: CheckWindow): Promise<CheckReport> {
    return checkRuns(this.planned(window.from, window.to), await this.records(), this.ledger(), window);
  }

  /**
   * Waits until every occurrence in the window has a final record (no `missing` or `open`
   * left), then answers the report; after `timeoutMs` answers the last report as it is, for
   * the test to show what is still missing.
   */
  async settledCheck(window: CheckWindow, timeoutMs: number): Promise<CheckReport> {
    let last: CheckReport | undefined;
    try {
      return await waitFor(
        'every occurrence of the window to have a final record',
        async () => {
          last = await this.check(window);
          return last.violations.some((v) => v.kind === 'missing' || v.kind === 'open') ? undefined : last;
        },
        timeoutMs,
        500,
      );
    } catch {
      return last ?? this.check(window);
    }
  }

  /** BullMQ's 'stalled' events of the fire queue: fires taken back from a dead or frozen manager. */
  async stalledFires(): Promise<number> {
    const redis = new Redis(this.stack.redisUrl);
    try {
      const entries = await redis.xrange(`${this.stack.prefix}:fire:events`, '-', '+');
      return entries.filter(([, fields]) => fields[0] === 'event' && fields[1] === 'stalled').length;
    } finally {
      await redis.quit();
    }
  }

  /** Stops everything it started (a frozen manager is resumed first), drops the database and keys. */
  async stop(): Promise<void> {
    for (const manager of this.frozen) this.thaw(manager);
    await Promise.all(this.workers.map((w) => w.handle.stop(5_000)));
    await Promise.all([...this.workers].map((w) => this.retire(w)));
    await Promise.all(this.managers.map((m) => m.handle.stop()));
    await dropStack(this.stack);
    rmSync(this.ledgerDir, { recursive: true, force: true });
  }

  private async retire(worker: FaultWorkerProcess): Promise<void> {
    const index = this.workers.indexOf(worker);
    if (index >= 0) this.workers.splice(index, 1);
    this.retiredWorkers.push(worker);
    await Promise.all([worker.inbound.close(), worker.outbound.close()]);
  }

  private managerUpstreams(): { host: string; port: number }[] {
    return this.managers.map((m) => ({ host: '127.0.0.1', port: m.port }));
  }

  private updateUpstreams(): void {
    for (const worker of this.workers) worker.outbound.setUpstreams(this.managerUpstreams());
  }
}
