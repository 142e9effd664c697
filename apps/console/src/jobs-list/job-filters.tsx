import { JobState, TriggerType } from '@chaconne/client';
import { Button, Select, SimpleGrid, TextInput } from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useJobManager } from '../api/api-context';
import { enumOptions } from '../components/enum-names';
import type { JobListView } from './list-view';

const FILTER_KEYS = ['cluster', 'group', 'name', 'state', 'trigger', 'fireFrom', 'fireTo'] as const;
type Filters = Pick<JobListView, (typeof FILTER_KEYS)[number]>;
const NO_FILTERS: Filters = {
  cluster: '',
  group: '',
  name: '',
  state: '',
  trigger: '',
  fireFrom: '',
  fireTo: '',
};

/** A text filter that updates the view once typing pauses, and follows the view when it changes (back button). */
function DebouncedInput({
  label,
  value,
  onCommit,
}: {
  label: string;
  value: string;
  onCommit: (v: string) => void;
}) {
  const [text, setText] = useState(value);
  const [shown, setShown] = useState(value);
  if (value !== shown) {
    setShown(value);
    setText(value);
  }
  const commit = useDebouncedCallback(onCommit, 350);
  return (
    <TextInput
      label={label}
      value={text}
      onChange={(e) => {
        setText(e.currentTarget.value);
        commit(e.currentTarget.value.trim());
      }}
    />
  );
}

/** The job list's filters; every change goes to the URL and back to page 1. */
export function JobFilters({
  view,
  onChange,
}: {
  view: JobListView;
  onChange: (f: Partial<Filters>) => void;
}) {
  const jobManager = useJobManager();
  const clusters = useQuery({ queryKey: ['clusterNames'], queryFn: () => jobManager.selectClusterNames() });
  const filtered = FILTER_KEYS.some((k) => view[k] !== '');
  return (
    <SimpleGrid cols={{ base: 2, sm: 3, lg: 4 }} spacing="sm" verticalSpacing="xs">
      <Select
        label="Cluster"
        data={clusters.data ?? []}
        value={view.cluster || null}
        onChange={(v) => {
          onChange({ cluster: v ?? '' });
        }}
        searchable
        clearable
        nothingFoundMessage={clusters.isError ? 'Could not load the clusters' : 'No cluster'}
      />
      <DebouncedInput
        label="Group"
        value={view.group}
        onCommit={(group) => {
          onChange({ group });
        }}
      />
      <DebouncedInput
        label="Job name"
        value={view.name}
        onCommit={(name) => {
          onChange({ name });
        }}
      />
      <Select
        label="State"
        data={enumOptions(JobState)}
        value={view.state || null}
        onChange={(v) => {
          onChange({ state: v ?? '' });
        }}
        clearable
      />
      <Select
        label="Trigger type"
        data={enumOptions(TriggerType)}
        value={view.trigger || null}
        onChange={(v) => {
          onChange({ trigger: v ?? '' });
        }}
        clearable
      />
      <TextInput
        label="Next fire from"
        type="datetime-local"
        value={view.fireFrom}
        onChange={(e) => {
          onChange({ fireFrom: e.currentTarget.value });
        }}
      />
      <TextInput
        label="Next fire to"
        type="datetime-local"
        value={view.fireTo}
        onChange={(e) => {
          onChange({ fireTo: e.currentTarget.value });
        }}
      />
      {filtered && (
        <Button
          mt={{ base: 0, sm: 24 }}
          variant="subtle"
          onClick={() => {
            onChange(NO_FILTERS);
          }}
        >
          Clear filters
        </Button>
      )}
    </SimpleGrid>
  );
}
