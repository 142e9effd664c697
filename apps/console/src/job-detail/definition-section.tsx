import type { JobDetail } from '@chaconne/client';
import { Badge, Group, Text } from '@mantine/core';
import { FieldTable } from '../components/field-table';
import { formatDuration, formatTime } from '../components/format';
import { JsonBlock } from '../components/json-block';
import { Section } from '../components/section';

const dash = (value: string | number | null | undefined) =>
  value === null || value === undefined || value === '' ? '—' : String(value);

function Labels({ labels }: { labels: Record<string, string> }) {
  const entries = Object.entries(labels);
  if (entries.length === 0) return <>—</>;
  return (
    <Group gap={4}>
      {entries.map(([name, value]) => (
        <Badge key={name} variant="outline" tt="none">
          {name}={value}
        </Badge>
      ))}
    </Group>
  );
}

/** Every field of the job's definition, run policy included (defaults applied by the manager). */
export function DefinitionSection({ job }: { job: JobDetail }) {
  const backoff = job.retryBackoff;
  return (
    <Section title="Definition">
      <FieldTable
        rows={[
          ['Job id', job.jobId],
          ['Cluster', job.jobKey.clusterName],
          ['Group', job.jobKey.groupName],
          ['Job name', job.jobKey.jobName],
          [
            'Job class',
            <Text key="c" ff="monospace" size="sm">
              {job.jobKey.jobClassName}
            </Text>,
          ],
          ['Description', dash(job.description)],
          ['Created', formatTime(job.createDate)],
          ['E-mail', dash(job.email)],
          ['Retries', job.retries],
          [
            'Retry backoff',
            `${backoff.policy}, ${formatDuration(backoff.delayMs)} first, at most ${formatDuration(
              backoff.maxDelayMs,
            )}${backoff.jitter ? ', with jitter' : ''}`,
          ],
          ['Timeout', job.timeout < 0 ? 'none' : formatDuration(job.timeout)],
          ['Weight', job.weight],
          ['Cluster mode', job.clusterMode],
          ['Load balancer', job.loadBalancer],
          ['Hash key', dash(job.hashKey)],
          ['Worker labels', <Labels key="l" labels={job.labels} />],
          ['Overlap policy', job.overlapPolicy],
          ['Misfire policy', job.misfirePolicy],
          [
            'Start deadline',
            job.startDeadlineSeconds === null ? 'none' : formatDuration(job.startDeadlineSeconds * 1000),
          ],
          [
            'Finish after failures',
            job.maxConsecutiveFailures === 0 ? 'never' : `${job.maxConsecutiveFailures} in a row`,
          ],
          [
            'Freeze after timeouts',
            job.freezeAfterTimeouts === 0 ? 'never' : `${job.freezeAfterTimeouts} in a row`,
          ],
          ['Termination strategy', dash(job.terminationStrategy)],
          ['Attachment', <JsonBlock key="a" value={job.attachment} />],
        ]}
      />
    </Section>
  );
}
