import type { WorkerInstanceInfo } from '@chaconne/client';
import { Anchor, Table } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useJobManager } from '../api/api-context';
import { QueryState } from '../components/query-state';
import { paths } from '../paths';
import { Section } from '../components/section';
import { OVERVIEW_REFRESH_MS } from './refresh';

interface GroupSummary {
  clusterName: string;
  groupName: string;
  instances: number;
  draining: number;
  activeRuns: number;
}

/** Live instances counted per cluster and group, sorted by name. */
function byGroup(live: WorkerInstanceInfo[]): GroupSummary[] {
  const groups = new Map<string, GroupSummary>();
  for (const w of live) {
    const key = JSON.stringify([w.clusterName, w.groupName]);
    const g = groups.get(key) ?? {
      clusterName: w.clusterName,
      groupName: w.groupName,
      instances: 0,
      draining: 0,
      activeRuns: 0,
    };
    g.instances += 1;
    g.draining += w.draining ? 1 : 0;
    g.activeRuns += w.activeRuns;
    groups.set(key, g);
  }
  return [...groups.values()].sort(
    (a, b) => a.clusterName.localeCompare(b.clusterName) || a.groupName.localeCompare(b.groupName),
  );
}

export function WorkersOnline() {
  const jobManager = useJobManager();
  const query = useQuery({
    queryKey: ['workers'],
    queryFn: () => jobManager.selectWorkers(),
    refetchInterval: OVERVIEW_REFRESH_MS,
  });
  return (
    <Section title="Workers online">
      <QueryState query={query} isEmpty={(w) => w.live.length === 0} empty="No worker instance is online.">
        {(overview) => (
          <Table.ScrollContainer minWidth={360}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Cluster</Table.Th>
                  <Table.Th>Group</Table.Th>
                  <Table.Th ta="right">Instances</Table.Th>
                  <Table.Th ta="right">Runs in flight</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {byGroup(overview.live).map((g) => (
                  <Table.Tr key={`${g.clusterName}\u0000${g.groupName}`}>
                    <Table.Td>{g.clusterName}</Table.Td>
                    <Table.Td>{g.groupName}</Table.Td>
                    <Table.Td ta="right">
                      {g.instances}
                      {g.draining > 0 && ` (${g.draining} draining)`}
                    </Table.Td>
                    <Table.Td ta="right">{g.activeRuns}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            <Anchor component={Link} to={paths.workers()} size="sm">
              All workers
            </Anchor>
          </Table.ScrollContainer>
        )}
      </QueryState>
    </Section>
  );
}
