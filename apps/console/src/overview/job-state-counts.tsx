import { Group, SimpleGrid, Text, UnstyledButton } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useJobManager } from '../api/api-context';
import { QueryState } from '../components/query-state';
import { JobStateBadge } from '../components/state-badges';
import { paths } from '../paths';
import { Section } from '../components/section';
import { OVERVIEW_REFRESH_MS } from './refresh';

/** How many jobs are in each state; each count links to the job list filtered by that state. */
export function JobStateCounts() {
  const jobManager = useJobManager();
  const query = useQuery({
    queryKey: ['jobStateCount'],
    queryFn: () => jobManager.selectJobStateCount(),
    refetchInterval: OVERVIEW_REFRESH_MS,
  });
  return (
    <Section title="Jobs by state">
      <QueryState query={query} isEmpty={(counts) => counts.length === 0} empty="No jobs yet.">
        {(counts) => (
          <SimpleGrid cols={{ base: 2, sm: 3 }} spacing="xs">
            {counts.map((c) => (
              <UnstyledButton
                key={c.jobState}
                component={Link}
                to={paths.jobs(`?state=${c.jobState}`)}
                aria-label={`${c.displayJobState}: ${c.jobCount} jobs`}
              >
                <Group justify="space-between" wrap="nowrap">
                  <JobStateBadge state={c.jobState} />
                  <Text fw={700}>{c.jobCount}</Text>
                </Group>
              </UnstyledButton>
            ))}
          </SimpleGrid>
        )}
      </QueryState>
    </Section>
  );
}
