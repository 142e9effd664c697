import { type JobTraceDetail, RunningState } from '@chaconne/client';
import { Alert, Anchor, SimpleGrid, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { FieldTable } from '../components/field-table';
import { between, formatDuration, formatTime, fromNow } from '../components/format';
import { JsonBlock } from '../components/json-block';
import { Section } from '../components/section';
import { paths } from '../paths';

/** The current instant (ISO-8601), ticking every second while `ticking`. */
function useNow(ticking: boolean): string {
  const [now, setNow] = useState(() => new Date().toISOString());
  useEffect(() => {
    if (!ticking) return undefined;
    const timer = setInterval(() => {
      setNow(new Date().toISOString());
    }, 1000);
    return () => {
      clearInterval(timer);
    };
  }, [ticking]);
  return now;
}

const at = (iso: string | null) => (iso ? `${formatTime(iso)} (${fromNow(iso)})` : '—');

/** "First attempt" or "Retry 2 of 3", with a link to the first attempt of a retry. */
function Attempt({ run }: { run: JobTraceDetail }) {
  if (run.attempt === 0)
    return <>First attempt{run.jobRetries > 0 ? ` (the job allows ${run.jobRetries} retries)` : ''}</>;
  return (
    <>
      Retry {run.attempt} of {run.jobRetries}
      {run.firstTraceId !== null && (
        <>
          {' '}
          · first attempt{' '}
          <Anchor component={Link} to={paths.run(run.firstTraceId)}>
            #{run.firstTraceId}
          </Anchor>
        </>
      )}
    </>
  );
}

/** When the run was planned, made, handed over, started and ended; lateness and duration. */
function Timings({ run }: { run: JobTraceDetail }) {
  const inFlight = run.runningState === RunningState.RUNNING;
  const now = useNow(inFlight);
  const duration = between(run.executionTime, run.completionTime ?? (inFlight ? now : null));
  return (
    <Section title="Timings">
      <FieldTable
        rows={[
          ['Planned', at(run.plannedTime)],
          ['Created', at(run.createdTime)],
          ['Dispatched', at(run.dispatchedTime)],
          ['Started', at(run.executionTime)],
          ['Finished', at(run.completionTime)],
          ['Deadline', run.timeout < 0 ? 'no timeout' : at(run.deadlineTime)],
          ['Lateness', formatDuration(run.latenessMs)],
          [
            'Duration',
            inFlight && duration !== null ? `${formatDuration(duration)} so far` : formatDuration(duration),
          ],
        ]}
      />
    </Section>
  );
}

/** Where the run ran, which attempt it is, and what came of it. */
function Outcome({ run }: { run: JobTraceDetail }) {
  return (
    <Section title="Worker and outcome">
      <FieldTable
        rows={[
          [
            'Job',
            <Anchor key="j" component={Link} to={paths.job(run.jobKey)}>
              {run.jobKey.jobName}
            </Anchor>,
          ],
          ['Cluster / group', `${run.jobKey.clusterName} / ${run.jobKey.groupName}`],
          ['Worker instance', run.instanceId ?? '—'],
          ['Worker address', run.address ?? '—'],
          ['Attempt', <Attempt key="a" run={run} />],
          ['Timeout', run.timeout < 0 ? 'none' : formatDuration(run.timeout)],
          ['Reason', run.reason ?? '—'],
          ['Result', <JsonBlock key="r" value={run.result} maxHeight={200} />],
        ]}
      />
    </Section>
  );
}

/** A run's facts: timings, worker, attempt, result, and the error of a failed run. */
export function RunSummary({ run }: { run: JobTraceDetail }) {
  return (
    <>
      {run.errorMessage && (
        <Alert color="red" title="Error">
          <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
            {run.errorMessage}
          </Text>
        </Alert>
      )}
      {run.lateReport && (
        <Alert color="yellow" title="Late report (arrived after the run already had an outcome)">
          <JsonBlock value={run.lateReport} maxHeight={160} />
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        <Timings run={run} />
        <Outcome run={run} />
      </SimpleGrid>
    </>
  );
}
