import { useQuery } from '@tanstack/react-query';
import { useJobManager } from '../api/api-context';

/** The query-key prefix of one run (its detail, logs and stack trace). */
export const runQueryKey = (traceId: number) => ['run', traceId];

/** Whether a route parameter, as a number, can be a run's trace id. */
export const validTraceId = (traceId: number) => Number.isSafeInteger(traceId) && traceId > 0;

export function useRunDetail(traceId: number) {
  const jobManager = useJobManager();
  return useQuery({
    queryKey: [...runQueryKey(traceId), 'detail'],
    queryFn: () => jobManager.getJobTraceDetail(traceId),
    enabled: validTraceId(traceId),
  });
}
