import type { JobStatDetail } from '@chaconne/client';
import { useQuery } from '@tanstack/react-query';
import { useJobManager } from '../api/api-context';
import { QueryState } from '../components/query-state';
import { Section } from '../components/section';
import { StatChart } from '../components/stat-chart';
import { OVERVIEW_REFRESH_MS } from './refresh';

const noRuns = (days: JobStatDetail[]) =>
  days.every((d) => d.completedCount + d.failedCount + d.skippedCount + d.finishedCount === 0);

/** Runs per day over the last 30 days, stacked by outcome. */
export function RunsByOutcome() {
  const jobManager = useJobManager();
  const query = useQuery({
    queryKey: ['jobStatByDay', 30],
    queryFn: () => jobManager.selectJobStatByDay({ lastDays: 30 }),
    refetchInterval: OVERVIEW_REFRESH_MS,
  });
  return (
    <Section title="Runs by outcome (30 days)">
      <QueryState query={query} isEmpty={noRuns} empty="No runs in the last 30 days.">
        {(days) => <StatChart data={days} label="Runs per day over the last 30 days, by outcome" />}
      </QueryState>
    </Section>
  );
}
