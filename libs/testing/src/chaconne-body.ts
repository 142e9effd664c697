import type { JobPersistParameter } from '@chaconne/contracts';

/**
 * The persistJob body of Chaconne's documentation, verbatim but for the key and the cron,
 * addressed to the demo worker's cluster and group.
 */
export function chaconneBody(
  jobName: string,
  jobClassName = 'EtlJob',
  cron = '*/5 * * * * ?',
  attachment = '{"initialParameter": "test"}',
): JobPersistParameter {
  return {
    jobKey: { clusterName: 'demo-cluster', groupName: 'demo-worker', jobName, jobClassName },
    description: 'Describe your job shortly',
    email: 'YourEmail@yourcompany.com',
    retries: 0,
    timeout: -1,
    weight: 100,
    dependentKeys: null,
    forkKeys: null,
    completionRate: -1,
    trigger: {
      triggerType: 1,
      triggerDescription: { cron: { expression: cron } },
      startDate: null,
      endDate: null,
      repeatCount: -1,
    },
    attachment,
  };
}
