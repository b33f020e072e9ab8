import { PRESET_KEYS, type PresetKey, type PresetPreview } from '@leadflow/shared/presets';
import { Badge, Button, Group, Paper, SegmentedControl, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LoadingScreen } from '@/components/loading-screen';
import { QueryError } from '@/components/query-error';
import { notifyError, notifySuccess } from '@/lib/notify';
import { useApplyPreset, usePresetPreview } from '../api/presets';

type Item = { label: string; exists: boolean; detail?: string };

function Section({ title, items }: { title: string; items: Item[] }) {
  const { t } = useTranslation();
  if (!items.length) return null;
  return (
    <Paper withBorder p="sm">
      <Title order={4} size="h5" mb="xs">
        {title}
      </Title>
      <Stack gap={6}>
        {items.map((item) => (
          <Group key={item.label} justify="space-between" wrap="nowrap" gap="xs">
            <div style={{ minWidth: 0 }}>
              <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                {item.label}
              </Text>
              {item.detail ? (
                <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                  {item.detail}
                </Text>
              ) : null}
            </div>
            <Badge variant="light" color={item.exists ? 'gray' : 'green'} style={{ flexShrink: 0 }}>
              {item.exists ? t('presets.exists') : t('presets.willAdd')}
            </Badge>
          </Group>
        ))}
      </Stack>
    </Paper>
  );
}

function Preview({ preview }: { preview: PresetPreview }) {
  const { t } = useTranslation();
  const apply = useApplyPreset();
  const missing =
    preview.pipelines.filter((x) => !x.exists).length +
    preview.fields.filter((x) => !x.exists).length +
    preview.sources.filter((x) => !x.exists).length +
    preview.lostReasons.filter((x) => !x.exists).length +
    preview.tags.filter((x) => !x.exists).length;
  return (
    <Stack>
      <Text size="sm" c="dimmed">
        {preview.description}
      </Text>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Section
          title={t('presets.sections.pipelines')}
          items={preview.pipelines.map((p) => ({ label: p.name, exists: p.exists, detail: p.stages.map((s) => s.name).join(' › ') }))}
        />
        <Section title={t('presets.sections.fields')} items={preview.fields.map((f) => ({ label: f.label, exists: f.exists, detail: f.key }))} />
        <Section
          title={t('presets.sections.sources')}
          items={preview.sources.map((s) => ({ label: s.name, exists: s.exists, detail: s.subtypes.length ? s.subtypes.join(' / ') : undefined }))}
        />
        <Section title={t('presets.sections.lostReasons')} items={preview.lostReasons.map((r) => ({ label: r.name, exists: r.exists }))} />
        <Section title={t('presets.sections.tags')} items={preview.tags.map((r) => ({ label: r.name, exists: r.exists }))} />
      </SimpleGrid>
      {missing === 0 ? (
        <Text size="sm">{t('presets.nothingToAdd')}</Text>
      ) : (
        <Group>
          <Button
            loading={apply.isPending}
            onClick={() =>
              apply.mutate(preview.key, {
                onSuccess: (result) => notifySuccess(t('presets.applied', { count: Object.values(result.added).reduce((n, list) => n + list.length, 0) })),
                onError: notifyError,
              })
            }
          >
            {t('presets.apply', { name: preview.name })}
          </Button>
        </Group>
      )}
    </Stack>
  );
}

/** Settings › Presets: pick a trade, see what it would add, apply it. */
export function PresetsSettings() {
  const { t } = useTranslation();
  const [key, setKey] = useState<PresetKey>('real_estate');
  const preview = usePresetPreview(key);
  return (
    <Stack>
      <SegmentedControl
        data={PRESET_KEYS.map((k) => ({ value: k, label: t(`presets.names.${k}`) }))}
        value={key}
        onChange={(value) => setKey(value as PresetKey)}
        orientation="vertical"
        hiddenFrom="sm"
        fullWidth
        aria-label={t('presets.field')}
      />
      <SegmentedControl
        data={PRESET_KEYS.map((k) => ({ value: k, label: t(`presets.names.${k}`) }))}
        value={key}
        onChange={(value) => setKey(value as PresetKey)}
        visibleFrom="sm"
        aria-label={t('presets.field')}
      />
      {preview.isError ? <QueryError error={preview.error} onRetry={() => void preview.refetch()} /> : preview.data ? <Preview preview={preview.data} /> : <LoadingScreen />}
    </Stack>
  );
}
