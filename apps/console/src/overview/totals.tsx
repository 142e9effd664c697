import { SimpleGrid, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useJobManager } from '../api/api-context';
import { fromNow } from '../components/format';
import { QueryState } from '../components/query-state';
import { Section } from '../components/section';
import { OVERVIEW_REFRESH_MS } from './refresh';

function Figure({ label, value }: { label: string; value: string | number }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text fw={700} size="lg">
        {value}
      </Text>
    </Stack>
  );
}

/** Totals over every day the statistics hold. */
export function Totals() {
  const jobManager = useJobManager();
  const query = useQuery({
    queryKey: ['jobStat'],
    queryFn: () => jobManager.selectJobStat(),
    refetchInterval: OVERVIEW_REFRESH_MS,
  });
  return (
    <Section title="Totals">
      <QueryState query={query}>
        {(stat) => (
          <SimpleGrid cols={{ base: 2, sm: 3 }} spacing="sm">
            <Figure label="Jobs" value={stat.jobCount} />
            <Figure label="Completed" value={stat.completedCount} />
            <Figure label="Failed" value={stat.failedCount} />
            <Figure label="Skipped" value={stat.skippedCount} />
            <Figure label="Retries" value={stat.retryCount} />
            <Figure label="Last run" value={fromNow(stat.lastExecutionTime)} />
          </SimpleGrid>
        )}
      </QueryState>
    </Section>
  );
}
