import type { JobKey } from '@chaconne/client';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useJobManager } from '../api/api-context';

/** The query-key prefix of everything about one job (detail, runs, statistics, history, relations). */
export const jobQueryKey = (k: JobKey) => ['job', k.clusterName, k.groupName, k.jobName, k.jobClassName];

/** How often the job page asks again for its state and runs: it is watched while a job runs. */
export const JOB_PAGE_REFRESH_MS = 5_000;

export function useJobDetail(jobKey: JobKey) {
  const jobManager = useJobManager();
  return useQuery({
    queryKey: [...jobQueryKey(jobKey), 'detail'],
    queryFn: () => jobManager.getJobDetail(jobKey),
    refetchInterval: JOB_PAGE_REFRESH_MS,
  });
}

/**
 * After a change to a job: everything cached may show it (this job's parts, job lists, the
 * overview's counts), so every active query refetches.
 */
export function useRefreshAfterChange() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries();
}
