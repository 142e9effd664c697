import type { WorkerInstanceInfo } from '@chaconne/client';
import { Badge, Group, Spoiler, Stack, Table, Text, Title } from '@mantine/core';
import { formatDuration, formatTime } from '../components/format';

/** A heartbeat older than this is shown as late (the manager declares an instance lost later). */
const LATE_HEARTBEAT_MS = 15_000;

function groupKey(w: WorkerInstanceInfo) {
  return `${w.clusterName} / ${w.groupName}`;
}

/** The instances by "cluster / group", sorted. */
export function byClusterAndGroup(workers: WorkerInstanceInfo[]): [string, WorkerInstanceInfo[]][] {
  const groups = new Map<string, WorkerInstanceInfo[]>();
  for (const w of workers) groups.set(groupKey(w), [...(groups.get(groupKey(w)) ?? []), w]);
  return [...groups].sort(([a], [b]) => a.localeCompare(b));
}

function Heartbeat({ worker }: { worker: WorkerInstanceInfo }) {
  if (worker.heartbeatAgeMs === null) return <Text size="sm">none yet</Text>;
  const late = worker.heartbeatAgeMs > LATE_HEARTBEAT_MS;
  return (
    <Text size="sm" c={late ? 'red' : undefined} title={formatTime(worker.lastHeartbeatAt)}>
      {formatDuration(worker.heartbeatAgeMs)} ago
    </Text>
  );
}

function WorkerRow({ worker }: { worker: WorkerInstanceInfo }) {
  const labels = Object.entries(worker.labels);
  return (
    <Table.Tr data-testid="worker-row" data-instance-id={worker.instanceId}>
      <Table.Td>
        <Text size="sm" ff="monospace">
          {worker.instanceId}
        </Text>
        <Text size="xs" c="dimmed">
          started {formatTime(worker.startedAt)}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{worker.address}</Text>
      </Table.Td>
      <Table.Td>{worker.weight}</Table.Td>
      <Table.Td style={{ whiteSpace: 'normal' }} miw={140}>
        {labels.length === 0 ? (
          '—'
        ) : (
          <Group gap={4}>
            {labels.map(([k, v]) => (
              <Badge key={k} variant="outline" tt="none" size="sm">
                {k}={v}
              </Badge>
            ))}
          </Group>
        )}
      </Table.Td>
      <Table.Td>
        {worker.sdkVersion} · v{worker.protocolVersion}
      </Table.Td>
      <Table.Td>
        <Heartbeat worker={worker} />
      </Table.Td>
      <Table.Td>
        {worker.activeRuns} / {worker.capacity ?? '∞'}
      </Table.Td>
      <Table.Td miw={100}>
        {worker.draining ? (
          <Badge color="orange" variant="light">
            draining
          </Badge>
        ) : (
          <Badge color="green" variant="light">
            serving
          </Badge>
        )}
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'normal' }} miw={220}>
        <Spoiler
          maxHeight={40}
          showLabel={`Show all ${worker.jobs.length}`}
          hideLabel="Show fewer"
          styles={{ control: { fontSize: 'var(--mantine-font-size-xs)' } }}
        >
          <Text size="xs" ff="monospace">
            {worker.jobs.length === 0 ? '—' : worker.jobs.join(', ')}
          </Text>
        </Spoiler>
      </Table.Td>
    </Table.Tr>
  );
}

/** The live instances of one cluster and group. */
function GroupTable({ name, workers }: { name: string; workers: WorkerInstanceInfo[] }) {
  return (
    <Stack gap={4}>
      <Title order={4}>
        {name}{' '}
        <Text span c="dimmed" size="sm">
          ({workers.length} {workers.length === 1 ? 'instance' : 'instances'})
        </Text>
      </Title>
      <Table.ScrollContainer minWidth={1100}>
        <Table striped style={{ whiteSpace: 'nowrap' }}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Instance</Table.Th>
              <Table.Th>Address</Table.Th>
              <Table.Th>Weight</Table.Th>
              <Table.Th>Labels</Table.Th>
              <Table.Th>SDK · protocol</Table.Th>
              <Table.Th>Heartbeat</Table.Th>
              <Table.Th>Runs / cap.</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th miw={200}>Jobs it runs</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {workers.map((w) => (
              <WorkerRow key={w.instanceId} worker={w} />
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}

/** Every live instance, a table per cluster and group. */
export function LiveWorkers({ workers }: { workers: WorkerInstanceInfo[] }) {
  return (
    <Stack gap="lg">
      {byClusterAndGroup(workers).map(([name, list]) => (
        <GroupTable key={name} name={name} workers={list} />
      ))}
    </Stack>
  );
}
