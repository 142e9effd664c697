import { ChaconneApiError } from '@chaconne/client';
import { Alert, List, Text } from '@mantine/core';

/** What went wrong, in words: the manager's message and code, or the error's own message. */
export function errorMessage(error: unknown): string {
  if (error instanceof ChaconneApiError) return `${error.message} (${error.code})`;
  return error instanceof Error ? error.message : String(error);
}

/** The field errors of a failed call, by field path (e.g. `trigger.cron`). */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ChaconneApiError)) return {};
  const byField: Record<string, string> = {};
  for (const { field, reason } of error.fieldErrors)
    byField[field] = byField[field] ? `${byField[field]}; ${reason}` : reason;
  return byField;
}

/** An error the API answered, shown in full: message, code, and every field at fault. */
export function ApiErrorAlert({
  error,
  title = 'The manager refused the request',
}: {
  error: unknown;
  title?: string;
}) {
  if (!error) return null;
  const fields = error instanceof ChaconneApiError ? error.fieldErrors : [];
  return (
    <Alert color="red" title={title} role="alert" data-testid="api-error">
      <Text size="sm">{errorMessage(error)}</Text>
      {fields.length > 0 && (
        <List size="sm" mt="xs">
          {fields.map((f) => (
            <List.Item key={`${f.field}:${f.reason}`}>
              <Text span fw={600} ff="monospace">
                {f.field}
              </Text>
              : {f.reason}
            </List.Item>
          ))}
        </List>
      )}
    </Alert>
  );
}
