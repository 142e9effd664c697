import { LogLevel, ManagerRoutes, type LogBatch, type LogLine } from '@chaconne/contracts';
import { backoffDelay, type BackoffOptions } from './backoff';
import { isFinalRefusal } from './errors';
import type { JobLogger } from './job';
import type { WorkerLogger } from './logger';
import type { ManagerTransport } from './manager-client';
import { formatLogMessage } from './message-format';

export interface LogShippingOptions {
  flushIntervalMs: number;
  maxBatchLines: number;
  maxBufferedLines: number;
}

export interface LogShipperDeps {
  transport: ManagerTransport;
  instanceId: string;
  logger: WorkerLogger;
  backoff: BackoffOptions;
}

interface Entry {
  runId: number;
  line: LogLine;
}

interface Batch {
  runId: number;
  lines: LogLine[];
  dropped: number;
}

/**
 * Characters of one batch's messages: well under the manager's body limit of the logs route
 * (2 MiB) even with every character JSON-escaped, whatever `maxBatchLines` is (a line alone always goes).
 */
const MAX_BATCH_CHARS = 256 * 1024;
/** What a line adds to a batch besides its message (level, time, JSON punctuation). */
const LINE_OVERHEAD_CHARS = 64;

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const LEVEL_NAMES: Record<LogLevel, string> = {
  [LogLevel.TRACE]: 'TRACE',
  [LogLevel.DEBUG]: 'DEBUG',
  [LogLevel.INFO]: 'INFO',
  [LogLevel.WARN]: 'WARN',
  [LogLevel.ERROR]: 'ERROR',
};

/**
 * Buffers run log lines and ships them to the manager in batches (`POST /worker/runs/:id/logs`):
 * every `flushIntervalMs`, or at once when `maxBatchLines` are waiting. The buffer is
 * bounded: when the manager is slow or down the oldest lines are dropped and counted in the
 * next batch's `dropped`, so a handler's `ctx.log` call never waits and memory stays flat.
 */
export class LogShipper {
  private entries: Entry[] = [];
  private readonly dropped = new Map<number, number>();
  private readonly openRuns = new Set<number>();
  private readonly inFlight = new Map<number, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private timerDelay = 0;
  private flushing = false;
  private failureStreak = 0;
  private closed = false;
  private readonly lateLineWarned = new Set<number>();

  constructor(
    private readonly deps: LogShipperDeps,
    private readonly options: LogShippingOptions,
  ) {}

  /** Lines waiting to be shipped. */
  get pending(): number {
    return this.entries.length;
  }

  /** A logger for one run; lines logged after {@link endRun} are not shipped. */
  openRun(runId: number, echo?: WorkerLogger): JobLogger {
    this.openRuns.add(runId);
    const write =
      (level: LogLevel) =>
      (message: string, ...args: unknown[]): void => {
        const text = formatLogMessage(message, args);
        if (echo) echo.log(`[run ${runId}] ${LEVEL_NAMES[level]} ${text}`);
        this.push(runId, { level, message: text, time: new Date().toISOString() });
      };
    return {
      trace: write(LogLevel.TRACE),
      debug: write(LogLevel.DEBUG),
      info: write(LogLevel.INFO),
      warn: write(LogLevel.WARN),
      error: write(LogLevel.ERROR),
    };
  }

  /** The run has finished: later lines (from a handler that ignored its signal) are dropped. */
  endRun(runId: number): void {
    this.openRuns.delete(runId);
  }

  /**
   * Ships every buffered line of a run, batch by batch, waiting for batches already in
   * flight. Throws if the manager does not take a batch (the caller retries with backoff).
   */
  async flushRun(runId: number, signal?: AbortSignal): Promise<void> {
    for (;;) {
      const inFlight = this.inFlight.get(runId);
      if (inFlight) {
        await inFlight.catch(() => undefined);
        continue;
      }
      const batch = this.take(runId);
      if (!batch) return;
      await this.send(batch, signal);
    }
  }

  /**
   * Last pass at shutdown: one attempt per remaining batch, bounded by `timeoutMs`; what
   * cannot be shipped is dropped with a warning. Clears the flush timer.
   */
  async close(timeoutMs: number): Promise<void> {
    this.closed = true;
    this.clearTimer();
    const deadline = AbortSignal.timeout(timeoutMs);
    const expired = new Promise<void>((resolve) => {
      deadline.addEventListener('abort', () => {
        resolve();
      });
    });
    const bounded = (work: Promise<unknown>): Promise<unknown> =>
      Promise.race([work.catch(() => undefined), expired]);
    await bounded(Promise.all(this.inFlight.values()));
    let lost = 0;
    for (let first = this.entries[0]; first; first = this.entries[0]) {
      const batch = this.take(first.runId);
      if (!batch) break;
      if (deadline.aborted) {
        lost += batch.lines.length;
        continue;
      }
      const sent = this.send(batch, deadline, false).then(
        () => true,
        () => false,
      );
      if ((await bounded(sent)) !== true) lost += batch.lines.length;
    }
    if (lost > 0)
      this.deps.logger.warn(`dropped ${lost} run log lines at shutdown: the manager did not take them`);
    this.entries = [];
  }

  private push(runId: number, line: LogLine): void {
    if (!this.openRuns.has(runId)) {
      if (!this.lateLineWarned.has(runId)) {
        if (this.lateLineWarned.size >= 1_000) this.lateLineWarned.clear();
        this.lateLineWarned.add(runId);
        this.deps.logger.warn(
          `run ${runId} logged after it finished (did the handler ignore ctx.signal?); line dropped`,
        );
      }
      return;
    }
    this.entries.push({ runId, line });
    this.enforceBound();
    this.schedule(this.entries.length >= this.options.maxBatchLines ? 0 : this.options.flushIntervalMs);
  }

  private enforceBound(): void {
    const overflow = this.entries.length - this.options.maxBufferedLines;
    if (overflow <= 0) return;
    for (const { runId } of this.entries.splice(0, overflow)) {
      this.dropped.set(runId, (this.dropped.get(runId) ?? 0) + 1);
    }
  }

  /** Removes up to one batch of a run's lines (oldest first) with its dropped count. */
  private take(runId: number): Batch | undefined {
    const lines: LogLine[] = [];
    const rest: Entry[] = [];
    let chars = 0;
    let full = false;
    for (const entry of this.entries) {
      if (entry.runId === runId && !full) {
        const size = entry.line.message.length + LINE_OVERHEAD_CHARS;
        full =
          lines.length >= this.options.maxBatchLines || (lines.length > 0 && chars + size > MAX_BATCH_CHARS);
        if (!full) {
          lines.push(entry.line);
          chars += size;
          continue;
        }
      }
      rest.push(entry);
    }
    const dropped = this.dropped.get(runId) ?? 0;
    if (lines.length === 0 && dropped === 0) return undefined;
    this.entries = rest;
    this.dropped.delete(runId);
    return { runId, lines, dropped };
  }

  private requeue(batch: Batch): void {
    this.entries = [...batch.lines.map((line) => ({ runId: batch.runId, line })), ...this.entries];
    if (batch.dropped > 0)
      this.dropped.set(batch.runId, (this.dropped.get(batch.runId) ?? 0) + batch.dropped);
    this.enforceBound();
  }

  private async send(batch: Batch, signal?: AbortSignal, requeueOnFailure = true): Promise<void> {
    const body: LogBatch = { instanceId: this.deps.instanceId, lines: batch.lines, dropped: batch.dropped };
    const attempt = this.deps.transport.post<unknown>(ManagerRoutes.logs(batch.runId), body, signal).then(
      () => undefined,
      (error: unknown) => {
        if (isFinalRefusal(error)) {
          this.deps.logger.warn(
            `run ${batch.runId}: ${batch.lines.length} log lines refused, not resent: ${error.message}`,
          );
          return;
        }
        if (requeueOnFailure) this.requeue(batch);
        throw error;
      },
    );
    this.inFlight.set(batch.runId, attempt);
    try {
      await attempt;
    } finally {
      if (this.inFlight.get(batch.runId) === attempt) this.inFlight.delete(batch.runId);
    }
  }

  private schedule(delayMs: number): void {
    if (this.closed || this.flushing) return;
    if (this.timer) {
      if (delayMs >= this.timerDelay || this.failureStreak > 0) return;
      this.clearTimer();
    }
    this.timerDelay = delayMs;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.backgroundFlush();
    }, delayMs);
    // Shipping logs is no reason to keep a process alive; close() ships what is left.
    this.timer.unref();
  }

  // A method, not the field: the flag changes while a flush awaits.
  private isClosed(): boolean {
    return this.closed;
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async backgroundFlush(): Promise<void> {
    if (this.flushing || this.closed) return;
    this.flushing = true;
    try {
      for (let first = this.entries[0]; first && !this.isClosed(); first = this.entries[0]) {
        const inFlight = this.inFlight.get(first.runId);
        if (inFlight) {
          await inFlight.catch(() => undefined);
          continue;
        }
        const batch = this.take(first.runId);
        if (!batch) break;
        await this.send(batch);
      }
      if (this.failureStreak > 0) this.deps.logger.log('run logs reach the manager again');
      this.failureStreak = 0;
    } catch (error) {
      if (this.failureStreak === 0) {
        this.deps.logger.warn(
          `cannot ship run logs (${describe(error)}); buffering up to ${this.options.maxBufferedLines} lines, oldest dropped first`,
        );
      }
      this.failureStreak++;
    } finally {
      this.flushing = false;
      if (this.entries.length > 0 && !this.isClosed()) {
        this.schedule(
          this.failureStreak > 0
            ? backoffDelay(this.failureStreak - 1, this.deps.backoff)
            : this.options.flushIntervalMs,
        );
      }
    }
  }
}
