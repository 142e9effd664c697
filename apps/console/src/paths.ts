import type { JobKey } from '@chaconne/contracts';
import { useParams } from 'react-router';

/** The console's URLs (relative to /console), one place for every link. */
const seg = (value: string) => encodeURIComponent(value);
const jobBase = (k: JobKey) =>
  `/jobs/${seg(k.clusterName)}/${seg(k.groupName)}/${seg(k.jobName)}/${seg(k.jobClassName)}`;

export const paths = {
  overview: () => '/',
  jobs: (search = '') => `/jobs${search}`,
  newJob: () => '/jobs/new',
  job: (k: JobKey) => jobBase(k),
  editJob: (k: JobKey) => `${jobBase(k)}/edit`,
  run: (traceId: number) => `/runs/${traceId}`,
  workers: () => '/workers',
  statistics: () => '/statistics',
  xcron: () => '/xcron',
};

/** The route pattern of a job's pages (`paths.job`). */
export const JOB_ROUTE = 'jobs/:clusterName/:groupName/:jobName/:jobClassName';

/** The JobKey of the current job route. */
export function useJobKeyParam(): JobKey {
  const { clusterName = '', groupName = '', jobName = '', jobClassName = '' } = useParams();
  return { clusterName, groupName, jobName, jobClassName };
}
