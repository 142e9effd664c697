import { randomInt } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { JobContext, NotManagedJob } from '@chaconne/worker';
import { parseAttachment } from './attachment';

export interface EtlResult {
  rows: number;
  /** The attachment, parsed when it is JSON. */
  parameter: unknown;
}

/**
 * A dynamic job (Chaconne's `NotManagedJob`): its definition and schedule are created in
 * the manager (admin API, client or console) with jobClassName `EtlJob` (or
 * `com.example.EtlJob`: the simple name matches).
 */
export class EtlJob implements NotManagedJob {
  async execute(ctx: JobContext): Promise<EtlResult> {
    ctx.log.info('JobKey:{}, Parameter: {}', ctx.jobKey, ctx.attachment);
    // Stand-in for real work; honours cancellation and timeouts through ctx.signal.
    await delay(100, undefined, { signal: ctx.signal });
    const rows = randomInt(1, 10_000);
    ctx.log.info('loaded {} rows', rows);
    return { rows, parameter: parseAttachment(ctx.attachment) };
  }

  onSuccess(ctx: JobContext, result: unknown): void {
    ctx.log.info("EtlJob's return value is: {}", result);
  }
}
