import type { JobTraceDetail } from '@chaconne/client';
import { Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type SyntheticEvent, useState } from 'react';
import { useJobManager } from '../api/api-context';
import { ApiErrorAlert } from '../components/api-error';
import { runningStateName } from '../components/enum-names';
import { notifySuccess } from '../components/notify';
import { runQueryKey } from './run-queries';

/** "Cancel run" for a run in flight: asks for an optional reason, then tells the manager to cancel it. */
export function CancelRunButton({ run }: { run: JobTraceDetail }) {
  const jobManager = useJobManager();
  const queryClient = useQueryClient();
  const [opened, modal] = useDisclosure(false);
  const [reason, setReason] = useState('');
  const cancel = useMutation({
    mutationFn: () => jobManager.cancelRun(run.traceId, reason.trim() === '' ? undefined : reason.trim()),
    onSuccess: (state) => {
      modal.close();
      notifySuccess(`Run #${run.traceId} cancelled: it ended ${runningStateName(state)}.`);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: runQueryKey(run.traceId) }),
  });
  const close = () => {
    modal.close();
    setReason('');
    cancel.reset();
  };
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    cancel.mutate();
  };

  return (
    <>
      <Button color="red" variant="light" size="xs" onClick={modal.open}>
        Cancel run
      </Button>
      <Modal opened={opened} onClose={close} title={`Cancel run #${run.traceId}?`}>
        <form onSubmit={submit}>
          <Stack>
            <Text size="sm">
              The worker is told to abort the handler. The run ends FAILED with the reason below and is not
              retried.
            </Text>
            <ApiErrorAlert error={cancel.error} />
            <Textarea
              label="Reason"
              placeholder="cancelled by an operator"
              value={reason}
              onChange={(e) => {
                setReason(e.currentTarget.value);
              }}
              autosize
              minRows={2}
              maxLength={500}
              data-autofocus
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" color="red" loading={cancel.isPending}>
                Confirm
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
