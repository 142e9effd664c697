import type { JobKey } from '@chaconne/contracts';
import { Button, Group, Stack, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useJobManager } from '../api/api-context';
import { QueryState } from '../components/query-state';
import { RunNowModal } from '../components/run-now-modal';
import { BulkActions } from '../jobs-list/bulk-actions';
import { JobFilters } from '../jobs-list/job-filters';
import { JobTable } from '../jobs-list/job-table';
import { Pager } from '../components/pager';
import { type JobListView, readView, toPageQuery, writeView } from '../jobs-list/list-view';
import { useJobActions } from '../jobs-list/use-job-actions';
import { paths } from '../paths';

/** Every job, a server-side page at a time; the URL holds the filters, sort and page. */
export function JobsPage() {
  const jobManager = useJobManager();
  const [params, setParams] = useSearchParams();
  const view = readView(params);
  const query = useQuery({
    queryKey: ['jobs', toPageQuery(view)],
    queryFn: () => jobManager.selectJobDetail(toPageQuery(view)),
    placeholderData: keepPreviousData,
    // States, next fire times and last outcomes move on their own.
    refetchInterval: 10_000,
  });
  const actions = useJobActions();
  const [runKey, setRunKey] = useState<JobKey | null>(null);
  // Selected jobs of the page shown, by id, with their keys (a bulk action needs the keys).
  const [selected, setSelected] = useState<Map<number, JobKey>>(new Map());

  const update = (change: Partial<JobListView>, keepPage = false) => {
    setSelected(new Map());
    setParams(writeView({ ...view, ...change, ...(keepPage ? {} : { page: 1 }) }));
  };
  const select = (ids: number[], on: boolean) => {
    const next = new Map(selected);
    for (const job of query.data?.content ?? []) {
      if (!ids.includes(job.jobId)) continue;
      if (on) next.set(job.jobId, job.jobKey);
      else next.delete(job.jobId);
    }
    setSelected(next);
  };

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Jobs</Title>
        <Button component={Link} to={paths.newJob()}>
          New job
        </Button>
      </Group>
      <JobFilters
        view={view}
        onChange={(f) => {
          update(f);
        }}
      />
      <BulkActions
        selected={[...selected.values()]}
        onDone={() => {
          setSelected(new Map());
        }}
      />
      <QueryState
        query={query}
        isEmpty={(page) => page.content.length === 0}
        empty={view.page > 1 ? 'No jobs on this page.' : 'No job matches these filters.'}
      >
        {(page) => (
          <>
            <JobTable
              jobs={page.content}
              view={view}
              onSort={(sort, order) => {
                update({ sort, order });
              }}
              selected={new Set(selected.keys())}
              onSelect={select}
              actions={{ ...actions, runNow: setRunKey }}
              busy={actions.pending}
            />
            <Pager
              page={{ page: view.page, size: view.size, rows: page.rows }}
              noun={page.rows === 1 ? 'job' : 'jobs'}
              onChange={(p) => {
                update({ page: p }, true);
              }}
              onSize={(size) => {
                update({ size });
              }}
            />
          </>
        )}
      </QueryState>
      <RunNowModal
        jobKey={runKey}
        onClose={() => {
          setRunKey(null);
        }}
      />
    </Stack>
  );
}
