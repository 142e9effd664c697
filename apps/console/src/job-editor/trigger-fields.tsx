import { SchedulingUnit, TriggerType } from '@chaconne/client';
import type { TriggerPreview } from '@chaconne/contracts';
import {
  Checkbox,
  Fieldset,
  Group,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import { enumOptions } from '../components/enum-names';
import { SuggestInput } from '../components/suggest-input';
import { CronDescription, NextFireTimes } from './cron-help';
import type { SectionProps } from './section-props';
import { MONOSPACE_INPUT } from '../components/monospace';

const CRON_FIELD = 'trigger.triggerDescription.cron.expression';
const PERIODIC_FIELD = 'trigger.triggerDescription.periodic';
const TIME_ZONES = [...new Set(['UTC', ...Intl.supportedValuesOf('timeZone')])];

const TYPE_HINTS: Record<number, string> = {
  [TriggerType.SIMPLE]: 'Runs once, at the start date (or on demand when there is none).',
  [TriggerType.DEPENDENT]: 'Runs after its upstream jobs: list them under Dependencies.',
};

/** The trigger: its type and what that type needs, its zone, dates and repeat count, with a live preview. */
export function TriggerFields({
  form,
  set,
  errorAt,
  preview,
}: SectionProps & { preview: UseQueryResult<TriggerPreview> }) {
  const type = Number(form.triggerType);
  const recurring = type === TriggerType.CRON || type === TriggerType.PERIODIC;
  return (
    <Fieldset legend="Trigger">
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Select
            label="Trigger type"
            data={enumOptions(TriggerType)}
            value={form.triggerType}
            onChange={(v) => {
              set({ triggerType: v ?? form.triggerType });
            }}
            allowDeselect={false}
            error={errorAt('trigger.triggerType')}
          />
          <SuggestInput
            label="Time zone"
            description="IANA zone of the cron fields and the dates; empty: the manager's"
            suggestions={TIME_ZONES}
            value={form.timeZone}
            onChange={(e) => {
              set({ timeZone: e.currentTarget.value });
            }}
            error={errorAt('trigger.timeZone')}
          />
        </SimpleGrid>
        {type === TriggerType.CRON && (
          <Stack gap={4}>
            <TextInput
              label="Cron expression"
              description="Quartz (6 or 7 fields, seconds first) or Unix (5 fields)"
              styles={MONOSPACE_INPUT}
              value={form.cron}
              onChange={(e) => {
                set({ cron: e.currentTarget.value });
              }}
              error={errorAt(CRON_FIELD, 'trigger.triggerDescription')}
              autoComplete="off"
              spellCheck={false}
            />
            <CronDescription expression={form.cron} />
          </Stack>
        )}
        {type === TriggerType.PERIODIC && (
          <Group align="flex-start" wrap="wrap">
            <NumberInput
              label="Period"
              min={1}
              allowDecimal={false}
              value={form.period}
              onChange={(period) => {
                set({ period });
              }}
              error={errorAt(`${PERIODIC_FIELD}.period`, PERIODIC_FIELD)}
              w={140}
            />
            <Select
              label="Unit"
              data={enumOptions(SchedulingUnit)}
              value={form.schedulingUnit}
              onChange={(v) => {
                set({ schedulingUnit: v ?? form.schedulingUnit });
              }}
              allowDeselect={false}
              error={errorAt(`${PERIODIC_FIELD}.schedulingUnit`)}
              w={160}
            />
            <Checkbox
              label="Fixed rate"
              description="Off: the period counts from the end of the previous run"
              checked={form.fixedRate}
              onChange={(e) => {
                set({ fixedRate: e.currentTarget.checked });
              }}
              mt={28}
            />
          </Group>
        )}
        {TYPE_HINTS[type] && (
          <Text size="sm" c="dimmed">
            {TYPE_HINTS[type]}
          </Text>
        )}
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <TextInput
            label="Start date"
            type="datetime-local"
            step={1}
            description="In the trigger's zone; empty: now"
            value={form.startDate}
            onChange={(e) => {
              set({ startDate: e.currentTarget.value });
            }}
            error={errorAt('trigger.startDate')}
          />
          <TextInput
            label="End date"
            type="datetime-local"
            step={1}
            description="Empty: no end"
            value={form.endDate}
            onChange={(e) => {
              set({ endDate: e.currentTarget.value });
            }}
            error={errorAt('trigger.endDate')}
          />
          <NumberInput
            label="Repeat count"
            description="Runs before the job finishes; empty: unlimited"
            min={-1}
            allowDecimal={false}
            value={form.repeatCount}
            onChange={(repeatCount) => {
              set({ repeatCount });
            }}
            error={errorAt('trigger.repeatCount')}
          />
        </SimpleGrid>
        {recurring && <NextFireTimes preview={preview} />}
      </Stack>
    </Fieldset>
  );
}
