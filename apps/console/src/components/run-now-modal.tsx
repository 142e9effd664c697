import type { JobKey } from '@chaconne/contracts';
import { Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useJobManager } from '../api/api-context';
import { ApiErrorAlert } from './api-error';
import { jsonProblem } from './json-text';
import { notifySuccess } from './notify';
import { MONOSPACE_INPUT } from './monospace';

/**
 * "Run now": runs a job outside its schedule, with an optional attachment (JSON, checked here
 * before it is sent) instead of the job's own. The manager's refusal is shown in the modal.
 */
export function RunNowModal({ jobKey, onClose }: { jobKey: JobKey | null; onClose: () => void }) {
  const jobManager = useJobManager();
  const queryClient = useQueryClient();
  const [attachment, setAttachment] = useState('');
  const [touched, setTouched] = useState(false);
  const run = useMutation({
    mutationFn: (key: JobKey) =>
      jobManager.triggerJob(key, attachment.trim() === '' ? undefined : attachment),
    onSuccess: (traceId, key) => {
      notifySuccess(`${key.jobName}: run #${traceId} started`);
      close();
    },
    onSettled: () => queryClient.invalidateQueries(),
  });
  const problem = jsonProblem(attachment);
  function close() {
    setAttachment('');
    setTouched(false);
    run.reset();
    onClose();
  }
  return (
    <Modal opened={jobKey !== null} onClose={close} title={jobKey ? `Run ${jobKey.jobName} now` : ''}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setTouched(true);
          if (jobKey && !problem) run.mutate(jobKey);
        }}
      >
        <Stack>
          <Text size="sm">
            Runs the job once now, outside its schedule. Leave the attachment empty to use the job&apos;s own.
          </Text>
          <Textarea
            label="Attachment (JSON)"
            placeholder='{"key": "value"}'
            autosize
            minRows={3}
            maxRows={12}
            styles={MONOSPACE_INPUT}
            value={attachment}
            onChange={(e) => {
              setAttachment(e.currentTarget.value);
            }}
            onBlur={() => {
              setTouched(true);
            }}
            error={touched ? problem : undefined}
          />
          <ApiErrorAlert error={run.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={run.isPending}>
              Run
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
