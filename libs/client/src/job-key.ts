import type { JobKey as JobKeyShape } from '@chaconne/contracts';
import { jobKeySchema, schemaProblems } from '@chaconne/contracts/definition';
import { throwIfAny } from './invalid-definition-error';

const PARTS = ['clusterName', 'groupName', 'jobName', 'jobClassName'] as const;

/**
 * A job's identity (Chaconne's JobKey): cluster, group, job name and job class name, all
 * required. Throws {@link InvalidDefinitionError} when a part is empty, too long or holds a
 * control, bidirectional or other invisible format character (the manager refuses those).
 *
 * @example
 * const key = jobKey('yourCluster', 'yourGroup', 'yourJob', 'com.yourcompany.yourapp.YourJob');
 */
export function jobKey(
  clusterName: string,
  groupName: string,
  jobName: string,
  jobClassName: string,
): JobKeyShape {
  const key = { clusterName, groupName, jobName, jobClassName };
  throwIfAny(schemaProblems(jobKeySchema, key));
  return key;
}

/**
 * Chaconne's `JobKey.by(cluster, group, jobName, jobClassName)`; the type `JobKey` is the
 * plain `{ clusterName, groupName, jobName, jobClassName }` object it returns.
 *
 * @example
 * const key = JobKey.by('yourCluster', 'yourGroup', 'yourJob', 'com.yourcompany.yourapp.YourJob');
 */
export const JobKey = {
  by: jobKey,
  /** The readable form `cluster.group.jobName@jobClassName`. */
  format(key: JobKeyShape): string {
    return `${key.clusterName}.${key.groupName}.${key.jobName}@${key.jobClassName}`;
  },
  /** Whether two keys name the same job. */
  equals(a: JobKeyShape, b: JobKeyShape): boolean {
    return PARTS.every((part) => a[part] === b[part]);
  },
} as const;
export type JobKey = JobKeyShape;
