import type { LostReason } from '@leadflow/shared/pipelines';
import { ActionIcon, Button, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconCheck, IconPlus, IconX } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LoadingScreen } from '@/components/loading-screen';
import { QueryError } from '@/components/query-error';
import { notifyError, notifySuccess } from '@/lib/notify';
import { useLostReasons } from '../api/get-lost-reasons';
import { useCreateLostReason, useReorderLostReasons, useUpdateLostReason } from '../api/manage-lost-reasons';
import { usePipelinesLiveUpdates } from '../hooks/use-pipelines-live-updates';

function ReasonRow({ reason, index, count, busy, onMove }: { reason: LostReason; index: number; count: number; busy: boolean; onMove: (from: number, to: number) => void }) {
  const { t } = useTranslation();
  const update = useUpdateLostReason();
  const [editing, setEditing] = useState<string | null>(null);
  const save = () => {
    const name = editing?.trim() ?? '';
    if (!name || name === reason.name) {
      setEditing(null);
      return;
    }
    update.mutate({ reasonId: reason.id, name }, { onSuccess: () => setEditing(null), onError: notifyError });
  };
  return (
    <Paper withBorder p="xs" data-testid={`lost-reason-${reason.name}`}>
      <Group wrap="nowrap" gap="sm">
        {editing !== null ? (
          <form
            style={{ flex: 1, display: 'flex', gap: 6 }}
            onSubmit={(event) => {
              event.preventDefault();
              save();
            }}
          >
            <TextInput aria-label={t('lostReasons.name')} value={editing} onChange={(event) => setEditing(event.currentTarget.value)} maxLength={200} style={{ flex: 1 }} data-autofocus autoFocus />
            <ActionIcon type="submit" variant="light" size="lg" aria-label={t('common.save')} loading={update.isPending}>
              <IconCheck size={16} />
            </ActionIcon>
            <ActionIcon variant="default" size="lg" aria-label={t('common.cancel')} onClick={() => setEditing(null)}>
              <IconX size={16} />
            </ActionIcon>
          </form>
        ) : (
          <Text size="sm" style={{ flex: 1, overflowWrap: 'anywhere' }}>
            {reason.name}
          </Text>
        )}
        <ActionIcon variant="default" aria-label={t('lostReasons.moveUp', { name: reason.name })} disabled={index === 0 || busy} onClick={() => onMove(index, index - 1)}>
          <IconArrowUp size={14} />
        </ActionIcon>
        <ActionIcon variant="default" aria-label={t('lostReasons.moveDown', { name: reason.name })} disabled={index === count - 1 || busy} onClick={() => onMove(index, index + 1)}>
          <IconArrowDown size={14} />
        </ActionIcon>
        {editing === null ? (
          <Button size="compact-sm" variant="default" aria-label={t('lostReasons.rename', { name: reason.name })} onClick={() => setEditing(reason.name)}>
            {t('lostReasons.renameShort')}
          </Button>
        ) : null}
        <Button
          size="compact-sm"
          variant="light"
          color="red"
          aria-label={t('lostReasons.archive', { name: reason.name })}
          loading={update.isPending && update.variables.archived === true}
          onClick={() => update.mutate({ reasonId: reason.id, archived: true }, { onSuccess: () => notifySuccess(t('lostReasons.archived', { name: reason.name })), onError: notifyError })}
        >
          {t('pipelineSettings.archive')}
        </Button>
      </Group>
    </Paper>
  );
}

/** Settings › Lost reasons: the list a user picks from when a lead moves to a lost stage. */
export function LostReasonsSettings() {
  const { t } = useTranslation();
  const reasons = useLostReasons(true);
  usePipelinesLiveUpdates();
  const create = useCreateLostReason();
  const reorder = useReorderLostReasons();
  const restore = useUpdateLostReason();
  const [name, setName] = useState('');

  if (reasons.isPending) return <LoadingScreen />;
  if (reasons.isError) return <QueryError error={reasons.error} onRetry={() => void reasons.refetch()} />;
  const all = [...reasons.data.reasons].sort((a, b) => a.position - b.position);
  const active = all.filter((r) => r.archivedAt === null);
  const archived = all.filter((r) => r.archivedAt !== null);

  const move = (from: number, to: number) => {
    const ids = active.map((r) => r.id);
    const [moved] = ids.splice(from, 1);
    if (!moved) return;
    ids.splice(to, 0, moved);
    reorder.mutate(ids, { onError: notifyError });
  };

  return (
    <Stack>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const trimmed = name.trim();
          if (!trimmed) return;
          create.mutate({ name: trimmed }, { onSuccess: () => setName(''), onError: notifyError });
        }}
      >
        <Group gap="xs" align="flex-end" wrap="nowrap">
          <TextInput label={t('lostReasons.new')} value={name} onChange={(event) => setName(event.currentTarget.value)} maxLength={200} style={{ flex: 1, maxWidth: 420 }} />
          <Button type="submit" leftSection={<IconPlus size={16} />} loading={create.isPending} disabled={!name.trim()}>
            {t('lostReasons.add')}
          </Button>
        </Group>
      </form>
      {active.length === 0 ? (
        <Text c="dimmed">{t('lostReasons.empty')}</Text>
      ) : (
        <Stack gap={6} role="list">
          {active.map((reason, index) => (
            <div role="listitem" key={reason.id}>
              <ReasonRow reason={reason} index={index} count={active.length} busy={reorder.isPending} onMove={move} />
            </div>
          ))}
        </Stack>
      )}
      {archived.length > 0 ? (
        <Stack gap="xs" mt="md">
          <Title order={4}>{t('lostReasons.archivedTitle')}</Title>
          {archived.map((reason) => (
            <Group key={reason.id} justify="space-between" wrap="nowrap">
              <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                {reason.name}
              </Text>
              <Button
                size="compact-sm"
                variant="light"
                aria-label={t('lostReasons.restore', { name: reason.name })}
                onClick={() => restore.mutate({ reasonId: reason.id, archived: false }, { onError: notifyError })}
              >
                {t('pipelineSettings.restore')}
              </Button>
            </Group>
          ))}
        </Stack>
      ) : null}
    </Stack>
  );
}
