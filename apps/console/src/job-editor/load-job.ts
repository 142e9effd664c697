import { DependencyType, type JobManager } from '@chaconne/client';
import type { JobDetail, JobKey, JobPersistParameter } from '@chaconne/contracts';
import { parseTriggerDescription } from '../components/trigger-text';
import { wallClockFromWire, wallClockToWire } from './wall-clock';

/**
 * The persistJob body that would define a stored job as it is: getJobDetail's fields mapped
 * back (the trigger description is a JSON string there; dates are instants, sent back as
 * wall-clock text in the job's zone), with its upstream and fork jobs.
 */
export function detailToBody(
  detail: JobDetail,
  dependentKeys: JobKey[],
  forkKeys: JobKey[],
): JobPersistParameter {
  const t = detail.jobTriggerDetail;
  const { cron, periodic } = parseTriggerDescription(t.triggerDescription);
  const wall = (date: string | null) => wallClockToWire(wallClockFromWire(date, t.timeZone)) ?? null;
  return {
    jobKey: detail.jobKey,
    description: detail.description,
    email: detail.email === '' ? null : detail.email,
    retries: detail.retries,
    timeout: detail.timeout,
    weight: detail.weight,
    ...(dependentKeys.length > 0 ? { dependentKeys } : {}),
    ...(forkKeys.length > 0 ? { forkKeys, completionRate: detail.completionRate } : {}),
    trigger: {
      triggerType: t.triggerType,
      triggerDescription: cron ? { cron } : periodic ? { periodic } : null,
      startDate: wall(t.startDate),
      endDate: wall(t.endDate),
      repeatCount: t.repeatCount,
      timeZone: t.timeZone,
    },
    attachment: detail.attachment,
    clusterMode: detail.clusterMode,
    loadBalancer: detail.loadBalancer,
    hashKey: detail.hashKey,
    labels: Object.keys(detail.labels).length > 0 ? detail.labels : null,
    retryBackoff: detail.retryBackoff,
    overlapPolicy: detail.overlapPolicy,
    misfirePolicy: detail.misfirePolicy,
    startDeadlineSeconds: detail.startDeadlineSeconds,
    maxConsecutiveFailures: detail.maxConsecutiveFailures,
    terminationStrategy: detail.terminationStrategy,
    freezeAfterTimeouts: detail.freezeAfterTimeouts,
  };
}

/** A stored job as the editor's starting body. */
export async function loadJobBody(jobManager: JobManager, jobKey: JobKey): Promise<JobPersistParameter> {
  const [detail, dependentKeys, forkKeys] = await Promise.all([
    jobManager.getJobDetail(jobKey),
    jobManager.getDependentKeys(jobKey, DependencyType.SERIAL),
    jobManager.getDependentKeys(jobKey, DependencyType.PARALLEL),
  ]);
  return detailToBody(detail, dependentKeys, forkKeys);
}
