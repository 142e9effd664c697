import { RunningState } from '@chaconne/client';
import { Anchor, Breadcrumbs, Group, Stack, Text, Title } from '@mantine/core';
import { Link, useParams } from 'react-router';
import { QueryState } from '../components/query-state';
import { RunningStateBadge } from '../components/state-badges';
import { paths } from '../paths';
import { CancelRunButton } from '../runs/cancel-run';
import { RunLogs } from '../runs/run-logs';
import { useRunDetail, validTraceId } from '../runs/run-queries';
import { RunSummary } from '../runs/run-summary';

/** One run: timings, worker, attempt, outcome, its log (live while in flight) and stack trace. */
export function RunDetailPage() {
  const traceParam = useParams().traceId ?? '';
  const traceId = Number(traceParam);
  const detail = useRunDetail(traceId);
  const run = detail.data;
  return (
    <Stack gap="md">
      <Breadcrumbs>
        <Anchor component={Link} to={paths.jobs()} size="sm">
          Jobs
        </Anchor>
        {run && (
          <Anchor component={Link} to={paths.job(run.jobKey)} size="sm">
            {run.jobKey.jobName}
          </Anchor>
        )}
      </Breadcrumbs>
      <Group justify="space-between" gap="sm">
        <Group gap="sm">
          <Title order={2}>Run #{traceParam}</Title>
          {run && <RunningStateBadge state={run.runningState} />}
        </Group>
        {run?.runningState === RunningState.RUNNING && <CancelRunButton run={run} />}
      </Group>
      {!validTraceId(traceId) ? (
        <Text>“{traceParam}” is not a run id.</Text>
      ) : (
        <QueryState query={detail}>
          {(loaded) => (
            <>
              <RunSummary run={loaded} />
              <RunLogs run={loaded} />
            </>
          )}
        </QueryState>
      )}
    </Stack>
  );
}
