import { ValidationFailed } from '../../src/common/app-error';
import { parseBody } from '../../src/common/validation';

/** The fields `parseBody` names when it refuses `body`, sorted; [] when it takes it. */
export function refusedFields(schema: Parameters<typeof parseBody>[0], body: unknown): string[] {
  try {
    parseBody(schema, body);
  } catch (error) {
    if (error instanceof ValidationFailed) return (error.fieldErrors ?? []).map((e) => e.field).sort();
    throw error;
  }
  return [];
}
