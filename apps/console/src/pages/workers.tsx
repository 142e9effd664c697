import { Group, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useJobManager } from '../api/api-context';
import { QueryState } from '../components/query-state';
import { Section } from '../components/section';
import { LiveWorkers } from '../workers/live-workers';
import { LostWorkers } from '../workers/lost-workers';

const REFRESH_MS = 5_000;

/** The worker instances: live ones by cluster and group (refreshed every 5 s), and those lost in the last hour. */
export function WorkersPage() {
  const jobManager = useJobManager();
  const workers = useQuery({
    queryKey: ['workers'],
    queryFn: () => jobManager.selectWorkers(),
    refetchInterval: REFRESH_MS,
  });
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={2}>Workers</Title>
        <Text size="sm" c="dimmed">
          Refreshed every 5 s
        </Text>
      </Group>
      <Section title="Live instances">
        <QueryState
          query={workers}
          isEmpty={(w) => w.live.length === 0}
          empty="No worker instance is online. Start one with the worker SDK; it registers itself."
        >
          {(w) => <LiveWorkers workers={w.live} />}
        </QueryState>
      </Section>
      <Section title="Lost in the last hour">
        <QueryState
          query={workers}
          isEmpty={(w) => w.lost.length === 0}
          empty="No instance was lost in the last hour."
        >
          {(w) => <LostWorkers workers={w.lost} />}
        </QueryState>
      </Section>
    </Stack>
  );
}
