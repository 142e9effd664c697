import { notifications } from '@mantine/notifications';
import { errorMessage } from './api-error';

export function notifySuccess(message: string): void {
  notifications.show({ color: 'green', message });
}

/** A failed action's error in full (message and code); field errors belong next to their fields instead. */
export function notifyFailure(action: string, error: unknown): void {
  notifications.show({
    color: 'red',
    title: `${action} failed`,
    message: errorMessage(error),
    autoClose: 10_000,
  });
}
