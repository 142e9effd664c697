import { SimpleGrid, Stack, Title } from '@mantine/core';
import { JobStateCounts } from '../overview/job-state-counts';
import { RecentFailures } from '../overview/recent-failures';
import { RunsByOutcome } from '../overview/runs-by-outcome';
import { Totals } from '../overview/totals';
import { WorkersOnline } from '../overview/workers-online';

/** The scheduler at a glance; every panel refreshes itself every 10 s. */
export function OverviewPage() {
  return (
    <Stack>
      <Title order={2}>Overview</Title>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <JobStateCounts />
        <Totals />
      </SimpleGrid>
      <RunsByOutcome />
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <WorkersOnline />
        <RecentFailures />
      </SimpleGrid>
    </Stack>
  );
}
