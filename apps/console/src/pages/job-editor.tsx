import { Stack, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useJobManager } from '../api/api-context';
import { QueryState } from '../components/query-state';
import { fromBody, newJobForm } from '../job-editor/form-model';
import { JobEditorForm } from '../job-editor/job-form';
import { loadJobBody } from '../job-editor/load-job';
import { useJobKeyParam } from '../paths';

function EditJob() {
  const jobManager = useJobManager();
  const jobKey = useJobKeyParam();
  const query = useQuery({
    queryKey: ['jobBody', jobKey],
    queryFn: () => loadJobBody(jobManager, jobKey),
    // The form starts from what was loaded; later refetches must not reset it.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
  return (
    <Stack>
      <Title order={2}>Edit {jobKey.jobName}</Title>
      <QueryState query={query}>
        {(body) => (
          <JobEditorForm initial={fromBody(body as unknown as Record<string, unknown>)} editKey={jobKey} />
        )}
      </QueryState>
    </Stack>
  );
}

/** Create a job, or edit one (its key fixed). */
export function JobEditorPage({ mode }: { mode: 'create' | 'edit' }) {
  if (mode === 'edit') return <EditJob />;
  return (
    <Stack>
      <Title order={2}>New job</Title>
      <JobEditorForm initial={newJobForm()} editKey={null} />
    </Stack>
  );
}
