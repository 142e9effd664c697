import type { JobKey } from '@chaconne/contracts';
import { Alert, Button, Group, List, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useJobManager } from '../api/api-context';
import { errorMessage } from '../components/api-error';
import { confirmAction } from '../components/confirm';

type BulkKind = 'pause' | 'resume' | 'run';

const BULK: Record<BulkKind, { label: string; verb: string; effect: string }> = {
  pause: {
    label: 'Pause selected',
    verb: 'Pause',
    effect: 'Their occurrences are recorded SKIPPED until they are resumed.',
  },
  resume: { label: 'Resume selected', verb: 'Resume', effect: 'They are scheduled again.' },
  run: { label: 'Run selected', verb: 'Run', effect: 'Each runs once now, outside its schedule.' },
};

interface BulkReport {
  verb: string;
  succeeded: number;
  failures: { jobKey: JobKey; reason: string }[];
}

/**
 * Pause, resume or run every selected job: asks first, sends one call per job, then says which
 * jobs failed and why (the others went through).
 */
export function BulkActions({ selected, onDone }: { selected: JobKey[]; onDone: () => void }) {
  const jobManager = useJobManager();
  const queryClient = useQueryClient();
  const [report, setReport] = useState<BulkReport | null>(null);
  const [running, setRunning] = useState(false);

  const call = (kind: BulkKind, key: JobKey): Promise<unknown> =>
    kind === 'pause'
      ? jobManager.pauseJob(key)
      : kind === 'resume'
        ? jobManager.resumeJob(key)
        : jobManager.triggerJob(key);

  async function apply(kind: BulkKind, keys: JobKey[]) {
    setRunning(true);
    const results = await Promise.allSettled(keys.map((key) => call(kind, key)));
    const failures = results.flatMap((r, i) =>
      r.status === 'rejected' && keys[i] ? [{ jobKey: keys[i], reason: errorMessage(r.reason) }] : [],
    );
    setReport({ verb: BULK[kind].verb, succeeded: keys.length - failures.length, failures });
    setRunning(false);
    onDone();
    await queryClient.invalidateQueries();
  }

  const ask = (kind: BulkKind) => {
    const keys = [...selected];
    confirmAction({
      title: `${BULK[kind].verb} ${keys.length} job${keys.length === 1 ? '' : 's'}?`,
      message: (
        <>
          <Text size="sm">{BULK[kind].effect}</Text>
          <List size="sm" mt="xs">
            {keys.slice(0, 10).map((k) => (
              <List.Item key={JSON.stringify(k)}>{k.jobName}</List.Item>
            ))}
            {keys.length > 10 && <List.Item>and {keys.length - 10} more</List.Item>}
          </List>
        </>
      ),
      onConfirm: () => void apply(kind, keys),
    });
  };

  return (
    <>
      <Group gap="xs">
        {(Object.keys(BULK) as BulkKind[]).map((kind) => (
          <Button
            key={kind}
            size="xs"
            variant="light"
            disabled={selected.length === 0}
            loading={running}
            onClick={() => {
              ask(kind);
            }}
          >
            {BULK[kind].label}
          </Button>
        ))}
        {selected.length > 0 && (
          <Text size="sm" c="dimmed">
            {selected.length} selected
          </Text>
        )}
      </Group>
      {report && (
        <Alert
          color={report.failures.length > 0 ? 'red' : 'green'}
          title={`${report.verb}: ${report.succeeded} done, ${report.failures.length} failed`}
          withCloseButton
          onClose={() => {
            setReport(null);
          }}
          data-testid="bulk-report"
          role={report.failures.length > 0 ? 'alert' : 'status'}
        >
          {report.failures.length > 0 && (
            <List size="sm">
              {report.failures.map((f) => (
                <List.Item key={JSON.stringify(f.jobKey)}>
                  <Text span fw={600}>
                    {f.jobKey.jobName}
                  </Text>
                  : {f.reason}
                </List.Item>
              ))}
            </List>
          )}
        </Alert>
      )}
    </>
  );
}
