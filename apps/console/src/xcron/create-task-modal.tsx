import { XcronType } from '@chaconne/client';
import { Button, Group, Modal, Select, Stack, Textarea, TextInput } from '@mantine/core';
import { DateTimePicker } from '@mantine/dates';
import { useMutation } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { type SyntheticEvent, useState } from 'react';
import { useJobManager } from '../api/api-context';
import { ApiErrorAlert, fieldErrors } from '../components/api-error';
import { MONOSPACE_INPUT } from '../components/monospace';

interface Form {
  type: string;
  cron: string;
  at: string | null;
  url: string;
  body: string;
}

const EMPTY: Form = { type: String(XcronType.PERIODIC), cron: '', at: null, url: '', body: '{}' };

/** The callback body as an object, or the reason it is not one. */
function parseBody(text: string): Record<string, unknown> | string {
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : 'must be a JSON object';
  } catch (e) {
    return `not JSON: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/**
 * "New task": a periodic task (a crontab) or a one-shot (a date and time, sent as unix
 * seconds), and the callback it POSTs. The manager's field errors appear at their inputs.
 */
export function CreateTaskModal({
  opened,
  onClose,
  onCreated,
}: {
  opened: boolean;
  onClose: () => void;
  onCreated: (taskId: string, warnings: string[]) => void;
}) {
  const jobManager = useJobManager();
  const [form, setForm] = useState<Form>(EMPTY);
  const [bodyError, setBodyError] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      jobManager.xcron.createTask({
        type: Number(form.type) as XcronType,
        format:
          form.type === String(XcronType.ONE_SHOT) && form.at ? dayjs(form.at).toDate() : form.cron.trim(),
        callback: { url: form.url.trim(), body },
      }),
    onSuccess: ({ taskId, warnings }) => {
      setForm(EMPTY);
      onCreated(taskId, warnings);
    },
  });
  const errors = fieldErrors(create.error);
  const set = (next: Partial<Form>) => {
    setForm((f) => ({ ...f, ...next }));
  };
  const oneShot = form.type === String(XcronType.ONE_SHOT);
  const close = () => {
    setForm(EMPTY);
    setBodyError(null);
    create.reset();
    onClose();
  };

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    const body = parseBody(form.body);
    if (typeof body === 'string') {
      setBodyError(body);
      return;
    }
    setBodyError(null);
    create.mutate(body);
  };

  return (
    <Modal opened={opened} onClose={close} title="New xcron task" size="lg">
      <form onSubmit={submit}>
        <Stack>
          <ApiErrorAlert error={create.error} />
          <Select
            label="Type"
            data={[
              { value: String(XcronType.PERIODIC), label: 'Periodic (crontab)' },
              { value: String(XcronType.ONE_SHOT), label: 'One-shot (a date and time)' },
            ]}
            value={form.type}
            onChange={(type) => {
              if (!type) return;
              set({ type });
              create.reset();
            }}
            allowDeselect={false}
            error={errors.type}
          />
          {oneShot ? (
            <DateTimePicker
              label="Format"
              description="When it fires, in your time zone; sent as unix seconds."
              value={form.at}
              onChange={(at) => {
                set({ at });
              }}
              minDate={new Date()}
              withSeconds
              valueFormat="YYYY-MM-DD HH:mm:ss"
              error={errors.format}
              required
            />
          ) : (
            <TextInput
              label="Format"
              description="A crontab: 5 fields (Unix) or 6/7 fields (Quartz, seconds first), e.g. */5 * * * *"
              value={form.cron}
              onChange={(e) => {
                set({ cron: e.currentTarget.value });
              }}
              error={errors.format}
              styles={MONOSPACE_INPUT}
              required
            />
          )}
          <TextInput
            label="Callback URL"
            placeholder="https://example.com/hook"
            value={form.url}
            onChange={(e) => {
              set({ url: e.currentTarget.value });
            }}
            error={errors['callback.url'] ?? errors.callback}
            required
          />
          <Textarea
            label="Callback body (JSON)"
            description="POSTed as the JSON body of every run."
            value={form.body}
            onChange={(e) => {
              set({ body: e.currentTarget.value });
            }}
            error={bodyError ?? errors['callback.body']}
            autosize
            minRows={3}
            maxRows={12}
            styles={MONOSPACE_INPUT}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create task
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
