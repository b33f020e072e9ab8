import { notifications } from '@mantine/notifications';
import { ApiError } from '@/lib/api-client';
import { errorMessage, reportUnexpected } from '@/lib/errors';
import { i18n } from '@/lib/i18n';

/** Shows an error as a notification, unless a global handler already dealt with it. */
export function notifyError(error: unknown): void {
  if (error instanceof ApiError && error.handled) return;
  reportUnexpected(error);
  notifications.show({ color: 'red', title: i18n.t('errors.title'), message: errorMessage(error) });
}

export function notifySuccess(message: string): void {
  notifications.show({ color: 'teal', message });
}
