import { type FieldError, identifierProblem } from '@chaconne/contracts';

/**
 * Thrown by the builders (`JobKey.by`, `GenericJobDefinition...build()`,
 * `GenericTrigger.Builder...build()`) for input that is obviously wrong, before anything is
 * sent. Field paths are the manager's, e.g. `trigger.triggerDescription.periodic.period`.
 * The manager stays the authority on everything else (cron syntax, time zones it knows, limits).
 */
export class InvalidDefinitionError extends Error {
  constructor(readonly problems: readonly FieldError[]) {
    super(`invalid definition: ${problems.map((p) => `${p.field}: ${p.reason}`).join('; ')}`);
    this.name = 'InvalidDefinitionError';
  }
}

/** Collects the problems of one build; throws them all at once. */
export class Problems {
  private readonly found: FieldError[] = [];

  add(field: string, reason: string): void {
    this.found.push({ field, reason });
  }

  addAll(prefix: string, problems: readonly FieldError[]): void {
    for (const p of problems) this.add(`${prefix}.${p.field}`, p.reason);
  }

  /** A non-blank string. */
  text(field: string, value: unknown): void {
    if (typeof value !== 'string') this.add(field, 'must be a string');
    else if (value.trim() === '') this.add(field, 'must not be empty');
  }

  /** A name (the manager's identifier rule): no control or bidi characters, not blank, at most `max` characters. */
  identifier(field: string, value: unknown, max: number): void {
    const problem = identifierProblem(value, max);
    if (problem) this.add(field, problem);
  }

  /** An integer in [min, max]. */
  integer(field: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER, hint = ''): void {
    if (!Number.isInteger(value) || value < min || value > max) {
      this.add(
        field,
        hint || `must be an integer from ${min}${max === Number.MAX_SAFE_INTEGER ? '' : ` to ${max}`}`,
      );
    }
  }

  throwIfAny(): void {
    if (this.found.length > 0) throw new InvalidDefinitionError(this.found);
  }

  get list(): readonly FieldError[] {
    return this.found;
  }
}
