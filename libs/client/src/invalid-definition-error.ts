import type { FieldError } from '@chaconne/contracts';

/**
 * Thrown by the builders (`JobKey.by`, `GenericJobDefinition...build()`,
 * `GenericTrigger.Builder...build()`) for a definition the manager would refuse, before anything
 * is sent: they check it with the job-definition schema the manager applies
 * (`@chaconne/contracts/definition`). Field paths are the manager's, e.g.
 * `trigger.triggerDescription.periodic.period`. The manager stays the authority on what needs
 * its state (cron syntax, time zones it knows, plugins, its attachment limit).
 */
export class InvalidDefinitionError extends Error {
  constructor(readonly problems: readonly FieldError[]) {
    super(`invalid definition: ${problems.map((p) => `${p.field}: ${p.reason}`).join('; ')}`);
    this.name = 'InvalidDefinitionError';
  }
}

/** Throws the problems, if any, as one {@link InvalidDefinitionError}. */
export function throwIfAny(problems: readonly FieldError[]): void {
  if (problems.length > 0) throw new InvalidDefinitionError(problems);
}
