import { Fieldset, SimpleGrid, Textarea, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useJobManager } from '../api/api-context';
import { SuggestInput } from '../components/suggest-input';
import type { SectionProps } from './section-props';

/** The job key (fixed once the job exists: another key is another job), description and alert e-mail. */
export function IdentityFields({ form, set, errorAt, editing }: SectionProps) {
  const jobManager = useJobManager();
  const clusters = useQuery({ queryKey: ['clusterNames'], queryFn: () => jobManager.selectClusterNames() });
  const keyHint = editing
    ? 'The job key cannot change: save under another key to make a new job.'
    : undefined;
  return (
    <Fieldset legend="Job">
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <SuggestInput
          label="Cluster"
          required
          withAsterisk={false}
          suggestions={clusters.data ?? []}
          value={form.clusterName}
          onChange={(e) => {
            set({ clusterName: e.currentTarget.value });
          }}
          readOnly={editing}
          error={errorAt('jobKey.clusterName')}
        />
        <TextInput
          label="Group"
          required
          withAsterisk={false}
          description={editing ? undefined : 'The worker application that runs it'}
          value={form.groupName}
          onChange={(e) => {
            set({ groupName: e.currentTarget.value });
          }}
          readOnly={editing}
          error={errorAt('jobKey.groupName')}
        />
        <TextInput
          label="Job name"
          required
          withAsterisk={false}
          value={form.jobName}
          onChange={(e) => {
            set({ jobName: e.currentTarget.value });
          }}
          readOnly={editing}
          error={errorAt('jobKey.jobName')}
        />
        <TextInput
          label="Job class"
          required
          withAsterisk={false}
          description={keyHint ?? 'The handler the worker registered'}
          value={form.jobClassName}
          onChange={(e) => {
            set({ jobClassName: e.currentTarget.value });
          }}
          readOnly={editing}
          error={errorAt('jobKey.jobClassName', 'jobKey')}
        />
      </SimpleGrid>
      <Textarea
        mt="sm"
        label="Description"
        autosize
        minRows={2}
        maxRows={6}
        value={form.description}
        onChange={(e) => {
          set({ description: e.currentTarget.value });
        }}
        error={errorAt('description')}
      />
      <TextInput
        mt="sm"
        label="E-mail"
        description="Alert recipients, comma-separated"
        type="text"
        inputMode="email"
        value={form.email}
        onChange={(e) => {
          set({ email: e.currentTarget.value });
        }}
        error={errorAt('email')}
      />
    </Fieldset>
  );
}
