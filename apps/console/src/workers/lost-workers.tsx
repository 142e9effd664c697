import type { LostWorkerInstance } from '@chaconne/client';
import { Badge, Table, Text } from '@mantine/core';
import { formatTime, fromNow } from '../components/format';

/** Instances that left or stopped answering in the last hour, latest first. */
export function LostWorkers({ workers }: { workers: LostWorkerInstance[] }) {
  const sorted = [...workers].sort((a, b) => b.lostAt.localeCompare(a.lostAt));
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Instance</Table.Th>
            <Table.Th>Cluster / group</Table.Th>
            <Table.Th>Address</Table.Th>
            <Table.Th>SDK</Table.Th>
            <Table.Th>Lost</Table.Th>
            <Table.Th>Why</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {sorted.map((w) => (
            <Table.Tr
              key={`${w.instanceId}:${w.lostAt}`}
              data-testid="lost-worker-row"
              data-instance-id={w.instanceId}
            >
              <Table.Td>
                <Text size="sm" ff="monospace">
                  {w.instanceId}
                </Text>
              </Table.Td>
              <Table.Td>
                {w.clusterName} / {w.groupName}
              </Table.Td>
              <Table.Td>{w.address}</Table.Td>
              <Table.Td>{w.sdkVersion}</Table.Td>
              <Table.Td title={formatTime(w.lostAt)}>{fromNow(w.lostAt)}</Table.Td>
              <Table.Td miw={140}>
                {w.reason === 'deregistered' ? (
                  <Badge color="gray" variant="light">
                    deregistered
                  </Badge>
                ) : (
                  <Badge color="red" variant="light">
                    heartbeat lost
                  </Badge>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
