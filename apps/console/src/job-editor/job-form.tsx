import type { JobKey, JobPersistParameter } from '@chaconne/contracts';
import { Button, Group, Stack, Tabs, Textarea } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useJobManager } from '../api/api-context';
import { ApiErrorAlert, fieldErrors } from '../components/api-error';
import { notifySuccess } from '../components/notify';
import { paths } from '../paths';
import { errorLookup } from './field-errors';
import { fromBody, type JobForm, toBody } from './form-model';
import { IdentityFields } from './identity-fields';
import { JsonView } from './json-view';
import { DependencyFields, PlacementFields, RetryFields } from './policy-fields';
import type { SectionProps } from './section-props';
import { TriggerFields } from './trigger-fields';
import { useTriggerPreview } from './use-trigger-preview';
import { MONOSPACE_INPUT } from '../components/monospace';

const pretty = (body: unknown) => JSON.stringify(body, null, 2);
const KEY_PARTS = ['clusterName', 'groupName', 'jobName', 'jobClassName'] as const;
const sameKey = (a: JobKey, b: unknown): boolean =>
  typeof b === 'object' &&
  b !== null &&
  KEY_PARTS.every((part) => (b as Record<string, unknown>)[part] === a[part]);

/** The JSON view's text as a body, or why it is not one. */
function readJson(text: string): { body: Record<string, unknown> } | { problem: string } {
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === 'object' && body !== null && !Array.isArray(body))
      return { body: body as Record<string, unknown> };
    return { problem: 'The body must be a JSON object' };
  } catch (error) {
    return { problem: `Not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/**
 * The job editor: every persistJob field as a form, and the same body as JSON, kept in sync.
 * Save sends the body (the JSON view's text as it is when that tab is open); the manager's field
 * errors go next to their inputs and in full above the form.
 */
export function JobEditorForm({ initial, editKey }: { initial: JobForm; editKey: JobKey | null }) {
  const jobManager = useJobManager();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [form, setForm] = useState(initial);
  const [tab, setTab] = useState<string>('form');
  const [jsonText, setJsonText] = useState('');
  const [jsonProblem, setJsonProblem] = useState<string | undefined>();

  const { body, problems } = toBody(form);
  const preview = useTriggerPreview(body.trigger);
  const save = useMutation({
    mutationFn: (request: JobPersistParameter) => jobManager.persistJob(request),
    onSuccess: async (_, request) => {
      notifySuccess(`${request.jobKey.jobName} saved`);
      await queryClient.invalidateQueries();
      await navigate(paths.job(request.jobKey));
    },
  });

  const errorAt = errorLookup(
    problems,
    fieldErrors(save.error),
    preview.isError ? fieldErrors(preview.error) : {},
  );
  const set = (patch: Partial<JobForm>) => {
    setForm((f) => ({ ...f, ...patch }));
  };
  const props: SectionProps = { form, set, errorAt, editing: editKey !== null };

  const showTab = (next: string | null) => {
    if (next === 'json') {
      setJsonText(pretty(body));
      setJsonProblem(undefined);
    }
    setTab(next ?? 'form');
  };
  const editJson = (text: string) => {
    setJsonText(text);
    const read = readJson(text);
    if ('problem' in read) setJsonProblem(read.problem);
    else {
      setJsonProblem(undefined);
      setForm(fromBody(read.body));
    }
  };

  const submit = () => {
    if (tab === 'json') {
      const read = readJson(jsonText);
      if ('problem' in read) {
        setJsonProblem(read.problem);
        return;
      }
      if (editKey && !sameKey(editKey, read.body.jobKey)) {
        setJsonProblem('The jobKey cannot change while editing a job: create a new job instead.');
        return;
      }
      save.mutate(read.body as unknown as JobPersistParameter);
    } else if (Object.keys(problems).length === 0) save.mutate(body);
  };

  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <Stack>
        <ApiErrorAlert error={save.error} title="The manager refused the job" />
        <Tabs value={tab} onChange={showTab} keepMounted={false}>
          <Tabs.List>
            <Tabs.Tab value="form">Form</Tabs.Tab>
            <Tabs.Tab value="json">JSON</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="form" pt="md">
            <Stack>
              <IdentityFields {...props} />
              <TriggerFields {...props} preview={preview} />
              <RetryFields {...props} />
              <PlacementFields {...props} />
              <DependencyFields {...props} />
              <Textarea
                label="Attachment (JSON)"
                description="The job's initial parameter, passed to its handler"
                autosize
                minRows={3}
                maxRows={16}
                styles={MONOSPACE_INPUT}
                spellCheck={false}
                value={form.attachment}
                onChange={(e) => {
                  set({ attachment: e.currentTarget.value });
                }}
                error={errorAt('attachment')}
              />
            </Stack>
          </Tabs.Panel>
          <Tabs.Panel value="json" pt="md">
            <JsonView text={jsonText} error={jsonProblem} onChange={editJson} />
          </Tabs.Panel>
        </Tabs>
        <Group>
          <Button type="submit" loading={save.isPending}>
            Save job
          </Button>
          <Button variant="default" onClick={() => void navigate(-1)}>
            Cancel
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
