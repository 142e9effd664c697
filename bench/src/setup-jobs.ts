import type { JobPersistParameter } from '@chaconne/contracts';
import { type AdminApi, forEachBounded } from './admin-api';

/**
 * Persists `count` jobs through the admin API with at most `concurrency` requests in
 * flight (the set-up of a scenario, not what it measures); answers the rate, jobs/s.
 */
export async function persistJobs(
  api: AdminApi,
  count: number,
  concurrency: number,
  body: (index: number) => JobPersistParameter,
  progress?: (done: number) => void,
): Promise<number> {
  const startedAt = Date.now();
  let done = 0;
  const step = Math.max(1, Math.floor(count / 10));
  await forEachBounded(count, concurrency, async (index) => {
    await api.call('/job/admin/persistJob', body(index));
    done++;
    if (progress && done % step === 0) progress(done);
  });
  return count / Math.max(0.001, (Date.now() - startedAt) / 1000);
}

/** The first whole second at least `ms` from now. */
export function wholeSecondAfter(ms: number): number {
  return Math.ceil((Date.now() + ms) / 1000) * 1000;
}
