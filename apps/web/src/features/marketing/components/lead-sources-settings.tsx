import { LEAD_SOURCE_KINDS, type LeadSource, type LeadSourceKind } from '@leadflow/shared/marketing';
import { Badge, Button, Group, Paper, Select, Stack, TagsInput, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmButton } from '@/components/confirm-button';
import { LoadingScreen } from '@/components/loading-screen';
import { QueryError } from '@/components/query-error';
import { applyFormErrors } from '@/lib/form';
import { notifyError } from '@/lib/notify';
import { useLeadSources } from '../api/get-lead-sources';
import { useCreateLeadSource, useDeleteLeadSource, useUpdateLeadSource } from '../api/save-lead-source';

type SourceValues = { name: string; kind: LeadSourceKind; subtypes: string[] };

function SourceForm({ initial, onDone, onCancel }: { initial?: LeadSource; onDone: () => void; onCancel?: () => void }) {
  const { t } = useTranslation();
  const create = useCreateLeadSource();
  const update = useUpdateLeadSource();
  const form = useForm<SourceValues>({ initialValues: { name: initial?.name ?? '', kind: initial?.kind ?? 'other', subtypes: initial?.subtypes ?? [] } });
  const kinds = LEAD_SOURCE_KINDS.map((k) => ({ value: k, label: t(`marketing.sources.kinds.${k}`) }));
  const submit = form.onSubmit((values) => {
    const done = {
      onSuccess: () => {
        if (!initial) form.reset();
        onDone();
      },
      onError: (error: unknown) => applyFormErrors(form, error),
    };
    if (initial) update.mutate({ id: initial.id, ...values }, done);
    else create.mutate(values, done);
  });
  return (
    <form onSubmit={submit} noValidate>
      <Group align="flex-end" wrap="wrap" gap="xs">
        <TextInput label={t('marketing.sources.name')} required maxLength={100} style={{ flex: '1 1 180px' }} {...form.getInputProps('name')} />
        <Select label={t('marketing.sources.kind')} data={kinds} allowDeselect={false} style={{ flex: '0 1 170px' }} {...form.getInputProps('kind')} />
        <TagsInput
          label={t('marketing.sources.subtypes')}
          description={t('marketing.sources.subtypesHint')}
          style={{ flex: '2 1 240px' }}
          {...form.getInputProps('subtypes')}
        />
        <Group gap="xs">
          {onCancel ? (
            <Button variant="default" onClick={onCancel}>
              {t('marketing.cancel')}
            </Button>
          ) : null}
          <Button type="submit" loading={create.isPending || update.isPending}>
            {initial ? t('marketing.save') : t('marketing.sources.add')}
          </Button>
        </Group>
      </Group>
    </form>
  );
}

function SourceRow({ source }: { source: LeadSource }) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState(false);
  const update = useUpdateLeadSource();
  const remove = useDeleteLeadSource();
  if (editing) {
    return (
      <Paper withBorder p="sm">
        <SourceForm initial={source} onDone={() => setEditing(false)} onCancel={() => setEditing(false)} />
      </Paper>
    );
  }
  return (
    <Paper withBorder p="sm" data-testid={`lead-source-${source.name}`}>
      <Group justify="space-between" wrap="wrap" gap="xs">
        <div style={{ minWidth: 0, flex: '1 1 200px' }}>
          <Group gap="xs">
            <Text fw={500} style={{ overflowWrap: 'anywhere' }}>
              {source.name}
            </Text>
            <Badge variant="light">{t(`marketing.sources.kinds.${source.kind}`)}</Badge>
            {source.archived ? <Badge color="gray">{t('marketing.sources.archived')}</Badge> : null}
          </Group>
          {source.subtypes.length ? (
            <Text size="xs" c="dimmed">
              {source.subtypes.join(' · ')}
            </Text>
          ) : null}
        </div>
        <Group gap="xs">
          <Button size="compact-sm" variant="default" onClick={() => setEditing(true)}>
            {t('common.edit')}
          </Button>
          <Button size="compact-sm" variant="default" loading={update.isPending} onClick={() => update.mutate({ id: source.id, archived: !source.archived }, { onError: notifyError })}>
            {source.archived ? t('marketing.sources.unarchive') : t('marketing.sources.archive')}
          </Button>
          <ConfirmButton
            size="compact-sm"
            color="red"
            variant="light"
            title={t('marketing.sources.delete')}
            message={source.name}
            confirmLabel={t('marketing.sources.delete')}
            loading={remove.isPending}
            onConfirm={() => remove.mutate(source.id, { onError: notifyError })}
          >
            {t('marketing.sources.delete')}
          </ConfirmButton>
        </Group>
      </Group>
    </Paper>
  );
}

/** The workspace's lead sources: what the lead form offers, with word-of-mouth sub-types. */
export function LeadSourcesSettings() {
  const { t } = useTranslation();
  const sources = useLeadSources();
  if (sources.isError) return <QueryError error={sources.error} onRetry={() => void sources.refetch()} />;
  if (!sources.data) return <LoadingScreen />;
  return (
    <Stack>
      <Paper withBorder p="sm">
        <SourceForm onDone={() => undefined} />
      </Paper>
      {sources.data.sources.length === 0 ? <Text c="dimmed">{t('marketing.sources.empty')}</Text> : null}
      {sources.data.sources.map((source) => (
        <SourceRow key={source.id} source={source} />
      ))}
    </Stack>
  );
}
