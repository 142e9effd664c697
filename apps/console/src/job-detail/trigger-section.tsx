import { type JobTriggerDetail, type TriggerDefinition, TriggerType } from '@chaconne/client';
import type { TriggerDescription } from '@chaconne/contracts';
import { List, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useJobManager } from '../api/api-context';
import { FieldTable } from '../components/field-table';
import { formatTime } from '../components/format';
import { JsonBlock } from '../components/json-block';
import { QueryState } from '../components/query-state';
import { Section } from '../components/section';
import { triggerTypeName } from '../components/enum-names';
import { describeCron, describePeriod, parseTriggerDescription } from '../components/trigger-text';

/** A cron expression in words, or why it cannot be read. */
function cronInWords(expression: string): string {
  try {
    return describeCron(expression);
  } catch {
    return 'not readable as cron';
  }
}

/** The schedule in words: the cron expression and what it means, or the period. */
function scheduleRows(description: TriggerDescription): [string, ReactNode][] {
  if (description.cron) {
    const { expression } = description.cron;
    return [
      [
        'Cron',
        <Text key="c" ff="monospace" size="sm">
          {expression}
        </Text>,
      ],
      ['Means', cronInWords(expression)],
    ];
  }
  if (description.periodic) {
    const { period, schedulingUnit, fixedRate } = description.periodic;
    return [['Period', describePeriod(period, schedulingUnit, fixedRate)]];
  }
  return [];
}

function NextFireTimes({ trigger }: { trigger: JobTriggerDetail }) {
  const jobManager = useJobManager();
  const definition: TriggerDefinition = {
    triggerType: trigger.triggerType,
    triggerDescription: parseTriggerDescription(trigger.triggerDescription),
    startDate: trigger.startDate,
    endDate: trigger.endDate,
    repeatCount: trigger.repeatCount,
    timeZone: trigger.timeZone,
  };
  const preview = useQuery({
    queryKey: ['previewTrigger', definition],
    queryFn: () => jobManager.previewTrigger(definition, 5),
    enabled: trigger.triggerType !== TriggerType.DEPENDENT,
  });
  if (trigger.triggerType === TriggerType.DEPENDENT)
    return <Text size="sm">It runs when its upstream jobs complete (see Dependencies).</Text>;
  return (
    <QueryState query={preview} isEmpty={(p) => p.fireTimes.length === 0} empty="It will not fire again.">
      {(p) => (
        <List size="sm" type="ordered" data-testid="job-next-fire-times">
          {p.fireTimes.map((t) => (
            <List.Item key={t.utc}>
              {t.local.slice(0, 19).replace('T', ' ')} ({p.timeZone}) · {formatTime(t.utc)} here
            </List.Item>
          ))}
        </List>
      )}
    </QueryState>
  );
}

/** The trigger: type, schedule, bounds and time zone, and its next five fire times. */
export function TriggerSection({ trigger }: { trigger: JobTriggerDetail }) {
  const description = parseTriggerDescription(trigger.triggerDescription);
  return (
    <Section title="Trigger">
      <Stack gap="sm">
        <FieldTable
          rows={[
            ['Type', triggerTypeName(trigger.triggerType)],
            ...scheduleRows(description),
            ['Time zone', trigger.timeZone],
            ['Start date', formatTime(trigger.startDate)],
            ['End date', formatTime(trigger.endDate)],
            ['Repeat count', trigger.repeatCount < 0 ? 'unlimited' : trigger.repeatCount],
            ['Description (JSON)', <JsonBlock key="d" value={trigger.triggerDescription} maxHeight={160} />],
          ]}
        />
        <Text fw={600} size="sm">
          Next fire times
        </Text>
        <NextFireTimes trigger={trigger} />
      </Stack>
    </Section>
  );
}
