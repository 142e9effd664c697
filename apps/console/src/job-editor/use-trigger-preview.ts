import { TriggerType, type TriggerDefinition } from '@chaconne/contracts';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useJobManager } from '../api/api-context';

/**
 * The next five fire times of a recurring trigger as the manager computes them (previewTrigger),
 * asked once the trigger has stopped changing for half a second. The manager's refusal is the
 * query's error (its field errors point at the trigger's inputs).
 */
export function useTriggerPreview(trigger: TriggerDefinition) {
  const jobManager = useJobManager();
  const recurring = trigger.triggerType === TriggerType.CRON || trigger.triggerType === TriggerType.PERIODIC;
  const [settled] = useDebouncedValue(JSON.stringify(trigger), 500);
  return useQuery({
    queryKey: ['previewTrigger', settled],
    queryFn: () => jobManager.previewTrigger(JSON.parse(settled) as TriggerDefinition, 5),
    enabled: recurring,
    retry: false,
    staleTime: 30_000,
  });
}
