import { Badge, Button, Card, Group, Stack, Text, Timeline, Title } from '@mantine/core';
import {
  IconAlarm,
  IconArrowBackUp,
  IconArrowsExchange,
  IconChecklist,
  IconEdit,
  IconFileImport,
  IconHandStop,
  IconNote,
  IconPlus,
  IconRestore,
  IconTrash,
  IconUserCheck,
  IconUserPlus,
  IconUsers,
} from '@tabler/icons-react';
import type { TFunction } from 'i18next';
import type { ReactNode } from 'react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmButton } from '@/components/confirm-button';
import { LoadingScreen } from '@/components/loading-screen';
import { QueryError } from '@/components/query-error';
import { formatDateTime } from '@/lib/format';
import { notifyError, notifySuccess } from '@/lib/notify';
import { useDeleteNote } from '../api/delete-note';
import type { TimelineItem } from '../api/get-lead-timeline';
import { useLeadTimeline } from '../api/get-lead-timeline';
import { useUpdateNote } from '../api/update-note';
import type { LeadReferences } from '../hooks/use-lead-references';
import { useLeadReferences } from '../hooks/use-lead-references';
import { EMPTY_VALUE, formatChangeValue, originLabel } from '../utils/format-lead-value';
import { fieldNameLabel } from '../utils/lead-fields';
import { assignmentViaText, isRecord, moduleActivityText, textOf } from '../utils/timeline-text';
import { NoteBody } from './note-body';
import { NoteEditor } from './note-editor';

type Person = { id: string; name: string } | null;
type Change = { field: string; old: unknown; new: unknown };

function personOf(value: unknown): Person {
  return isRecord(value) && typeof value.id === 'string' && typeof value.name === 'string' ? { id: value.id, name: value.name } : null;
}

function changesOf(value: unknown): Change[] {
  return Array.isArray(value)
    ? value.filter(isRecord).flatMap((c) => (typeof c.field === 'string' ? [{ field: c.field, old: c.old, new: c.new }] : []))
    : [];
}

const STOP_REASONS = ['won', 'lost', 'replied', 'user', 'deleted'] as const;
const stopReasonOf = (value: unknown) => STOP_REASONS.find((r) => r === value) ?? 'user';

const ICONS: Record<string, ReactNode> = {
  created: <IconPlus size={12} />,
  field_changed: <IconEdit size={12} />,
  owner_changed: <IconUserCheck size={12} />,
  stage_changed: <IconArrowsExchange size={12} />,
  note: <IconNote size={12} />,
  contact_added: <IconUserPlus size={12} />,
  contact_updated: <IconUsers size={12} />,
  contact_removed: <IconUsers size={12} />,
  deleted: <IconTrash size={12} />,
  restored: <IconRestore size={12} />,
  came_back: <IconArrowBackUp size={12} />,
  lead_offered: <IconHandStop size={12} />,
  sla_breached: <IconAlarm size={12} />,
  imported: <IconFileImport size={12} />,
  import_undone: <IconFileImport size={12} />,
  task_created: <IconChecklist size={12} />,
  task_updated: <IconChecklist size={12} />,
  task_completed: <IconChecklist size={12} />,
  task_reopened: <IconChecklist size={12} />,
  task_deleted: <IconChecklist size={12} />,
  task_commented: <IconChecklist size={12} />,
  task_comment_deleted: <IconChecklist size={12} />,
};

/** Contact fields as the server names them in a contact change. */
function contactFieldLabel(field: string, t: TFunction): string {
  switch (field) {
    case 'name':
      return t('leads.contacts.name');
    case 'role':
      return t('leads.contacts.role');
    case 'phoneRaw':
    case 'phoneE164':
      return t('leads.contacts.phone');
    case 'email':
      return t('leads.contacts.email');
    case 'linkedin':
      return t('leads.contacts.linkedin');
    default:
      return field;
  }
}

function ChangeLine({ label, from, to }: { label: string; from: string; to: string }) {
  return (
    <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
      <Text span fw={500} inherit>
        {label}:
      </Text>{' '}
      <Text span c="dimmed" inherit td={from === EMPTY_VALUE ? undefined : 'line-through'}>
        {from}
      </Text>
      {' → '}
      <Text span inherit>
        {to}
      </Text>
    </Text>
  );
}

function describe(item: TimelineItem, references: LeadReferences, t: TFunction): { title: string; body?: ReactNode } {
  const data = item.data;
  switch (item.type) {
    case 'created': {
      const source = textOf(data.source);
      return {
        title: t('leads.timeline.created', { origin: originLabel(textOf(data.origin) || 'manual') }),
        body: source ? <ChangeLine label={t('leads.fields.source')} from={EMPTY_VALUE} to={source} /> : undefined,
      };
    }
    case 'field_changed': {
      const changes = changesOf(data.changes);
      return {
        title: t('leads.timeline.fieldChanged', { count: changes.length }),
        body: (
          <Stack gap={2}>
            {changes.map((change, index) => (
              <ChangeLine
                key={`${change.field}-${index}`}
                label={change.field === 'phones' ? t('leads.fields.phone') : change.field === 'emails' ? t('leads.fields.email') : fieldNameLabel(change.field, references.customFields)}
                from={formatChangeValue(change.field, change.old, references)}
                to={formatChangeValue(change.field, change.new, references)}
              />
            ))}
          </Stack>
        ),
      };
    }
    case 'owner_changed': {
      const via = assignmentViaText(data.via, t);
      return {
        title: t('leads.timeline.ownerChanged'),
        body: (
          <Stack gap={2}>
            <ChangeLine
              label={t('leads.fields.ownerId')}
              from={personOf(data.from)?.name ?? t('leads.values.unassigned')}
              to={personOf(data.to)?.name ?? t('leads.values.unassigned')}
            />
            {via ? (
              <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                {via}
              </Text>
            ) : null}
          </Stack>
        ),
      };
    }
    case 'stage_changed':
      return {
        title: t('leads.timeline.stageChanged'),
        body: <ChangeLine label={t('leads.fields.stageId')} from={personOf(data.from)?.name ?? EMPTY_VALUE} to={personOf(data.to)?.name ?? EMPTY_VALUE} />,
      };
    case 'note':
      return { title: t('leads.timeline.note') };
    case 'contact_added':
      return { title: t('leads.timeline.contactAdded', { name: textOf(data.name) }) };
    case 'contact_updated':
      return {
        title: t('leads.timeline.contactUpdated', { name: textOf(data.name) }),
        body: (
          <Stack gap={2}>
            {changesOf(data.changes)
              .filter((change) => change.field !== 'phoneE164')
              .map((change, index) => (
                <ChangeLine
                  key={`${change.field}-${index}`}
                  label={contactFieldLabel(change.field, t)}
                  from={textOf(change.old) || EMPTY_VALUE}
                  to={textOf(change.new) || EMPTY_VALUE}
                />
              ))}
          </Stack>
        ),
      };
    case 'contact_removed':
      return { title: t('leads.timeline.contactRemoved', { name: textOf(data.name) }) };
    case 'deleted':
      return { title: t('leads.timeline.deleted') };
    case 'restored':
      return { title: t('leads.timeline.restored') };
    case 'referral_marked': {
      const referrer = personOf(data.referrer);
      const type = textOf(data.type) === 'interim' ? 'interim' : 'regular';
      return { title: t('referrals.timeline.marked', { type: t(`referrals.types.${type}`).toLowerCase(), name: referrer?.name ?? EMPTY_VALUE }) };
    }
    case 'referral_unmarked':
      return { title: t('referrals.timeline.unmarked') };
    case 'cadence_started':
      return { title: t('cadences.timeline.started', { name: textOf(data.cadence) }) };
    case 'cadence_completed':
      return { title: t('cadences.timeline.completed', { name: textOf(data.cadence) }) };
    case 'cadence_stopped':
      return { title: t('cadences.timeline.stopped', { name: textOf(data.cadence) }), body: t(`cadences.stopReasons.${stopReasonOf(data.reason)}`) };
    default: {
      const text = moduleActivityText(item.type, data, t, {
        dateTime: formatDateTime,
        fieldLabel: (field) => fieldNameLabel(field, references.customFields),
        originLabel,
      });
      if (!text) return { title: item.type };
      return {
        title: text.title,
        body: text.lines.length ? (
          <Stack gap={2}>
            {text.lines.map((line, index) => (
              <Text key={index} size="sm" c="dimmed" style={{ overflowWrap: 'anywhere', whiteSpace: 'pre-line' }}>
                {line}
              </Text>
            ))}
          </Stack>
        ) : undefined,
      };
    }
  }
}

function NoteItem({ item, leadId, canChange }: { item: TimelineItem; leadId: string; canChange: boolean }) {
  const { t } = useTranslation();
  const updateNote = useUpdateNote();
  const deleteNote = useDeleteNote();
  const body = textOf(item.data.body);
  const [draft, setDraft] = useState<string | null>(null);

  if (draft !== null) {
    const save = () => {
      if (!draft.trim()) return;
      updateNote.mutate(
        { leadId, noteId: item.id, body: draft },
        {
          onSuccess: () => {
            setDraft(null);
            notifySuccess(t('leads.notes.saved'));
          },
          onError: notifyError,
        },
      );
    };
    return (
      <Stack gap="xs" mt={4}>
        <NoteEditor label={t('leads.notes.editLabel')} value={draft} onChange={setDraft} onSubmit={save} autoFocus />
        <Group gap="xs" justify="flex-end">
          <Button size="compact-sm" variant="default" onClick={() => setDraft(null)}>
            {t('common.cancel')}
          </Button>
          <Button size="compact-sm" loading={updateNote.isPending} disabled={!draft.trim()} onClick={save}>
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    );
  }

  return (
    <Stack gap={4} mt={4}>
      <NoteBody body={body} />
      {canChange ? (
        <Group gap={4}>
          <Button size="compact-xs" variant="subtle" onClick={() => setDraft(body)} aria-label={t('leads.notes.edit')}>
            {t('common.edit')}
          </Button>
          <ConfirmButton
            size="compact-xs"
            variant="subtle"
            aria-label={t('leads.notes.delete')}
            title={t('leads.notes.deleteTitle')}
            message={t('leads.notes.deleteMessage')}
            confirmLabel={t('common.delete')}
            loading={deleteNote.isPending}
            onConfirm={() =>
              deleteNote.mutate({ leadId, noteId: item.id }, { onSuccess: () => notifySuccess(t('leads.notes.deleted')), onError: notifyError })
            }
          >
            {t('common.delete')}
          </ConfirmButton>
        </Group>
      ) : null}
    </Stack>
  );
}

/** Everything that happened to the lead, newest first, a page at a time. */
export function LeadTimeline({ leadId, canEdit }: { leadId: string; canEdit: boolean }) {
  const { t } = useTranslation();
  const references = useLeadReferences();
  const timeline = useLeadTimeline(leadId);
  const items = timeline.data?.pages.flatMap((page) => page.items) ?? [];
  // Managers (edit + view all) may change anyone's note; others only their own.
  const moderator = references.can('leads.edit') && references.can('leads.view_all');

  return (
    <Card withBorder padding="md">
      <Title order={4} mb="sm">
        {t('leads.timeline.title')}
      </Title>
      {timeline.isPending ? (
        <LoadingScreen />
      ) : timeline.isError ? (
        <QueryError error={timeline.error} onRetry={() => void timeline.refetch()} />
      ) : items.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('leads.timeline.empty')}
        </Text>
      ) : (
        <Timeline bulletSize={22} lineWidth={2}>
          {items.map((item) => {
            const { title, body } = describe(item, references, t);
            const bulk = item.data.bulk === true;
            return (
              <Timeline.Item
                key={item.id}
                bullet={ICONS[item.type] ?? <IconEdit size={12} />}
                data-testid="timeline-item"
                data-type={item.type}
                title={
                  <Group gap={6} wrap="wrap">
                    <Text size="sm" fw={600}>
                      {title}
                    </Text>
                    {bulk ? (
                      <Badge size="xs" variant="light" color="gray">
                        {t('leads.timeline.bulk')}
                      </Badge>
                    ) : null}
                  </Group>
                }
              >
                <Text size="xs" c="dimmed">
                  {item.actor?.name ?? t('leads.timeline.system')} · {formatDateTime(item.createdAt)}
                  {item.updatedAt ? ` · ${t('leads.timeline.edited')}` : ''}
                </Text>
                {item.type === 'note' ? (
                  <NoteItem item={item} leadId={leadId} canChange={canEdit && (item.actor?.id === references.me.id || moderator)} />
                ) : (
                  body
                )}
              </Timeline.Item>
            );
          })}
        </Timeline>
      )}
      {timeline.hasNextPage ? (
        <Group justify="center" mt="md">
          <Button variant="default" loading={timeline.isFetchingNextPage} onClick={() => void timeline.fetchNextPage()}>
            {t('leads.timeline.loadMore')}
          </Button>
        </Group>
      ) : null}
    </Card>
  );
}
