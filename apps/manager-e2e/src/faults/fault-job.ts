import { setTimeout as delay } from 'node:timers/promises';
import type { JobContext, JobHandler } from '@chaconne/worker';
import { appendLedger, type LedgerEntry } from '@chaconne/testing';

/** Where the fault suite's jobs live: the fault worker's cluster, group and job class. */
export const FAULT_CLUSTER = 'fault-cluster';
export const FAULT_GROUP = 'fault-worker';
export const FAULT_JOB_CLASS = 'FaultJob';

/** The attachment of a FaultJob: how long its handler works. */
export interface FaultJobAttachment {
  ms?: number;
}

function workMs(attachment: string | null): number {
  try {
    const ms = (JSON.parse(attachment ?? '{}') as FaultJobAttachment).ms;
    return typeof ms === 'number' && ms >= 0 ? ms : 0;
  } catch {
    return 0;
  }
}

/**
 * FaultJob: works `ms` of its attachment (aborted by the run's signal) and appends its start
 * and end to `ledgerFile`. The start is written before anything else the handler does.
 */
export function faultJob(ledgerFile: string): JobHandler {
  return async (ctx: JobContext): Promise<{ workedMs: number }> => {
    const entry: Omit<LedgerEntry, 'event' | 'at'> = {
      runId: ctx.runId,
      jobId: ctx.jobId,
      jobName: ctx.jobKey.jobName,
      attempt: ctx.attempt,
      plannedAt: ctx.plannedAt.getTime(),
      pid: process.pid,
      instanceId: ctx.instanceId,
    };
    appendLedger(ledgerFile, { event: 'start', ...entry, at: Date.now() });
    const ms = workMs(ctx.attachment);
    try {
      if (ms > 0) await delay(ms, undefined, { signal: ctx.signal });
    } catch (error) {
      appendLedger(ledgerFile, { event: 'end', ...entry, at: Date.now(), outcome: 'failed' });
      throw error;
    }
    appendLedger(ledgerFile, { event: 'end', ...entry, at: Date.now(), outcome: 'completed' });
    return { workedMs: ms };
  };
}
