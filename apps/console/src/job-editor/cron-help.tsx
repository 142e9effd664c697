import { Alert, List, Text } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import type { TriggerPreview } from '@chaconne/contracts';
import { ChaconneApiError } from '@chaconne/client';
import { errorMessage } from '../components/api-error';
import { fromNow } from '../components/format';
import { describeCron } from '../components/trigger-text';

/** The cron expression in words, as cronstrue reads it (the manager's check is the one that counts). */
export function CronDescription({ expression }: { expression: string }) {
  let words: string;
  let readable = true;
  try {
    words = expression.trim() === '' ? 'Enter a cron expression.' : describeCron(expression);
  } catch (error) {
    readable = false;
    words = `Cannot describe this expression: ${String(error)}`;
  }
  return (
    <Text size="sm" c={readable ? 'indigo' : 'dimmed'} data-testid="cron-description" aria-live="polite">
      {words}
    </Text>
  );
}

/** `2026-03-06T12:00:00+01:00` -> `2026-03-06 12:00:00 +01:00` (and `Z` -> `+00:00`). */
const localText = (iso: string) =>
  `${iso.slice(0, 10)} ${iso.slice(11, 19)} ${iso.slice(19) === 'Z' ? '+00:00' : iso.slice(19)}`;

/**
 * The next five fire times in the trigger's zone, from the manager. A refusal with field errors
 * is shown at those fields instead; any other failure here.
 */
export function NextFireTimes({ preview }: { preview: UseQueryResult<TriggerPreview> }) {
  if (preview.isError) {
    const atFields = preview.error instanceof ChaconneApiError && preview.error.fieldErrors.length > 0;
    return atFields ? (
      <Text size="sm" c="dimmed">
        No fire times: see the trigger&apos;s errors.
      </Text>
    ) : (
      <Alert color="red" title="Could not preview the trigger">
        {errorMessage(preview.error)}
      </Alert>
    );
  }
  if (!preview.data)
    return (
      <Text size="sm" c="dimmed">
        Computing the next fire times…
      </Text>
    );
  const { timeZone, fireTimes } = preview.data;
  return (
    <div>
      <Text size="sm" fw={600}>
        Next fire times ({timeZone})
      </Text>
      {fireTimes.length === 0 ? (
        <Text size="sm" c="dimmed">
          It never fires again.
        </Text>
      ) : (
        <List type="ordered" size="sm" data-testid="next-fire-times" ff="monospace">
          {fireTimes.map((t) => (
            <List.Item key={t.utc}>
              {localText(t.local)}{' '}
              <Text span size="xs" c="dimmed" ff="sans-serif">
                ({fromNow(t.utc)})
              </Text>
            </List.Item>
          ))}
        </List>
      )}
    </div>
  );
}
