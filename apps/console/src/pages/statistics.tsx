import { SimpleGrid, Stack, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useJobManager } from '../api/api-context';
import { Pager } from '../components/pager';
import { QueryState } from '../components/query-state';
import { Section } from '../components/section';
import { FailingChart } from '../statistics/failing-chart';
import { StatChart } from '../components/stat-chart';
import { defaultStatFilters, MAX_DAYS, StatFilterBar, type StatFilters } from '../statistics/stat-filters';
import { StatTable } from '../statistics/stat-table';

const PAGE_SIZE = 20;

/** Runs per day between `from` and today (selectJobStatByDay counts back from today), cut to the range. */
function useTotalsByDay({ from, to, clusterName, groupName }: StatFilters) {
  const jobManager = useJobManager();
  const lastDays = Math.min(MAX_DAYS, Math.max(1, dayjs().startOf('day').diff(dayjs(from), 'day') + 1));
  return useQuery({
    queryKey: ['statistics', 'byDay', lastDays, clusterName, groupName],
    queryFn: () => jobManager.selectJobStatByDay({ clusterName, groupName: groupName || null, lastDays }),
    select: (days) => days.filter((d) => d.executionDate >= from && d.executionDate <= to),
  });
}

/** Per-job counters over a range of days, with the totals by day and the jobs failing most. */
export function StatisticsPage() {
  const jobManager = useJobManager();
  const [typed, setTyped] = useState<StatFilters>(defaultStatFilters);
  const [filters] = useDebouncedValue(typed, 300);
  const [page, setPage] = useState(1);
  const byJob = useQuery({
    queryKey: ['statistics', 'byJob', filters, page],
    queryFn: () =>
      jobManager.selectJobStatById({
        clusterName: filters.clusterName,
        groupName: filters.groupName || null,
        startDate: filters.from,
        endDate: filters.to,
        page,
        size: PAGE_SIZE,
      }),
    placeholderData: keepPreviousData,
  });
  const byDay = useTotalsByDay(filters);

  return (
    <Stack gap="md">
      <Title order={2}>Statistics</Title>
      <StatFilterBar
        filters={typed}
        onChange={(next) => {
          setTyped((f) => ({ ...f, ...next }));
          setPage(1);
        }}
      />
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        <Section title="Runs by day">
          <QueryState query={byDay}>
            {(days) => <StatChart data={days} label="Daily runs chart" />}
          </QueryState>
        </Section>
        <Section title="Most failures (jobs on this page)">
          <QueryState query={byJob}>{(p) => <FailingChart rows={p.content} />}</QueryState>
        </Section>
      </SimpleGrid>
      <Section title="By job">
        <QueryState query={byJob} isEmpty={(p) => p.content.length === 0} empty="No job ran in this range.">
          {(p) => (
            <>
              <StatTable rows={p.content} />
              <Pager page={p} onChange={setPage} label="Statistics pages" />
            </>
          )}
        </QueryState>
      </Section>
    </Stack>
  );
}
