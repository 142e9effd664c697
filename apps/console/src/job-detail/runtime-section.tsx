import type { JobRuntimeDetail } from '@chaconne/client';
import { FieldTable } from '../components/field-table';
import { formatTime, fromNow } from '../components/format';
import { Section } from '../components/section';
import { RunningStateBadge } from '../components/state-badges';

const when = (iso: string | null) => (iso ? `${formatTime(iso)} (${fromNow(iso)})` : '—');

/** The job's runtime state (its state badge is in the page header): last and next runs, counters. */
export function RuntimeSection({ runtime }: { runtime: JobRuntimeDetail }) {
  return (
    <Section title="Runtime state">
      <FieldTable
        rows={[
          ['Last outcome', <RunningStateBadge key="o" state={runtime.lastRunningState} />],
          ['Last started', when(runtime.lastExecutionTime)],
          ['Last finished', when(runtime.lastCompletionTime)],
          ['Next fire', when(runtime.nextExecutionTime)],
          ['Failures in a row', runtime.consecutiveFailures],
          ['Timeouts in a row', runtime.consecutiveTimeouts],
          ['Freezes in a row', runtime.freezeCount],
          ['Frozen until', when(runtime.frozenUntil)],
          ['Ended because', runtime.stateReason ?? '—'],
        ]}
      />
    </Section>
  );
}
