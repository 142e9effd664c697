import { type JobTraceDetail, RunningState } from '@chaconne/client';
import { Badge, Button, Code, Stack } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useJobManager } from '../api/api-context';
import { ApiErrorAlert } from '../components/api-error';
import { QueryState } from '../components/query-state';
import { Section } from '../components/section';
import { LogLines } from './log-lines';
import { runQueryKey } from './run-queries';
import { useLogTail } from './use-log-tail';

/** The log of a run in flight, live: lines appear as the worker ships them; the page refreshes when it ends. */
function LiveLog({ run }: { run: JobTraceDetail }) {
  const queryClient = useQueryClient();
  const tail = useLogTail(run.traceId, () => {
    void queryClient.invalidateQueries({ queryKey: runQueryKey(run.traceId) });
  });
  const badge =
    tail.status === 'live' ? (
      <Badge color="green" variant="dot" tt="none" data-testid="live-tail">
        Live
      </Badge>
    ) : (
      <Badge color="gray" variant="outline">
        {tail.status === 'ended' ? 'Ended' : 'Disconnected'}
      </Badge>
    );
  return (
    <Section title="Log" actions={badge}>
      <Stack gap="sm">
        {tail.status === 'failed' && (
          <>
            <ApiErrorAlert error={tail.error} title="The live log stopped" />
            <Button size="xs" variant="light" onClick={tail.retry} w="fit-content">
              Reconnect
            </Button>
          </>
        )}
        <LogLines lines={tail.lines} follow />
      </Stack>
    </Section>
  );
}

/** The stored log and stack trace of a run that has its outcome. */
function StoredLog({ run }: { run: JobTraceDetail }) {
  const jobManager = useJobManager();
  const logs = useQuery({
    queryKey: [...runQueryKey(run.traceId), 'log'],
    queryFn: () => jobManager.selectJobLog(run.jobKey, run.traceId),
  });
  const stack = useQuery({
    queryKey: [...runQueryKey(run.traceId), 'stackTrace'],
    queryFn: () => jobManager.selectJobStackTrace(run.jobKey, run.traceId),
  });
  return (
    <>
      <Section title="Log">
        <QueryState query={logs} isEmpty={(lines) => lines.length === 0} empty="This run logged nothing.">
          {(lines) => <LogLines lines={lines} />}
        </QueryState>
      </Section>
      <QueryState query={stack}>
        {(rows) =>
          rows.length > 0 && (
            <Section title="Stack trace">
              <Code
                block
                data-testid="stack-trace"
                c="red.8"
                style={{ maxHeight: 480, overflow: 'auto', whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}
              >
                {rows.map((r) => r.stackTrace).join('\n')}
              </Code>
            </Section>
          )
        }
      </QueryState>
    </>
  );
}

/** A run's log: a live tail while it is in flight, else the stored lines and stack trace. */
export function RunLogs({ run }: { run: JobTraceDetail }) {
  return run.runningState === RunningState.RUNNING ? <LiveLog run={run} /> : <StoredLog run={run} />;
}
