import { Text } from '@mantine/core';
import { modals } from '@mantine/modals';
import type { ReactNode } from 'react';

/**
 * Asks before a destructive action, saying what will happen; `onConfirm` runs only on "Confirm".
 * The confirm button is red when the action cannot be undone.
 */
export function confirmAction({
  title,
  message,
  onConfirm,
  irreversible = false,
  confirmLabel = 'Confirm',
}: {
  title: string;
  message: ReactNode;
  onConfirm: () => void;
  irreversible?: boolean;
  confirmLabel?: string;
}): void {
  modals.openConfirmModal({
    title,
    children: typeof message === 'string' ? <Text size="sm">{message}</Text> : message,
    labels: { confirm: confirmLabel, cancel: 'Cancel' },
    confirmProps: { color: irreversible ? 'red' : undefined },
    onConfirm,
  });
}
