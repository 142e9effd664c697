import type { JobHistoryRecord, JobKey } from '@chaconne/client';
import { Code, Stack, Table, Text, Timeline } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useJobManager } from '../api/api-context';
import { formatTime, fromNow } from '../components/format';
import { Pager } from '../components/pager';
import { QueryState } from '../components/query-state';
import { Section } from '../components/section';
import { jobQueryKey } from './job-queries';

const PAGE_SIZE = 10;

/** A changed value for reading: text as it is, other values as compact JSON, nothing as a dash. */
function Value({ value }: { value: unknown }) {
  if (value === null || value === undefined || value === '') return <Text c="dimmed">—</Text>;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return (
    <Code style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }} fz="xs">
      {text}
    </Code>
  );
}

function Change({ record }: { record: JobHistoryRecord }) {
  const fields = Object.entries(record.changes);
  return (
    <Stack gap={4}>
      <Text size="sm" c="dimmed">
        {formatTime(record.changedAt)} ({fromNow(record.changedAt)}) by <b>{record.actor}</b> via{' '}
        {record.source}
      </Text>
      {fields.length === 0 ? (
        <Text size="sm">No field changed.</Text>
      ) : (
        <Table.ScrollContainer minWidth={480}>
          <Table withTableBorder layout="fixed" verticalSpacing={4}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th w="30%">Field</Table.Th>
                <Table.Th>Before</Table.Th>
                <Table.Th>After</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {fields.map(([field, { from, to }]) => (
                <Table.Tr key={field}>
                  <Table.Td>
                    <Text ff="monospace" size="sm" style={{ overflowWrap: 'anywhere' }}>
                      {field}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Value value={from} />
                  </Table.Td>
                  <Table.Td>
                    <Value value={to} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

/** Who changed the job's definition, when, and each field's value before and after; newest first. */
export function ChangeHistory({ jobKey }: { jobKey: JobKey }) {
  const jobManager = useJobManager();
  const [page, setPage] = useState(1);
  const history = useQuery({
    queryKey: [...jobQueryKey(jobKey), 'history', page],
    queryFn: () => jobManager.selectJobHistory(jobKey, page, PAGE_SIZE),
    placeholderData: keepPreviousData,
  });
  return (
    <Section title="Change history">
      <QueryState query={history} isEmpty={(p) => p.content.length === 0} empty="No recorded changes.">
        {(p) => (
          <>
            <Timeline bulletSize={14} lineWidth={2}>
              {p.content.map((record) => (
                <Timeline.Item
                  key={`${record.changedAt}:${record.actor}:${record.action}`}
                  title={record.action === 'create' ? 'Created' : 'Updated'}
                >
                  <Change record={record} />
                </Timeline.Item>
              ))}
            </Timeline>
            <Pager page={p} onChange={setPage} label="Change pages" />
          </>
        )}
      </QueryState>
    </Section>
  );
}
