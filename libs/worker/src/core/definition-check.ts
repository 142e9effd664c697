import type { FieldError, TriggerDefinition } from '@chaconne/contracts';
import {
  jobDefinitionFieldsSchema,
  jobKeySchema,
  schemaProblems,
  triggerSchema,
} from '@chaconne/contracts/definition';
import type { ChacJobKey } from './job';

/*
 * The SDK's checks of what a job declares, with the job-definition schema of
 * @chaconne/contracts/definition: the manager applies the same one at registration, so a
 * worker is refused here, at start-up, with the fields the manager would name.
 */

/** Field errors as the SDK's messages list them: `trigger.repeatCount must be ...`. */
export function inWords(problems: readonly FieldError[]): string[] {
  return problems.map((p) => `${p.field} ${p.reason}`);
}

/** The problems of a trigger, its fields named as in a definition (`trigger.…`). */
export function triggerProblems(trigger: TriggerDefinition): FieldError[] {
  return schemaProblems(triggerSchema, trigger, 'trigger.');
}

/** The fields a decorator may set, each checked on its own (the rules across fields wait for registration). */
const declaredFields = jobDefinitionFieldsSchema.partial();

/** The problems of some fields of a definition (`retries`, `timeout`, run policy, ...), before the job is complete. */
export function definitionFieldProblems(fields: Record<string, unknown>): FieldError[] {
  const given = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  return schemaProblems(declaredFields, given);
}

/** A reference's job name and class name are required; its cluster and group default to the worker's own. */
const referenceSchema = jobKeySchema.partial().required({ jobName: true, jobClassName: true });

const given = (value: unknown): boolean => typeof value !== 'string' || value.trim() !== '';

/**
 * The problems of a `@ChacJobKey`-style reference, its parts named as in a JobKey under
 * `field` (a blank or missing `cluster`/`group` is the worker's own).
 */
export function referenceProblems(key: ChacJobKey, field: string): FieldError[] {
  if (typeof key !== 'object' || (key as unknown) === null) return [{ field, reason: 'must be a job key' }];
  const parts = {
    jobName: key.name,
    jobClassName: key.className,
    ...(key.cluster !== undefined && given(key.cluster) && { clusterName: key.cluster }),
    ...(key.group !== undefined && given(key.group) && { groupName: key.group }),
  };
  return schemaProblems(referenceSchema, parts, `${field}.`);
}
