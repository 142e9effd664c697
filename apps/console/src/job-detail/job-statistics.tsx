import { SimpleGrid, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { JobKey } from '@chaconne/client';
import { useJobManager } from '../api/api-context';
import { QueryState } from '../components/query-state';
import { Section } from '../components/section';
import { StatChart } from '../components/stat-chart';
import { jobQueryKey } from './job-queries';

/** The job's runs by outcome per day (last 30 days) and per month (the last three). */
export function JobStatistics({ jobKey, jobId }: { jobKey: JobKey; jobId: number }) {
  const jobManager = useJobManager();
  const byDay = useQuery({
    queryKey: [...jobQueryKey(jobKey), 'statByDay'],
    queryFn: () => jobManager.selectJobStatByDay({ jobId, lastDays: 30 }),
  });
  const byMonth = useQuery({
    queryKey: [...jobQueryKey(jobKey), 'statByMonth'],
    queryFn: () => jobManager.selectJobStatByMonth({ jobId }),
  });
  return (
    <Section title="Statistics">
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Stack gap={4}>
          <Text fw={600} size="sm">
            By day (last 30 days)
          </Text>
          <QueryState query={byDay}>
            {(days) => <StatChart data={days} label="Daily runs chart" />}
          </QueryState>
        </Stack>
        <Stack gap={4}>
          <Text fw={600} size="sm">
            By month
          </Text>
          <QueryState query={byMonth}>
            {(months) => <StatChart data={months} kind="line" label="Monthly runs chart" />}
          </QueryState>
        </Stack>
      </SimpleGrid>
    </Section>
  );
}
