import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { RunningState } from '@chaconne/contracts';
import { MANAGER_CONFIG, type ManagerConfig } from '../../config/manager-config';
import {
  type InManagerJob,
  type InManagerRunner,
  MANAGER_INSTANCE,
  type RunRecorder,
} from '../run/in-manager-runners';
import type { Outcome } from '../run/run-store.service';
import { CallbackClient, type Delivery } from './callback-client';
import { CallbackPolicy } from './callback-policy';
import { parseTaskCallback } from './xcron-task.dto';

const attemptsText = (n: number): string => `${n} attempt${n === 1 ? '' : 's'}`;

/** The run outcome of a delivery: 2xx COMPLETED, anything else FAILED with why. */
export function outcomeOf(delivery: Delivery, startedAt: Date, finishedAt: Date): Outcome {
  const { last, attempts } = delivery;
  if (last.kind === 'response') {
    const result = JSON.stringify({ status: last.status });
    if (last.status >= 200 && last.status < 300)
      return { runningState: RunningState.COMPLETED, startedAt, finishedAt, result };
    const excerpt = last.bodyExcerpt.trim();
    return {
      runningState: RunningState.FAILED,
      reason: `callback answered HTTP ${last.status} (${attemptsText(attempts)})${excerpt ? `: ${excerpt}` : ''}`,
      startedAt,
      finishedAt,
      result,
      errorMessage: `HTTP ${last.status}`,
    };
  }
  // Node's messages often carry the code already ("connect ECONNREFUSED ..."); say it once.
  const what = last.message.includes(last.code) ? last.message : `${last.code} ${last.message}`;
  const reason = last.refused
    ? `callback refused by the SSRF policy: ${last.message}`
    : `callback failed after ${attemptsText(attempts)}: ${what}`;
  return { runningState: RunningState.FAILED, reason, startedAt, finishedAt, errorMessage: last.message };
}

/**
 * Runs `http` jobs (xcron tasks) in the manager: POSTs the task's body to its URL and
 * records the outcome. While the callback is in flight the run's dispatch mark is renewed
 * every heartbeat interval: the run sweeper fails runs whose instance stopped beating, and
 * this keeps a slow callback (timeouts x retries) from being taken for a lost worker,
 * while a manager that dies mid-callback still gets its run failed.
 */
@Injectable()
export class HttpCallbackRunner implements InManagerRunner, OnApplicationShutdown {
  private readonly logger = new Logger(HttpCallbackRunner.name);
  private readonly client: CallbackClient;

  constructor(
    policy: CallbackPolicy,
    @Inject(MANAGER_CONFIG) private readonly config: ManagerConfig,
  ) {
    this.client = new CallbackClient(policy, {
      timeoutMs: config.callbackTimeoutMs,
      retries: config.callbackRetries,
    });
  }

  async run(runId: number, job: InManagerJob, runs: RunRecorder): Promise<void> {
    const callback = parseTaskCallback(job.attachment);
    if (!callback) {
      const reason = `job ${job.job_id} is an http job without a callback { url, body } attachment`;
      this.logger.warn(`run ${runId}: ${reason}`);
      await runs.finish(runId, { runningState: RunningState.FAILED, reason, finishedAt: new Date() });
      return;
    }
    const address = originOf(callback.url);
    await runs.markDispatched(runId, MANAGER_INSTANCE, address);
    const lease = setInterval(() => {
      runs.markDispatched(runId, MANAGER_INSTANCE, address).catch((error: unknown) => {
        this.logger.warn(`run ${runId}: could not renew the dispatch mark (${(error as Error).message})`);
      });
    }, this.config.heartbeatIntervalMs);
    lease.unref();

    const startedAt = new Date();
    let delivery: Delivery;
    try {
      delivery = await this.client.deliver(callback.url, callback.body);
    } finally {
      clearInterval(lease);
    }
    const outcome = outcomeOf(delivery, startedAt, new Date());
    if (outcome.runningState === RunningState.COMPLETED)
      this.logger.debug(`run ${runId}: callback to ${address} done`);
    else this.logger.warn(`run ${runId}: ${outcome.reason ?? 'callback failed'}`);
    await runs.finish(runId, outcome);
  }

  onApplicationShutdown(): void {
    this.client.close();
  }
}

/** Where a callback goes, for the run's `address` (no path or query: they may carry secrets). */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid url)';
  }
}
