import type { JobDetail, JobState, RunningState, TriggerType } from '@chaconne/contracts';
import { storedRunPolicy } from './dto/run-policy.dto';
import type { JobDetailEntity } from './job-detail.entity';
import type { JobRuntimeEntity } from './job-runtime.entity';
import type { JobTriggerEntity } from './job-trigger.entity';

/** Dates on the admin API are ISO-8601 in UTC. */
export const isoOrNull = (date: Date | null): string | null => (date ? date.toISOString() : null);

export function toJobDetail(
  detail: JobDetailEntity,
  trigger: JobTriggerEntity,
  runtime: JobRuntimeEntity,
): JobDetail {
  return {
    jobId: detail.jobId,
    jobKey: {
      clusterName: detail.clusterName,
      groupName: detail.groupName,
      jobName: detail.jobName,
      jobClassName: detail.jobClassName,
    },
    description: detail.description,
    attachment: detail.attachment,
    email: detail.email,
    retries: detail.retries,
    weight: detail.weight,
    timeout: detail.timeout,
    completionRate: detail.completionRate,
    createDate: detail.createDate.toISOString(),
    ...storedRunPolicy(detail.runPolicy),
    jobRuntime: {
      jobId: detail.jobId,
      jobState: runtime.jobState as JobState,
      lastRunningState: runtime.lastRunningState as RunningState | null,
      lastExecutionTime: isoOrNull(runtime.lastExecutionTime),
      lastCompletionTime: isoOrNull(runtime.lastCompletionTime),
      nextExecutionTime: isoOrNull(runtime.nextExecutionTime),
      consecutiveFailures: runtime.consecutiveFailures,
      consecutiveTimeouts: runtime.consecutiveTimeouts,
      freezeCount: runtime.freezeCount,
      frozenUntil: isoOrNull(runtime.frozenUntil),
      stateReason: runtime.stateReason,
    },
    jobTriggerDetail: {
      jobId: detail.jobId,
      triggerType: trigger.triggerType as TriggerType,
      startDate: isoOrNull(trigger.startDate),
      endDate: isoOrNull(trigger.endDate),
      repeatCount: trigger.repeatCount,
      timeZone: trigger.timeZone,
      triggerDescription: trigger.triggerDescription,
    },
  };
}
