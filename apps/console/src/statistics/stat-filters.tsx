import { Group, Select, TextInput } from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import { useQuery } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useJobManager } from '../api/api-context';

/** The statistics page's filters: days `yyyy-MM-dd` (both ends included), cluster and group. */
export interface StatFilters {
  from: string;
  to: string;
  clusterName: string | null;
  groupName: string;
}

/** The longest range selectJobStatByDay charts (its lastDays limit). */
export const MAX_DAYS = 366;

export function defaultStatFilters(): StatFilters {
  const today = dayjs();
  return {
    from: today.subtract(29, 'day').format('YYYY-MM-DD'),
    to: today.format('YYYY-MM-DD'),
    clusterName: null,
    groupName: '',
  };
}

export function StatFilterBar({
  filters,
  onChange,
}: {
  filters: StatFilters;
  onChange: (next: Partial<StatFilters>) => void;
}) {
  const jobManager = useJobManager();
  const clusters = useQuery({ queryKey: ['clusterNames'], queryFn: () => jobManager.selectClusterNames() });
  const earliest = dayjs()
    .subtract(MAX_DAYS - 1, 'day')
    .format('YYYY-MM-DD');
  return (
    <Group gap="sm" align="flex-end">
      <DatePickerInput
        label="From"
        value={filters.from}
        onChange={(from) => {
          if (from) onChange({ from });
        }}
        minDate={earliest}
        maxDate={filters.to}
        valueFormat="YYYY-MM-DD"
        w={150}
      />
      <DatePickerInput
        label="To"
        value={filters.to}
        onChange={(to) => {
          if (to) onChange({ to });
        }}
        minDate={filters.from}
        maxDate={dayjs().format('YYYY-MM-DD')}
        valueFormat="YYYY-MM-DD"
        w={150}
      />
      <Select
        label="Cluster"
        placeholder={clusters.isError ? 'Could not load clusters' : 'All clusters'}
        data={clusters.data ?? []}
        value={filters.clusterName}
        onChange={(clusterName) => {
          onChange({ clusterName });
        }}
        clearable
        searchable
        w={200}
      />
      <TextInput
        label="Group"
        placeholder="All groups"
        value={filters.groupName}
        onChange={(e) => {
          onChange({ groupName: e.currentTarget.value });
        }}
        w={200}
      />
    </Group>
  );
}
