import { type BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { ErrorCode, RunningState } from '@chaconne/contracts';
import type { FastifyReply } from 'fastify';
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../../common/app-error';
import { MANAGER_CONFIG, type ManagerConfig } from '../../config/manager-config';
import { RunQueryService } from './run-query.service';

/** How often a tail asks MySQL for new lines (any manager may have stored them). */
export const TAIL_POLL_MS = 500;
/** A comment line this often keeps proxies from closing a quiet stream. */
export const TAIL_HEARTBEAT_MS = 15_000;
/** Log lines read per query. */
const TAIL_BATCH = 500;

interface OpenTail {
  stop: AbortController;
  done: Promise<void>;
}

/**
 * tailJobLog's server-sent events: the run's stored log lines, then each new one (polling
 * MySQL by run and line id, so lines that reached another manager arrive too), then `end`
 * with the outcome. At most CHACONNE_LOG_TAIL_LIMIT streams per manager; a stream stops
 * polling when its client goes away, and every stream ends when the manager shuts down.
 */
@Injectable()
export class LogTailService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(LogTailService.name);
  private readonly tails = new Set<OpenTail>();

  constructor(
    private readonly runs: RunQueryService,
    @Inject(MANAGER_CONFIG) private readonly config: ManagerConfig,
  ) {}

  /** Streams currently open on this manager. */
  get openTails(): number {
    return this.tails.size;
  }

  /**
   * Checks the run and the limit (answered as JSON errors: 404, 429), then takes the reply
   * over and streams; resolves once the stream is open.
   */
  async open(runId: number, afterLogId: number, reply: FastifyReply): Promise<void> {
    await this.runs.outcomeOf(runId);
    if (this.tails.size >= this.config.logTailLimit) {
      throw new AppError(
        ErrorCode.RATE_LIMITED,
        `this manager already serves ${this.tails.size} log tails (CHACONNE_LOG_TAIL_LIMIT); try again later`,
        429,
        undefined,
        { limit: this.config.logTailLimit },
      );
    }
    // Fastify leaves the response alone from here: nothing buffers or serialises it.
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // nginx and similar proxies pass the events on as they come.
      'x-accel-buffering': 'no',
      // A hijacked reply skips the onSend hook that hardens every other answer (http-app.ts).
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
    raw.flushHeaders();
    const stop = new AbortController();
    raw.on('close', () => {
      stop.abort();
    });
    const tail: OpenTail = { stop, done: Promise.resolve() };
    tail.done = this.pump(runId, afterLogId, raw, stop.signal)
      .catch((error: unknown) => {
        if (!stop.signal.aborted)
          this.logger.warn(`log tail of run ${runId} ended: ${(error as Error).message}`);
      })
      .finally(() => {
        this.tails.delete(tail);
        raw.end();
      });
    this.tails.add(tail);
  }

  private async pump(
    runId: number,
    afterLogId: number,
    raw: ServerResponse,
    signal: AbortSignal,
  ): Promise<void> {
    let after = afterLogId;
    let lastWrite = Date.now();
    const write = async (text: string): Promise<void> => {
      lastWrite = Date.now();
      // A slow client: wait for its socket to drain rather than buffer without bound.
      if (!raw.write(text)) await once(raw, 'drain', { signal });
    };
    while (!signal.aborted) {
      // The outcome first, then the lines: every line stored before the outcome is sent before `end`.
      const outcome = await this.runs.outcomeOf(runId);
      for (;;) {
        const lines = await this.runs.logsAfter(runId, after, TAIL_BATCH);
        for (const line of lines) {
          after = line.logId;
          await write(`id: ${line.logId}\nevent: log\ndata: ${JSON.stringify(line.log)}\n\n`);
        }
        if (lines.length < TAIL_BATCH) break;
      }
      if (outcome.runningState !== RunningState.RUNNING) {
        await write(`event: end\ndata: ${JSON.stringify(outcome)}\n\n`);
        return;
      }
      if (Date.now() - lastWrite >= TAIL_HEARTBEAT_MS) await write(': keep-alive\n\n');
      await sleep(TAIL_POLL_MS, undefined, { signal }).catch(() => undefined);
    }
  }

  /** Ends every open stream (before the HTTP server closes, which would wait for them). */
  async beforeApplicationShutdown(): Promise<void> {
    const open = [...this.tails];
    for (const tail of open) tail.stop.abort();
    await Promise.all(open.map((tail) => tail.done));
  }
}
