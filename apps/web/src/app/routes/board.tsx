import type { LeadFilter } from '@leadflow/shared/leads';
import { ActionIcon, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue, useLocalStorage, useMediaQuery } from '@mantine/hooks';
import { IconSearch, IconX } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '@/components/page-header';
import { FilterBuilder } from '@/features/leads/components/filter-builder';
import { FilterChips } from '@/features/leads/components/filter-chips';
import { useFillHeight } from '@/features/leads/hooks/use-fill-height';
import { useLeadReferences } from '@/features/leads/hooks/use-lead-references';
import { resolveLeadField } from '@/features/leads/utils/lead-fields';
import { encodeBoardQuery } from '@/features/pipelines/api/get-board';
import type { QuickFilters } from '@/features/pipelines/components/board-quick-filters';
import { BoardQuickFilters, NO_QUICK_FILTERS, quickFilterList } from '@/features/pipelines/components/board-quick-filters';
import { BoardView } from '@/features/pipelines/components/board-view';
import { LeadReferencesGate } from './leads-references';

const NO_SUM = '__none__';

function BoardScreen() {
  const { t } = useTranslation();
  const references = useLeadReferences();
  const isPhone = useMediaQuery('(max-width: 48em)', false, { getInitialValueInEffect: false }) ?? false;
  const pipelines = references.pipelines;
  const [storedPipelineId, setPipelineId] = useLocalStorage<string | null>({ key: 'lf.board.pipeline', defaultValue: null });
  const [storedSumField, setSumField] = useLocalStorage<string>({ key: 'lf.board.sumField', defaultValue: '' });
  const [quick, setQuick] = useState<QuickFilters>(NO_QUICK_FILTERS);
  const [filters, setFilters] = useState<LeadFilter[]>([]);
  const [q, setQ] = useState('');
  const [debouncedQ] = useDebouncedValue(q, 300);
  const [debouncedQuick] = useDebouncedValue(quick, 300);

  const pipeline = pipelines.find((p) => p.id === storedPipelineId) ?? pipelines[0] ?? null;
  const moneyFields = references.customFields.filter((field) => field.type === 'money');
  const sumField = moneyFields.find((field) => field.key === storedSumField) ?? null;

  const query = useMemo(
    () =>
      encodeBoardQuery({
        // Filters on custom fields deleted since are left out rather than failing the whole board.
        filters: [...quickFilterList(debouncedQuick), ...filters.filter((filter) => resolveLeadField(filter.field, references.customFields) !== null)],
        q: debouncedQ.trim() || undefined,
      }),
    [debouncedQuick, filters, debouncedQ, references.customFields],
  );
  const { ref, height } = useFillHeight<HTMLDivElement>(isPhone ? 420 : 360);

  return (
    <>
      <PageHeader
        title={t('board.title')}
        actions={
          pipelines.length > 1 && pipeline ? (
            <Select
              aria-label={t('board.pipeline')}
              data={pipelines.map((p) => ({ value: p.id, label: p.name }))}
              value={pipeline.id}
              onChange={(value) => setPipelineId(value)}
              allowDeselect={false}
              data-testid="board-pipeline-picker"
              w={isPhone ? '100%' : 240}
            />
          ) : null
        }
      />
      {pipeline ? (
        <Stack gap="sm">
          <Group gap="xs" wrap="wrap">
            <TextInput
              aria-label={t('board.search')}
              placeholder={t('board.search')}
              leftSection={<IconSearch size={16} />}
              rightSection={
                q ? (
                  <ActionIcon variant="subtle" color="gray" size="sm" aria-label={t('board.clearSearch')} onClick={() => setQ('')}>
                    <IconX size={14} />
                  </ActionIcon>
                ) : null
              }
              value={q}
              onChange={(event) => setQ(event.currentTarget.value)}
              type="search"
              style={{ flex: isPhone ? '1 1 calc(100% - 48px)' : '1 1 14rem', maxWidth: isPhone ? undefined : 320 }}
            />
            <FilterBuilder onAdd={(filter) => setFilters((current) => [...current, filter])} compact={isPhone} />
            <BoardQuickFilters value={quick} onChange={setQuick} members={references.members} meId={references.me.id} compact={isPhone} />
            {moneyFields.length > 0 ? (
              <Select
                aria-label={t('board.sumField')}
                data={[{ value: NO_SUM, label: t('board.noSum') }, ...moneyFields.map((field) => ({ value: field.key, label: t('board.sumOf', { label: field.label }) }))]}
                value={sumField?.key ?? NO_SUM}
                onChange={(value) => setSumField(value === NO_SUM || value === null ? '' : value)}
                allowDeselect={false}
                data-testid="board-sum-field"
                style={{ flex: isPhone ? '1 1 100%' : '0 1 13rem' }}
              />
            ) : null}
          </Group>
          <FilterChips filters={filters} onRemove={(index) => setFilters((current) => current.filter((_, i) => i !== index))} onClear={() => setFilters([])} />
          <div ref={ref}>
            <BoardView
              key={pipeline.id}
              pipelineId={pipeline.id}
              query={query}
              sumField={sumField ? { key: sumField.key, label: sumField.label } : null}
              currency={references.currency}
              isPhone={isPhone}
              height={height}
            />
          </div>
        </Stack>
      ) : (
        <Text c="dimmed">{t('board.noPipelines')}</Text>
      )}
    </>
  );
}

export function BoardPage() {
  return (
    <LeadReferencesGate>
      <BoardScreen />
    </LeadReferencesGate>
  );
}
