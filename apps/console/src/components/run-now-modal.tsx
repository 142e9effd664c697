import type { JobKey } from '@chaconne/client';
import { Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { type SyntheticEvent, useState } from 'react';
import { useJobManager } from '../api/api-context';
import { ApiErrorAlert } from './api-error';

/**
 * "Run now" for one job: an optional attachment (JSON) instead of the job's own; `onStarted`
 * gets the new run's trace id.
 */
export function RunNowModal({
  jobKey,
  opened,
  onClose,
  onStarted,
}: {
  jobKey: JobKey;
  opened: boolean;
  onClose: () => void;
  onStarted: (traceId: number) => void;
}) {
  const jobManager = useJobManager();
  const [attachment, setAttachment] = useState('');
  const [jsonError, setJsonError] = useState<string | null>(null);
  const run = useMutation({
    mutationFn: (text: string) => jobManager.triggerJob(jobKey, text === '' ? undefined : text),
    onSuccess: (traceId) => {
      setAttachment('');
      onStarted(traceId);
    },
  });

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    const text = attachment.trim();
    if (text !== '') {
      try {
        JSON.parse(text);
      } catch (e) {
        setJsonError(`Not JSON: ${e instanceof Error ? e.message : String(e)}`);
        return;
      }
    }
    setJsonError(null);
    run.mutate(text);
  };

  return (
    <Modal opened={opened} onClose={onClose} title={`Run ${jobKey.jobName} now`}>
      <form onSubmit={submit}>
        <Stack>
          <Text size="sm">
            Starts a run outside the schedule. Leave the attachment empty to use the job&apos;s own.
          </Text>
          <ApiErrorAlert error={run.error} />
          <Textarea
            label="Attachment (JSON)"
            value={attachment}
            onChange={(e) => {
              setAttachment(e.currentTarget.value);
            }}
            error={jsonError ?? undefined}
            autosize
            minRows={3}
            maxRows={12}
            ff="monospace"
            data-autofocus
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
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
