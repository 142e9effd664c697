import type { XcronTask } from '@chaconne/client';
import { Alert, Button, Group, List, Stack, Switch, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useJobManager } from '../api/api-context';
import { confirmAction } from '../components/confirm';
import { notifyFailure, notifySuccess } from '../components/notify';
import { Pager } from '../components/pager';
import { QueryState } from '../components/query-state';
import { CreateTaskModal } from '../xcron/create-task-modal';
import { TaskTable } from '../xcron/task-table';

const PAGE_SIZE = 20;

/** xcron's HTTP callback tasks: list (newest first), create, delete. */
export function XcronPage() {
  const jobManager = useJobManager();
  const queryClient = useQueryClient();
  const [page, setPage] = useState(1);
  const [includeDeleted, setIncludeDeleted] = useState(false);
  const [creating, createModal] = useDisclosure(false);
  const [warnings, setWarnings] = useState<{ taskId: string; warnings: string[] } | null>(null);
  const tasks = useQuery({
    queryKey: ['xcron', page, includeDeleted],
    queryFn: () => jobManager.xcron.listTasks({ page, size: PAGE_SIZE, includeDeleted }),
    placeholderData: keepPreviousData,
  });
  const remove = useMutation({
    mutationFn: (taskId: string) => jobManager.xcron.deleteTask(taskId),
    onSuccess: (_, taskId) => {
      notifySuccess(`Task ${taskId} deleted.`);
    },
    onError: (error, taskId) => {
      notifyFailure(`Delete task ${taskId}`, error);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['xcron'] }),
  });
  const askDelete = (task: XcronTask) => {
    confirmAction({
      title: `Delete task ${task.task_id}?`,
      message: `The task stops for good: it will not POST to ${task.callback.url} again. Its past runs stay.`,
      irreversible: true,
      onConfirm: () => {
        remove.mutate(task.task_id);
      },
    });
  };

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={2}>xcron tasks</Title>
        <Button onClick={createModal.open}>New task</Button>
      </Group>
      {warnings && (
        <Alert
          color="yellow"
          title={`Task ${warnings.taskId} was created, with warnings`}
          withCloseButton
          onClose={() => {
            setWarnings(null);
          }}
        >
          <List size="sm">
            {warnings.warnings.map((w) => (
              <List.Item key={w}>{w}</List.Item>
            ))}
          </List>
        </Alert>
      )}
      <Switch
        label="Include deleted tasks"
        checked={includeDeleted}
        onChange={(e) => {
          setIncludeDeleted(e.currentTarget.checked);
          setPage(1);
        }}
      />
      <QueryState
        query={tasks}
        isEmpty={(p) => p.content.length === 0}
        empty="No xcron tasks. Create one with New task, or through xcron's createTask API."
      >
        {(p) => (
          <>
            <TaskTable tasks={p.content} onDelete={askDelete} />
            <Pager page={p} onChange={setPage} label="Task pages" />
          </>
        )}
      </QueryState>
      <CreateTaskModal
        opened={creating}
        onClose={createModal.close}
        onCreated={(taskId, created) => {
          createModal.close();
          notifySuccess(`Task ${taskId} created.`);
          setWarnings(created.length > 0 ? { taskId, warnings: created } : null);
          void queryClient.invalidateQueries({ queryKey: ['xcron'] });
        }}
      />
    </Stack>
  );
}
