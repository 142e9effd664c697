import type { JobStatDetail } from '@chaconne/client';
import { useQuery } from '@tanstack/react-query';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useJobManager } from '../api/api-context';
import { QueryState } from '../components/query-state';
import { Section } from '../components/section';
import { OVERVIEW_REFRESH_MS } from './refresh';

const SERIES = [
  { key: 'completedCount', name: 'Completed', color: 'var(--mantine-color-green-6)' },
  { key: 'failedCount', name: 'Failed', color: 'var(--mantine-color-red-6)' },
  { key: 'skippedCount', name: 'Skipped', color: 'var(--mantine-color-gray-5)' },
  { key: 'finishedCount', name: 'Finished', color: 'var(--mantine-color-dark-4)' },
] as const;

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
        {(days) => (
          <div style={{ width: '100%', height: 260 }}>
            <ResponsiveContainer>
              <BarChart data={days}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} />
                <XAxis
                  dataKey="executionDate"
                  tickFormatter={(day: string) => day.slice(5)}
                  tick={{ fontSize: 11 }}
                  minTickGap={12}
                />
                <YAxis allowDecimals={false} tick={{ fontSize: 11 }} width={40} />
                <Tooltip />
                <Legend />
                {SERIES.map((s) => (
                  <Bar key={s.key} dataKey={s.key} name={s.name} stackId="runs" fill={s.color} />
                ))}
              </BarChart>
            </ResponsiveContainer>
          </div>
        )}
      </QueryState>
    </Section>
  );
}
