import { type JobKey, type JobPersistParameter, OverlapPolicy, TriggerType } from '@chaconne/contracts';

/** The bench workers' cluster and group: every bench job is addressed to them. */
export const BENCH_CLUSTER = 'bench';
export const BENCH_GROUP = 'bench-worker';
/** The no-op job class the bench workers register (bench/src/noop-worker.ts). */
export const NOOP_JOB_CLASS = 'NoopJob';

export function noopJobKey(jobName: string): JobKey {
  return { clusterName: BENCH_CLUSTER, groupName: BENCH_GROUP, jobName, jobClassName: NOOP_JOB_CLASS };
}

type Trigger = JobPersistParameter['trigger'];

/** A one-shot (SIMPLE) trigger due at `atMs`. */
export function oneShotAt(atMs: number): Trigger {
  return { triggerType: TriggerType.SIMPLE, startDate: atMs, endDate: null, repeatCount: -1 };
}

export function cronTrigger(expression: string): Trigger {
  return {
    triggerType: TriggerType.CRON,
    triggerDescription: { cron: { expression } },
    startDate: null,
    endDate: null,
    repeatCount: -1,
  };
}

/**
 * A `persistJob` body shaped like Chaconne's documented example, for the no-op job.
 * `overlapPolicy: ALLOW` lets every occurrence run even when the previous one is still
 * being reported, so a slow second never shows up as a skipped one.
 */
export function noopJobBody(jobName: string, trigger: Trigger): JobPersistParameter {
  return {
    jobKey: noopJobKey(jobName),
    description: 'bench no-op job',
    email: null,
    retries: 0,
    timeout: -1,
    weight: 100,
    dependentKeys: null,
    forkKeys: null,
    completionRate: -1,
    trigger,
    attachment: '{"initialParameter": "test"}',
    overlapPolicy: OverlapPolicy.ALLOW,
  };
}
