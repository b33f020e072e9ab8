import { NOTIFICATION_TYPES, updateNotificationPreferences, type NotificationType } from '@leadflow/shared/notifications';
import { Alert, Button, Checkbox, Group, Loader, Stack, Switch, Table, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconBellRinging } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { QueryError } from '@/components/query-error';
import { applyFormErrors, zodResolver } from '@/lib/form';
import { notifySuccess } from '@/lib/notify';
import { useNotificationPreferences, useUpdateNotificationPreferences, type NotificationPreferences } from '../api/notifications';
import { desktopPermission, requestDesktopPermission, type DesktopPermission } from '../utils/alerts';

const CHANNELS = ['inApp', 'desktop', 'email'] as const;

type Values = { types: NotificationPreferences['types']; quietHours: NotificationPreferences['quietHours'] };

/** Profile section: per type, which channels notify me; quiet hours; and the browser's permission for desktop alerts. */
export function NotificationPreferencesSection() {
  const prefs = useNotificationPreferences();
  if (prefs.isPending) return <Loader size="sm" />;
  if (prefs.isError) return <QueryError error={prefs.error} onRetry={() => void prefs.refetch()} />;
  return <PreferencesForm key={JSON.stringify(prefs.data)} prefs={prefs.data} />;
}

function PreferencesForm({ prefs }: { prefs: NotificationPreferences }) {
  const { t } = useTranslation();
  const update = useUpdateNotificationPreferences();
  const [permission, setPermission] = useState<DesktopPermission>(desktopPermission());
  const form = useForm<Values>({
    initialValues: { types: prefs.types, quietHours: prefs.quietHours },
    validate: zodResolver(updateNotificationPreferences),
  });

  const submit = form.onSubmit((values) => {
    update.mutate(values, {
      onSuccess: () => notifySuccess(t('notifications.prefs.saved')),
      onError: (error) => applyFormErrors(form, error),
    });
  });

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <DesktopPermissionRow permission={permission} onAsk={() => void requestDesktopPermission().then(setPermission)} />
        <Table.ScrollContainer minWidth={320}>
          <Table verticalSpacing="xs" horizontalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('notifications.prefs.type')}</Table.Th>
                {CHANNELS.map((c) => (
                  <Table.Th key={c} ta="center">
                    {t(`notifications.prefs.channel.${c}`)}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {NOTIFICATION_TYPES.map((type: NotificationType) => (
                <Table.Tr key={type}>
                  <Table.Td>
                    <Text size="sm">{t(`notifications.types.${type}`)}</Text>
                  </Table.Td>
                  {CHANNELS.map((c) => (
                    <Table.Td key={c}>
                      <Group justify="center">
                        <Checkbox
                          aria-label={`${t(`notifications.types.${type}`)}: ${t(`notifications.prefs.channel.${c}`)}`}
                          {...form.getInputProps(`types.${type}.${c}`, { type: 'checkbox' })}
                        />
                      </Group>
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        <Switch
          label={t('notifications.prefs.quietHours')}
          description={t('notifications.prefs.quietHoursHelp', { timeZone: prefs.timeZone })}
          {...form.getInputProps('quietHours.enabled', { type: 'checkbox' })}
        />
        <Group grow>
          <TextInput type="time" label={t('notifications.prefs.from')} disabled={!form.values.quietHours.enabled} {...form.getInputProps('quietHours.start')} />
          <TextInput type="time" label={t('notifications.prefs.to')} disabled={!form.values.quietHours.enabled} {...form.getInputProps('quietHours.end')} />
        </Group>
        <Group justify="flex-end">
          <Button type="submit" loading={update.isPending}>
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function DesktopPermissionRow({ permission, onAsk }: { permission: DesktopPermission; onAsk: () => void }) {
  const { t } = useTranslation();
  if (permission === 'granted') {
    return (
      <Text size="sm" c="teal">
        {t('notifications.prefs.desktopGranted')}
      </Text>
    );
  }
  if (permission === 'unsupported' || permission === 'denied') {
    return (
      <Alert color="gray" variant="light">
        {permission === 'denied' ? t('notifications.prefs.desktopDenied') : t('notifications.prefs.desktopUnsupported')}
      </Alert>
    );
  }
  return (
    <Group justify="space-between" wrap="wrap" gap="xs">
      <Text size="sm">{t('notifications.prefs.desktopAsk')}</Text>
      <Button variant="light" size="xs" leftSection={<IconBellRinging size={14} />} onClick={onAsk}>
        {t('notifications.prefs.desktopAllow')}
      </Button>
    </Group>
  );
}
