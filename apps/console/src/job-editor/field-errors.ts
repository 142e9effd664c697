/**
 * Looks up the errors of one input among the manager's and the form's field errors: those at
 * its path and below it (`trigger.triggerDescription.periodic` holds `.period`'s too).
 */
export type ErrorAt = (...paths: string[]) => string | undefined;

export function errorLookup(...sources: Record<string, string>[]): ErrorAt {
  return (...paths) => {
    const found: string[] = [];
    for (const source of sources)
      for (const [field, reason] of Object.entries(source))
        if (paths.some((p) => field === p || field.startsWith(`${p}.`)))
          found.push(field === paths[0] ? reason : `${field}: ${reason}`);
    return found.length > 0 ? [...new Set(found)].join('; ') : undefined;
  };
}
