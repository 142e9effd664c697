import { RunningState } from '@chaconne/client';
import { Anchor, Breadcrumbs, Group, Stack, Text, Title } from '@mantine/core';
import { Link, useParams } from 'react-router';
import { QueryState } from '../components/query-state';
import { RunningStateBadge } from '../components/state-badges';
import { paths } from '../paths';
import { CancelRunButton } from '../runs/cancel-run';
import { RunLogs } from '../runs/run-logs';
import { useRunDetail } from '../runs/run-queries';
import { RunSummary } from '../runs/run-summary';

/** One run: timings, worker, attempt, outcome, its log (live while in flight) and stack trace. */
export function RunDetailPage() {
  const traceId = Number(useParams().traceId);
  const detail = useRunDetail(traceId);
  if (!Number.isSafeInteger(traceId) || traceId <= 0) return <Text>There is no run with this id.</Text>;
  return (
    <QueryState query={detail}>
      {(run) => (
        <Stack gap="md">
          <Breadcrumbs>
            <Anchor component={Link} to={paths.jobs()} size="sm">
              Jobs
            </Anchor>
            <Anchor component={Link} to={paths.job(run.jobKey)} size="sm">
              {run.jobKey.jobName}
            </Anchor>
          </Breadcrumbs>
          <Group justify="space-between" gap="sm">
            <Group gap="sm">
              <Title order={2}>Run #{run.traceId}</Title>
              <RunningStateBadge state={run.runningState} />
            </Group>
            {run.runningState === RunningState.RUNNING && <CancelRunButton run={run} />}
          </Group>
          <RunSummary run={run} />
          <RunLogs run={run} />
        </Stack>
      )}
    </QueryState>
  );
}
