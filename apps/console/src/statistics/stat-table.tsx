import type { JobStatByJob } from '@chaconne/client';
import { Anchor, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import { formatTime } from '../components/format';
import { paths } from '../paths';

/** Per-job counters over the range: one row per job. */
export function StatTable({ rows }: { rows: JobStatByJob[] }) {
  return (
    <Table.ScrollContainer minWidth={820}>
      <Table striped highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Job</Table.Th>
            <Table.Th>Cluster / group</Table.Th>
            <Table.Th ta="right">Completed</Table.Th>
            <Table.Th ta="right">Failed</Table.Th>
            <Table.Th ta="right">Skipped</Table.Th>
            <Table.Th ta="right">Finished</Table.Th>
            <Table.Th ta="right">Retries</Table.Th>
            <Table.Th>Last run</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={row.jobId} data-testid="stat-row">
              <Table.Td>
                <Anchor size="sm" component={Link} to={paths.job(row.jobKey)}>
                  {row.jobKey.jobName}
                </Anchor>
              </Table.Td>
              <Table.Td>
                {row.jobKey.clusterName} / {row.jobKey.groupName}
              </Table.Td>
              <Table.Td ta="right">{row.completedCount}</Table.Td>
              <Table.Td ta="right">
                <Text
                  span
                  size="sm"
                  c={row.failedCount > 0 ? 'red' : undefined}
                  fw={row.failedCount > 0 ? 600 : undefined}
                >
                  {row.failedCount}
                </Text>
              </Table.Td>
              <Table.Td ta="right">{row.skippedCount}</Table.Td>
              <Table.Td ta="right">{row.finishedCount}</Table.Td>
              <Table.Td ta="right">{row.retryCount}</Table.Td>
              <Table.Td>{formatTime(row.lastExecutionTime)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
