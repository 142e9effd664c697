import { TriggerType, type TriggerDefinition } from '@chaconne/contracts';

/** Chaconne's `NoneTrigger`: a SIMPLE trigger with no start date, i.e. run on demand only. */
export function onDemandTrigger(): TriggerDefinition {
  return {
    triggerType: TriggerType.SIMPLE,
    triggerDescription: null,
    startDate: null,
    endDate: null,
    repeatCount: -1,
  };
}
