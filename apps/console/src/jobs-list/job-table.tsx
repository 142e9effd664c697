import type { JobDetail } from '@chaconne/client';
import { Checkbox, Group, Table, UnstyledButton } from '@mantine/core';
import type { ReactNode } from 'react';
import { JobRow, type RowActions } from './job-row';
import type { JobListView, SortColumn } from './list-view';

/** A column header that sorts the list by its column (server-side); a second click reverses. */
function SortHeader({
  column,
  view,
  onSort,
  children,
}: {
  column: SortColumn;
  view: JobListView;
  onSort: (sort: SortColumn, order: 'asc' | 'desc') => void;
  children: ReactNode;
}) {
  const active = view.sort === column;
  const next = active && view.order === 'asc' ? 'desc' : 'asc';
  return (
    <Table.Th aria-sort={active ? (view.order === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <UnstyledButton
        onClick={() => {
          onSort(column, active ? next : 'asc');
        }}
        fw={700}
        fz="sm"
      >
        <Group gap={4} wrap="nowrap">
          {children}
          <span aria-hidden>{active ? (view.order === 'asc' ? '▲' : '▼') : '↕'}</span>
        </Group>
      </UnstyledButton>
    </Table.Th>
  );
}

/** The page of jobs, with selection, sortable headers and each row's actions. */
export function JobTable({
  jobs,
  view,
  onSort,
  selected,
  onSelect,
  actions,
  busy,
}: {
  jobs: JobDetail[];
  view: JobListView;
  onSort: (sort: SortColumn, order: 'asc' | 'desc') => void;
  selected: ReadonlySet<number>;
  onSelect: (jobIds: number[], selected: boolean) => void;
  actions: RowActions;
  busy: boolean;
}) {
  const all = jobs.length > 0 && jobs.every((j) => selected.has(j.jobId));
  const some = jobs.some((j) => selected.has(j.jobId));
  return (
    <Table.ScrollContainer minWidth={1000}>
      <Table striped highlightOnHover verticalSpacing="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={36}>
              <Checkbox
                aria-label="Select all on this page"
                checked={all}
                indeterminate={some && !all}
                onChange={(e) => {
                  onSelect(
                    jobs.map((j) => j.jobId),
                    e.currentTarget.checked,
                  );
                }}
              />
            </Table.Th>
            <SortHeader column="jobName" view={view} onSort={onSort}>
              Job
            </SortHeader>
            <Table.Th>State</Table.Th>
            <Table.Th>Trigger</Table.Th>
            <SortHeader column="nextFireTime" view={view} onSort={onSort}>
              Next fire
            </SortHeader>
            <Table.Th>Last outcome</Table.Th>
            <SortHeader column="createDate" view={view} onSort={onSort}>
              Created
            </SortHeader>
            <Table.Th>Actions</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {jobs.map((job) => (
            <JobRow
              key={job.jobId}
              job={job}
              selected={selected.has(job.jobId)}
              onSelect={(on) => {
                onSelect([job.jobId], on);
              }}
              actions={actions}
              busy={busy}
            />
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
