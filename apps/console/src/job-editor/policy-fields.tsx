import { BackoffPolicy, ClusterMode, LoadBalancerName, MisfirePolicy, OverlapPolicy } from '@chaconne/client';
import { Checkbox, Fieldset, NumberInput, Select, SimpleGrid, Textarea, TextInput } from '@mantine/core';
import { SuggestInput } from '../components/suggest-input';
import { nameOptions, type SectionProps } from './section-props';
import { MONOSPACE_INPUT } from '../components/monospace';

/** Retries and their backoff, the timeout and what repeated failures or timeouts do. */
export function RetryFields({ form, set, errorAt }: SectionProps) {
  return (
    <Fieldset legend="Retries and timeout">
      <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }}>
        <NumberInput
          label="Retries"
          min={0}
          allowDecimal={false}
          value={form.retries}
          onChange={(retries) => {
            set({ retries });
          }}
          error={errorAt('retries')}
        />
        <Select
          label="Backoff policy"
          data={nameOptions(BackoffPolicy)}
          value={form.backoffPolicy || null}
          onChange={(v) => {
            set({ backoffPolicy: v ?? '' });
          }}
          clearable
          placeholder="Manager default"
          error={errorAt('retryBackoff.policy', 'retryBackoff')}
        />
        <NumberInput
          label="First retry delay (ms)"
          min={0}
          allowDecimal={false}
          value={form.backoffDelayMs}
          onChange={(backoffDelayMs) => {
            set({ backoffDelayMs });
          }}
          error={errorAt('retryBackoff.delayMs')}
        />
        <NumberInput
          label="Max retry delay (ms)"
          min={0}
          allowDecimal={false}
          value={form.backoffMaxDelayMs}
          onChange={(backoffMaxDelayMs) => {
            set({ backoffMaxDelayMs });
          }}
          error={errorAt('retryBackoff.maxDelayMs')}
        />
        <Checkbox
          label="Jitter"
          description="Each delay drawn between half and all of it"
          checked={form.backoffJitter}
          onChange={(e) => {
            set({ backoffJitter: e.currentTarget.checked });
          }}
          mt={{ sm: 28 }}
        />
        <NumberInput
          label="Timeout (ms)"
          description="Empty or -1: no timeout"
          min={-1}
          allowDecimal={false}
          value={form.timeout}
          onChange={(timeout) => {
            set({ timeout });
          }}
          error={errorAt('timeout')}
        />
        <NumberInput
          label="Freeze after timeouts"
          description="Timed-out runs in a row; 0: never"
          min={0}
          allowDecimal={false}
          value={form.freezeAfterTimeouts}
          onChange={(freezeAfterTimeouts) => {
            set({ freezeAfterTimeouts });
          }}
          error={errorAt('freezeAfterTimeouts')}
        />
        <NumberInput
          label="Max consecutive failures"
          description="Finish the job after this many; 0: never"
          min={0}
          allowDecimal={false}
          value={form.maxConsecutiveFailures}
          onChange={(maxConsecutiveFailures) => {
            set({ maxConsecutiveFailures });
          }}
          error={errorAt('maxConsecutiveFailures')}
        />
      </SimpleGrid>
    </Fieldset>
  );
}

/** Which instance runs it (cluster mode, balancer, labels, weight) and how occurrences meet the schedule. */
export function PlacementFields({ form, set, errorAt }: SectionProps) {
  return (
    <Fieldset legend="Placement and scheduling policy">
      <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }}>
        <Select
          label="Cluster mode"
          data={nameOptions(ClusterMode)}
          value={form.clusterMode || null}
          onChange={(v) => {
            set({ clusterMode: v ?? '' });
          }}
          clearable
          placeholder="Manager default"
          error={errorAt('clusterMode')}
        />
        <SuggestInput
          label="Load balancer"
          description="Built-in, or one a manager plugin registers"
          suggestions={nameOptions(LoadBalancerName)}
          value={form.loadBalancer}
          onChange={(e) => {
            set({ loadBalancer: e.currentTarget.value });
          }}
          error={errorAt('loadBalancer')}
        />
        <TextInput
          label="Hash key"
          description="CONSISTENT_HASH: the attachment field to hash on"
          value={form.hashKey}
          onChange={(e) => {
            set({ hashKey: e.currentTarget.value });
          }}
          error={errorAt('hashKey')}
        />
        <NumberInput
          label="Weight"
          min={0}
          allowDecimal={false}
          value={form.weight}
          onChange={(weight) => {
            set({ weight });
          }}
          error={errorAt('weight')}
        />
        <Select
          label="Overlap policy"
          description="When the previous run is still going"
          data={nameOptions(OverlapPolicy)}
          value={form.overlapPolicy || null}
          onChange={(v) => {
            set({ overlapPolicy: v ?? '' });
          }}
          clearable
          placeholder="Manager default"
          error={errorAt('overlapPolicy')}
        />
        <Select
          label="Misfire policy"
          description="Occurrences missed while no manager ran"
          data={nameOptions(MisfirePolicy)}
          value={form.misfirePolicy || null}
          onChange={(v) => {
            set({ misfirePolicy: v ?? '' });
          }}
          clearable
          placeholder="Manager default"
          error={errorAt('misfirePolicy')}
        />
        <NumberInput
          label="Start deadline (s)"
          description="Skip an occurrence that cannot start in time; empty: none"
          min={1}
          allowDecimal={false}
          value={form.startDeadlineSeconds}
          onChange={(startDeadlineSeconds) => {
            set({ startDeadlineSeconds });
          }}
          error={errorAt('startDeadlineSeconds')}
        />
        <TextInput
          label="Termination strategy"
          description="A manager plugin's strategy; empty: none"
          value={form.terminationStrategy}
          onChange={(e) => {
            set({ terminationStrategy: e.currentTarget.value });
          }}
          error={errorAt('terminationStrategy')}
        />
        <Textarea
          label="Worker labels"
          description="One name=value per line; instances must carry them all"
          autosize
          minRows={2}
          styles={MONOSPACE_INPUT}
          value={form.labels}
          onChange={(e) => {
            set({ labels: e.currentTarget.value });
          }}
          error={errorAt('labels')}
        />
      </SimpleGrid>
    </Fieldset>
  );
}

/** Upstream (serial) and fork/join jobs, as JSON lists of job keys. */
export function DependencyFields({ form, set, errorAt }: SectionProps) {
  const placeholder = '[{"clusterName": "…", "groupName": "…", "jobName": "…", "jobClassName": "…"}]';
  return (
    <Fieldset legend="Dependencies">
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <Textarea
          label="Upstream jobs (JSON)"
          description="Job keys this job runs after"
          placeholder={placeholder}
          autosize
          minRows={2}
          maxRows={10}
          styles={MONOSPACE_INPUT}
          value={form.dependentKeys}
          onChange={(e) => {
            set({ dependentKeys: e.currentTarget.value });
          }}
          error={errorAt('dependentKeys')}
        />
        <Textarea
          label="Fork jobs (JSON)"
          description="Job keys forked in parallel"
          placeholder={placeholder}
          autosize
          minRows={2}
          maxRows={10}
          styles={MONOSPACE_INPUT}
          value={form.forkKeys}
          onChange={(e) => {
            set({ forkKeys: e.currentTarget.value });
          }}
          error={errorAt('forkKeys')}
        />
        <NumberInput
          label="Completion rate"
          description="Fork/join: share of forks that must complete (0-1); empty: all"
          min={-1}
          max={1}
          step={0.1}
          decimalScale={3}
          value={form.completionRate}
          onChange={(completionRate) => {
            set({ completionRate });
          }}
          error={errorAt('completionRate')}
        />
      </SimpleGrid>
    </Fieldset>
  );
}
