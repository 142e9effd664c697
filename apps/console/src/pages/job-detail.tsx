import { Anchor, Breadcrumbs, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { QueryState } from '../components/query-state';
import { JobStateBadge } from '../components/state-badges';
import { ChangeHistory } from '../job-detail/change-history';
import { DefinitionSection } from '../job-detail/definition-section';
import { DependencyGraph } from '../job-detail/dependency-graph';
import { JobActions } from '../job-detail/job-actions';
import { useJobDetail } from '../job-detail/job-queries';
import { JobStatistics } from '../job-detail/job-statistics';
import { RunHistory } from '../job-detail/run-history';
import { RuntimeSection } from '../job-detail/runtime-section';
import { TriggerSection } from '../job-detail/trigger-section';
import { paths, useJobKeyParam } from '../paths';

/** One job: its definition, trigger and state, lifecycle actions, runs, statistics, changes and relations. */
export function JobDetailPage() {
  const key = useJobKeyParam();
  const detail = useJobDetail(key);
  const job = detail.data;
  return (
    <Stack gap="md">
      <Breadcrumbs>
        <Anchor component={Link} to={paths.jobs()} size="sm">
          Jobs
        </Anchor>
        <Text size="sm">
          {key.clusterName} / {key.groupName}
        </Text>
      </Breadcrumbs>
      <Group justify="space-between" align="flex-start" gap="sm">
        <Stack gap={4} miw={0}>
          <Group gap="sm">
            <Title order={2} style={{ overflowWrap: 'anywhere' }}>
              {key.jobName}
            </Title>
            {job && <JobStateBadge state={job.jobRuntime.jobState} />}
          </Group>
          <Text size="sm" c="dimmed" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
            {key.jobClassName}
          </Text>
        </Stack>
        {job && <JobActions job={job} />}
      </Group>
      <QueryState query={detail}>
        {(loaded) => (
          <>
            <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
              <DefinitionSection job={loaded} />
              <Stack gap="md">
                <TriggerSection trigger={loaded.jobTriggerDetail} />
                <RuntimeSection runtime={loaded.jobRuntime} />
              </Stack>
            </SimpleGrid>
            <RunHistory jobKey={loaded.jobKey} />
            <JobStatistics jobKey={loaded.jobKey} jobId={loaded.jobId} />
            <ChangeHistory jobKey={loaded.jobKey} />
            <DependencyGraph jobKey={loaded.jobKey} />
          </>
        )}
      </QueryState>
    </Stack>
  );
}
