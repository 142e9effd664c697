import { type JobKey, type JobTrace, RunningState } from '@chaconne/client';
import { Anchor, Group, Select, Table, Text } from '@mantine/core';
import { DateTimePicker } from '@mantine/dates';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router';
import { useJobManager } from '../api/api-context';
import { enumOptions } from '../components/enum-names';
import { between, formatDuration, formatTime } from '../components/format';
import { Pager } from '../components/pager';
import { QueryState } from '../components/query-state';
import { Section } from '../components/section';
import { RunningStateBadge } from '../components/state-badges';
import { paths } from '../paths';
import { JOB_PAGE_REFRESH_MS, jobQueryKey } from './job-queries';

const PAGE_SIZE = 20;

interface Filters {
  runningState: string | null;
  from: string | null;
  to: string | null;
}

const toDate = (value: string | null) => (value ? dayjs(value).toDate() : null);

function RunRow({ run }: { run: JobTrace }) {
  return (
    <Table.Tr data-testid="run-row">
      <Table.Td>
        <Anchor size="sm" component={Link} to={paths.run(run.traceId)}>
          #{run.traceId}
        </Anchor>
      </Table.Td>
      <Table.Td miw={120}>
        <RunningStateBadge state={run.runningState} />
      </Table.Td>
      <Table.Td>{run.attempt === 0 ? 'first' : `retry ${run.attempt}`}</Table.Td>
      <Table.Td>{formatTime(run.plannedTime)}</Table.Td>
      <Table.Td>{formatTime(run.executionTime)}</Table.Td>
      <Table.Td>{formatDuration(between(run.executionTime, run.completionTime))}</Table.Td>
      <Table.Td>{run.address ?? '—'}</Table.Td>
      <Table.Td maw={320}>
        <Text size="sm" lineClamp={2} title={run.reason ?? undefined}>
          {run.reason ?? '—'}
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}

/** The job's runs, newest first, a page at a time; filtered by outcome and planned time. */
export function RunHistory({ jobKey }: { jobKey: JobKey }) {
  const jobManager = useJobManager();
  const [page, setPage] = useState(1);
  const [filters, setFilters] = useState<Filters>({ runningState: null, from: null, to: null });
  const runs = useQuery({
    queryKey: [...jobQueryKey(jobKey), 'runs', page, filters],
    queryFn: () =>
      jobManager.selectJobTrace({
        jobKey,
        page,
        size: PAGE_SIZE,
        runningState: filters.runningState === null ? null : (Number(filters.runningState) as RunningState),
        startDate: toDate(filters.from),
        endDate: toDate(filters.to),
      }),
    placeholderData: keepPreviousData,
    // New runs appear on their own (the first page, where they land).
    refetchInterval: page === 1 ? JOB_PAGE_REFRESH_MS : false,
  });
  const filter = (next: Partial<Filters>) => {
    setFilters((f) => ({ ...f, ...next }));
    setPage(1);
  };

  return (
    <Section title="Runs">
      <Group gap="sm" mb="sm" align="flex-end">
        <Select
          label="Outcome"
          placeholder="Any"
          data={enumOptions(RunningState)}
          value={filters.runningState}
          onChange={(runningState) => {
            filter({ runningState });
          }}
          clearable
          w={160}
        />
        <DateTimePicker
          label="From"
          placeholder="Any time"
          value={filters.from}
          onChange={(from) => {
            filter({ from });
          }}
          clearable
          valueFormat="YYYY-MM-DD HH:mm"
          w={190}
        />
        <DateTimePicker
          label="To"
          placeholder="Any time"
          value={filters.to}
          onChange={(to) => {
            filter({ to });
          }}
          clearable
          valueFormat="YYYY-MM-DD HH:mm"
          w={190}
        />
      </Group>
      <QueryState query={runs} isEmpty={(p) => p.content.length === 0} empty="No runs match.">
        {(p) => (
          <>
            <Table.ScrollContainer minWidth={860}>
              <Table striped highlightOnHover>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Run</Table.Th>
                    <Table.Th>Outcome</Table.Th>
                    <Table.Th>Attempt</Table.Th>
                    <Table.Th>Planned</Table.Th>
                    <Table.Th>Started</Table.Th>
                    <Table.Th>Duration</Table.Th>
                    <Table.Th>Worker</Table.Th>
                    <Table.Th>Reason</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {p.content.map((run) => (
                    <RunRow key={run.traceId} run={run} />
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <Pager page={p} onChange={setPage} label="Run pages" />
          </>
        )}
      </QueryState>
    </Section>
  );
}
