import { type XcronTask, XcronType } from '@chaconne/client';
import { Badge, Button, Code, Table, Text } from '@mantine/core';
import { formatTime } from '../components/format';

/** Unix seconds (xcron's format of times) as an ISO instant. */
const fromUnixSeconds = (seconds: string) => new Date(Number(seconds) * 1000).toISOString();

function Format({ task }: { task: XcronTask }) {
  if (task.type === XcronType.ONE_SHOT)
    return (
      <Text size="sm" title={`unix ${task.format}`}>
        once at {formatTime(fromUnixSeconds(task.format))}
      </Text>
    );
  return <Code>{task.format}</Code>;
}

/** xcron tasks, one row each, with a delete button on the ones not deleted yet. */
export function TaskTable({ tasks, onDelete }: { tasks: XcronTask[]; onDelete: (task: XcronTask) => void }) {
  return (
    <Table.ScrollContainer minWidth={980}>
      <Table striped highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Task</Table.Th>
            <Table.Th>Type</Table.Th>
            <Table.Th>Format</Table.Th>
            <Table.Th>Callback</Table.Th>
            <Table.Th ta="right">Runs</Table.Th>
            <Table.Th>Created</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th aria-label="Actions" />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {tasks.map((task) => (
            <Table.Tr key={task.task_id} data-testid="xcron-row" data-task-id={task.task_id}>
              <Table.Td>
                <Text size="sm" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
                  {task.task_id}
                </Text>
              </Table.Td>
              <Table.Td>{task.type === XcronType.ONE_SHOT ? 'one-shot' : 'periodic'}</Table.Td>
              <Table.Td>
                <Format task={task} />
              </Table.Td>
              <Table.Td maw={320}>
                <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                  POST {task.callback.url}
                </Text>
                <Text
                  size="xs"
                  c="dimmed"
                  ff="monospace"
                  lineClamp={2}
                  title={JSON.stringify(task.callback.body)}
                >
                  {JSON.stringify(task.callback.body)}
                </Text>
              </Table.Td>
              <Table.Td ta="right">{task.run_count}</Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                {formatTime(fromUnixSeconds(task.create_time))}
              </Table.Td>
              <Table.Td miw={90}>
                {task.deleted ? (
                  <Badge color="gray" variant="light">
                    deleted
                  </Badge>
                ) : (
                  <Badge color="green" variant="light">
                    active
                  </Badge>
                )}
              </Table.Td>
              <Table.Td>
                {!task.deleted && (
                  <Button
                    size="compact-sm"
                    color="red"
                    variant="subtle"
                    aria-label={`Delete task ${task.task_id}`}
                    onClick={() => {
                      onDelete(task);
                    }}
                  >
                    Delete
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
