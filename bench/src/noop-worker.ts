/**
 * The bench's worker process: the `@chaconne/worker` SDK on plain `node:http` with one
 * dynamic job, `NoopJob`, that returns at once. Each handler start is also written to
 * `BENCH_RECORD_FILE` (`runId jobId attempt plannedAtMs startedAtMs` per line), so the
 * bench can count executions on the worker side too: a run dispatched to two workers shows
 * up there even though MySQL holds one row for it.
 *
 *   CHACONNE_MANAGER_URL=... CHACONNE_SECRET=... BENCH_WORKER_PORT=0 node bench/dist/noop-worker.js
 *
 * Prints `[noop-worker] registered as <instanceId>` once the manager accepted it; SIGTERM
 * drains, deregisters, writes the last records and exits.
 */
import { appendFileSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import type { JobContext, NotManagedJob } from '@chaconne/worker';
import { createWorker } from '@chaconne/worker/http';
import { BENCH_CLUSTER, BENCH_GROUP, NOOP_JOB_CLASS } from './jobs';

interface NoopWorkerConfig {
  managerUrl: string;
  secret: string;
  port: number;
  baseUrl: string | undefined;
  recordFile: string | undefined;
  /** Write each start before the handler returns (BENCH_RECORD_SYNC=1): none lost to a SIGKILL. */
  syncRecords: boolean;
}

/** A set-but-empty variable counts as unset. */
const optional = (value: string | undefined): string | undefined => (value === '' ? undefined : value);

function readConfig(env: NodeJS.ProcessEnv): NoopWorkerConfig {
  const managerUrl = env.CHACONNE_MANAGER_URL;
  const secret = env.CHACONNE_SECRET;
  if (!managerUrl || !secret) {
    console.error('[noop-worker] CHACONNE_MANAGER_URL and CHACONNE_SECRET are required');
    process.exit(1);
  }
  return {
    managerUrl,
    secret,
    port: Number(env.BENCH_WORKER_PORT ?? '0'),
    baseUrl: optional(env.CHACONNE_WORKER_BASE_URL),
    recordFile: optional(env.BENCH_RECORD_FILE),
    syncRecords: env.BENCH_RECORD_SYNC === '1',
  };
}

/**
 * Handler starts, buffered and appended to the record file every 250 ms (and at exit), or
 * each at once when `sync`.
 */
class StartRecorder {
  private buffer: string[] = [];
  private readonly timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string | undefined,
    private readonly sync: boolean,
  ) {
    if (file && !sync) this.timer = setInterval(() => void this.flush(), 250);
  }

  record(ctx: JobContext): void {
    if (!this.file) return;
    const line = `${ctx.runId} ${ctx.jobId} ${ctx.attempt} ${ctx.plannedAt.getTime()} ${Date.now()}\n`;
    if (this.sync) appendFileSync(this.file, line);
    else this.buffer.push(line);
  }

  private flush(): Promise<void> {
    const file = this.file;
    if (!file || this.buffer.length === 0) return this.writing;
    const lines = this.buffer.join('');
    this.buffer = [];
    this.writing = this.writing.then(() => appendFile(file, lines));
    return this.writing;
  }

  /** Writes whatever is left, synchronously: called once the worker has drained. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.writing;
    if (this.file && this.buffer.length > 0) appendFileSync(this.file, this.buffer.join(''));
    this.buffer = [];
  }
}

const config = readConfig(process.env);
const recorder = new StartRecorder(config.recordFile, config.syncRecords);

/** Returns at once; its run's `started_at` is the handler start the bench measures. */
class NoopJob implements NotManagedJob {
  execute(ctx: JobContext): null {
    recorder.record(ctx);
    return null;
  }
}

async function main(): Promise<void> {
  const worker = createWorker({
    managerUrl: config.managerUrl,
    secret: config.secret,
    clusterName: BENCH_CLUSTER,
    groupName: BENCH_GROUP,
    ...(config.baseUrl === undefined ? {} : { baseUrl: config.baseUrl }),
  }).addDynamicJob(NoopJob);
  if (NoopJob.name !== NOOP_JOB_CLASS) throw new Error(`job class is ${NoopJob.name}, not ${NOOP_JOB_CLASS}`);
  const { port } = await worker.listen(config.port, '127.0.0.1');
  console.log(`[noop-worker] listening on port ${port}`);

  let closing = false;
  const shutdown = (): void => {
    if (closing) return;
    closing = true;
    worker
      .close()
      .then(() => recorder.close())
      .then(
        () => {
          console.log('[noop-worker] stopped');
        },
        (error: unknown) => {
          console.error('[noop-worker] shutdown failed:', error);
          process.exitCode = 1;
        },
      );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);

  await worker.ready;
  console.log(`[noop-worker] registered as ${worker.instanceId}`);
}

main().catch((error: unknown) => {
  console.error('[noop-worker] failed to start:', error);
  process.exit(1);
});
