import type { MarketingEvent } from '@leadflow/shared/marketing';
import { Badge, Button, Group, Modal, Paper, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmButton } from '@/components/confirm-button';
import { LoadingScreen } from '@/components/loading-screen';
import { QueryError } from '@/components/query-error';
import { applyFormErrors } from '@/lib/form';
import { notifyError } from '@/lib/notify';
import { useEvents } from '../api/get-events';
import { useCreateEvent, useDeleteEvent, useUpdateEvent } from '../api/save-event';

type EventValues = { name: string; date: string; place: string; notes: string };

function EventModal({ event, opened, onClose }: { event: MarketingEvent | null; opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const create = useCreateEvent();
  const update = useUpdateEvent();
  const form = useForm<EventValues>({
    initialValues: { name: event?.name ?? '', date: event?.date ?? '', place: event?.place ?? '', notes: event?.notes ?? '' },
  });
  const submit = form.onSubmit((values) => {
    const body = { name: values.name, date: values.date || null, place: values.place || null, notes: values.notes || null };
    const done = { onSuccess: onClose, onError: (error: unknown) => applyFormErrors(form, error) };
    if (event) update.mutate({ id: event.id, ...body }, done);
    else create.mutate(body, done);
  });
  return (
    <Modal opened={opened} onClose={onClose} title={event ? t('marketing.events.edit') : t('marketing.events.add')} centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput label={t('marketing.events.name')} required maxLength={150} data-autofocus {...form.getInputProps('name')} />
          <TextInput label={t('marketing.events.date')} type="date" {...form.getInputProps('date')} />
          <TextInput label={t('marketing.events.place')} maxLength={200} {...form.getInputProps('place')} />
          <Textarea label={t('marketing.events.notes')} autosize minRows={2} maxLength={5000} {...form.getInputProps('notes')} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('marketing.cancel')}
            </Button>
            <Button type="submit" loading={create.isPending || update.isPending}>
              {t('marketing.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function EventRow({ event, onEdit }: { event: MarketingEvent; onEdit: () => void }) {
  const { t } = useTranslation();
  const update = useUpdateEvent();
  const remove = useDeleteEvent();
  return (
    <Paper withBorder p="sm" data-testid={`event-${event.name}`}>
      <Group justify="space-between" wrap="wrap" gap="xs">
        <div style={{ minWidth: 0, flex: '1 1 200px' }}>
          <Group gap="xs">
            <Text fw={500} style={{ overflowWrap: 'anywhere' }}>
              {event.name}
            </Text>
            {event.archived ? <Badge color="gray">{t('marketing.events.archived')}</Badge> : null}
            <Badge variant="light">
              {t('marketing.events.leads')}: {event.leadCount}
            </Badge>
          </Group>
          <Text size="xs" c="dimmed">
            {[event.date, event.place].filter(Boolean).join(' · ')}
          </Text>
          {event.notes ? (
            <Text size="xs" style={{ whiteSpace: 'pre-wrap' }}>
              {event.notes}
            </Text>
          ) : null}
        </div>
        <Group gap="xs">
          <Button size="compact-sm" variant="default" onClick={onEdit}>
            {t('common.edit')}
          </Button>
          <Button size="compact-sm" variant="default" loading={update.isPending} onClick={() => update.mutate({ id: event.id, archived: !event.archived }, { onError: notifyError })}>
            {event.archived ? t('marketing.events.unarchive') : t('marketing.events.archive')}
          </Button>
          {event.leadCount === 0 ? (
            <ConfirmButton
              size="compact-sm"
              variant="light"
              title={t('marketing.events.delete')}
              message={event.name}
              confirmLabel={t('marketing.events.delete')}
              loading={remove.isPending}
              onConfirm={() => remove.mutate(event.id, { onError: notifyError })}
            >
              {t('marketing.events.delete')}
            </ConfirmButton>
          ) : null}
        </Group>
      </Group>
    </Paper>
  );
}

/** Marketing events (fairs, talks, open houses) leads can come from. */
export function EventsSettings() {
  const { t } = useTranslation();
  const events = useEvents();
  const [editing, setEditing] = useState<MarketingEvent | 'new' | null>(null);
  if (events.isError) return <QueryError error={events.error} onRetry={() => void events.refetch()} />;
  if (!events.data) return <LoadingScreen />;
  return (
    <Stack>
      <Group>
        <Button onClick={() => setEditing('new')}>{t('marketing.events.add')}</Button>
      </Group>
      {events.data.events.length === 0 ? <Text c="dimmed">{t('marketing.events.empty')}</Text> : null}
      {events.data.events.map((event) => (
        <EventRow key={event.id} event={event} onEdit={() => setEditing(event)} />
      ))}
      {editing ? (
        <EventModal key={editing === 'new' ? 'new' : editing.id} event={editing === 'new' ? null : editing} opened onClose={() => setEditing(null)} />
      ) : null}
    </Stack>
  );
}
