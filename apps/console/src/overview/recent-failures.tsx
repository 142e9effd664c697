import { RunningState } from '@chaconne/client';
import { Anchor, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useJobManager } from '../api/api-context';
import { formatTime, fromNow } from '../components/format';
import { QueryState } from '../components/query-state';
import { paths } from '../paths';
import { Section } from '../components/section';
import { OVERVIEW_REFRESH_MS } from './refresh';

/** The ten latest failed runs of any job, each linking to its run page. */
export function RecentFailures() {
  const jobManager = useJobManager();
  const query = useQuery({
    queryKey: ['runs', { runningState: RunningState.FAILED, size: 10 }],
    queryFn: () => jobManager.selectRuns({ runningState: RunningState.FAILED, page: 1, size: 10 }),
    refetchInterval: OVERVIEW_REFRESH_MS,
  });
  return (
    <Section title="Recent failures">
      <QueryState query={query} isEmpty={(p) => p.content.length === 0} empty="No failed runs.">
        {(page) => (
          <Table.ScrollContainer minWidth={560}>
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Run</Table.Th>
                  <Table.Th>Job</Table.Th>
                  <Table.Th>Planned</Table.Th>
                  <Table.Th>Reason</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {page.content.map((run) => (
                  <Table.Tr key={run.traceId} data-testid="failure-row">
                    <Table.Td>
                      <Anchor component={Link} to={paths.run(run.traceId)}>
                        #{run.traceId}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <Anchor component={Link} to={paths.job(run.jobKey)}>
                        {run.jobKey.jobName}
                      </Anchor>
                      <Text size="xs" c="dimmed">
                        {run.jobKey.clusterName} / {run.jobKey.groupName}
                      </Text>
                    </Table.Td>
                    <Table.Td title={formatTime(run.plannedTime)}>{fromNow(run.plannedTime)}</Table.Td>
                    <Table.Td>
                      <Text size="sm" lineClamp={2}>
                        {run.reason ?? '—'}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryState>
    </Section>
  );
}
