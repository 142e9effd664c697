import { JobState, TriggerType, type JobDetail } from '@chaconne/client';
import type { JobKey } from '@chaconne/contracts';
import { Anchor, Button, Checkbox, Group, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import { formatTime, fromNow } from '../components/format';
import { JobStateBadge, RunningStateBadge } from '../components/state-badges';
import { describeCron, parseTriggerDescription, triggerText } from '../components/trigger-text';
import { paths } from '../paths';

/** A cron trigger's expression in words, or nothing when it cannot be read. */
function cronWords(job: JobDetail): string | null {
  const trigger = job.jobTriggerDetail;
  if (trigger.triggerType !== TriggerType.CRON) return null;
  const expression = parseTriggerDescription(trigger.triggerDescription).cron?.expression;
  if (!expression) return null;
  try {
    return describeCron(expression);
  } catch {
    return null;
  }
}

export interface RowActions {
  pause: (key: JobKey) => void;
  resume: (key: JobKey) => void;
  runNow: (key: JobKey) => void;
  remove: (key: JobKey) => void;
}

const PAUSABLE: number[] = [JobState.SCHEDULING, JobState.RUNNING];

/** One job of the list: identity, state, trigger, next fire, last outcome, and its actions. */
export function JobRow({
  job,
  selected,
  onSelect,
  actions,
  busy,
}: {
  job: JobDetail;
  selected: boolean;
  onSelect: (selected: boolean) => void;
  actions: RowActions;
  busy: boolean;
}) {
  const { jobKey, jobRuntime, jobTriggerDetail } = job;
  const name = jobKey.jobName;
  const state = jobRuntime.jobState;
  const words = cronWords(job);
  const finished = state === JobState.FINISHED;
  return (
    <Table.Tr
      data-testid="job-row"
      data-job-name={name}
      bg={selected ? 'var(--mantine-color-blue-light)' : undefined}
    >
      <Table.Td>
        <Checkbox
          aria-label={`Select ${name}`}
          checked={selected}
          onChange={(e) => {
            onSelect(e.currentTarget.checked);
          }}
        />
      </Table.Td>
      <Table.Td>
        <Anchor component={Link} to={paths.job(jobKey)} fw={600}>
          {name}
        </Anchor>
        <Text size="xs" c="dimmed">
          #{job.jobId} · {jobKey.clusterName} / {jobKey.groupName} · {jobKey.jobClassName}
        </Text>
      </Table.Td>
      <Table.Td miw={130}>
        <JobStateBadge state={state} />
      </Table.Td>
      <Table.Td>
        <Text size="sm" ff={jobTriggerDetail.triggerType === TriggerType.CRON ? 'monospace' : undefined}>
          {triggerText(jobTriggerDetail)}
        </Text>
        {words && (
          <Text size="xs" c="dimmed">
            {words} ({jobTriggerDetail.timeZone})
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Text size="sm">{formatTime(jobRuntime.nextExecutionTime)}</Text>
        {jobRuntime.nextExecutionTime && (
          <Text size="xs" c="dimmed">
            {fromNow(jobRuntime.nextExecutionTime)}
          </Text>
        )}
      </Table.Td>
      <Table.Td miw={120}>
        <RunningStateBadge state={jobRuntime.lastRunningState} />
      </Table.Td>
      <Table.Td>
        <Text size="sm" title={formatTime(job.createDate)}>
          {fromNow(job.createDate)}
        </Text>
      </Table.Td>
      <Table.Td>
        <Group gap={4} wrap="nowrap">
          {PAUSABLE.includes(state) && (
            <Button
              size="compact-xs"
              variant="light"
              color="yellow"
              disabled={busy}
              aria-label={`Pause ${name}`}
              onClick={() => {
                actions.pause(jobKey);
              }}
            >
              Pause
            </Button>
          )}
          {state === JobState.PAUSED && (
            <Button
              size="compact-xs"
              variant="light"
              color="teal"
              disabled={busy}
              aria-label={`Resume ${name}`}
              onClick={() => {
                actions.resume(jobKey);
              }}
            >
              Resume
            </Button>
          )}
          <Button
            size="compact-xs"
            variant="light"
            disabled={finished}
            aria-label={`Run ${name} now`}
            onClick={() => {
              actions.runNow(jobKey);
            }}
          >
            Run
          </Button>
          <Button
            size="compact-xs"
            variant="subtle"
            component={Link}
            to={paths.editJob(jobKey)}
            aria-label={`Edit ${name}`}
          >
            Edit
          </Button>
          <Button
            size="compact-xs"
            variant="subtle"
            color="red"
            disabled={finished || busy}
            aria-label={`Delete ${name}`}
            onClick={() => {
              actions.remove(jobKey);
            }}
          >
            Delete
          </Button>
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}
