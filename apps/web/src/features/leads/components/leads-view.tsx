import type { Lead, LeadFilter } from '@leadflow/shared/leads';
import { ActionIcon, Box, Button, Center, Group, Loader, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue, useMediaQuery } from '@mantine/hooks';
import { IconSearch, IconX } from '@tabler/icons-react';
import { useNavigate } from '@tanstack/react-router';
import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { QueryError } from '@/components/query-error';
import { currentLanguage } from '@/lib/i18n';
import { useLeadCount } from '../api/get-lead-count';
import type { LeadListQuery } from '../api/get-leads';
import { encodeLeadQuery, useLeads } from '../api/get-leads';
import type { SavedView } from '../api/get-saved-views';
import { useFillHeight } from '../hooks/use-fill-height';
import { useLeadListState, withFixedColumn } from '../hooks/use-lead-list-state';
import { useLeadListLiveUpdates } from '../hooks/use-lead-live-updates';
import { useLeadReferences } from '../hooks/use-lead-references';
import { resolveLeadField } from '../utils/lead-fields';
import type { LeadSelection, SelectionControls } from '../utils/lead-selection';
import { EMPTY_SELECTION } from '../utils/lead-selection';
import { BulkActionBar } from './bulk-action-bar';
import { ColumnChooser } from './column-chooser';
import { ExportMenu } from './export-menu';
import { FilterBuilder } from './filter-builder';
import { FilterChips } from './filter-chips';
import { LeadCardList } from './lead-card-list';
import { LeadsTable } from './leads-table';
import { SavedViewsMenu } from './saved-views-menu';

const NO_LEADS: Lead[] = [];
const NO_FILTERS: LeadFilter[] = [];

type LeadsViewProps = {
  /** Filters the list always applies, unseen and not removable (the Clients view: won leads only). */
  fixedFilters?: LeadFilter[];
  /** Names the list whose state (filters, search, columns) is kept: each view keeps its own. */
  list?: string;
  /** What an empty, unfiltered list says. */
  emptyText?: string;
};

/** The lead list: search, filters, saved views, columns, export, selection with bulk actions, and the rows. */
export function LeadsView({ fixedFilters = NO_FILTERS, list = 'leads', emptyText }: LeadsViewProps = {}) {
  const { t } = useTranslation();
  const references = useLeadReferences();
  const navigate = useNavigate();
  const isPhone = useMediaQuery('(max-width: 48em)', false, { getInitialValueInEffect: false }) ?? false;
  const { state, update, addFilter, removeFilter, toggleSort } = useLeadListState(list);
  const [debouncedQ] = useDebouncedValue(state.q, 300);

  // Filters on custom fields deleted since are left out rather than failing the whole list.
  const query = useMemo<LeadListQuery>(
    () => ({
      filters: [...fixedFilters, ...state.filters.filter((filter) => resolveLeadField(filter.field, references.customFields) !== null)],
      q: debouncedQ.trim() || undefined,
      sort: state.sort ?? undefined,
    }),
    [fixedFilters, state.filters, state.sort, debouncedQ, references.customFields],
  );
  const columns = useMemo(
    () => state.columns.filter((id) => resolveLeadField(id, references.customFields) !== null),
    [state.columns, references.customFields],
  );
  const leads = useLeads(query);
  const count = useLeadCount(query);
  useLeadListLiveUpdates();
  // While another search's rows are still on screen (placeholder data), they are not this list's rows.
  const listKey = leads.isPlaceholderData ? 'placeholder' : (encodeLeadQuery(query) ?? '');
  const rows = useMemo(() => leads.data?.pages.flatMap((page) => page.leads) ?? NO_LEADS, [leads.data]);

  // A new filter or search starts a new selection.
  const selectionKey = encodeLeadQuery({ filters: query.filters, q: query.q }) ?? '';
  const [selectionState, setSelectionState] = useState<{ key: string; selection: LeadSelection }>({ key: selectionKey, selection: EMPTY_SELECTION });
  const selection = selectionState.key === selectionKey ? selectionState.selection : EMPTY_SELECTION;
  const setSelection = useCallback((next: LeadSelection) => setSelectionState({ key: selectionKey, selection: next }), [selectionKey]);

  const selectionControls: SelectionControls = {
    isSelected: (id) => selection.all || selection.ids.has(id),
    toggle: (id, checked) => {
      const ids = new Set(selection.all ? rows.map((lead) => lead.id) : selection.ids);
      if (checked) ids.add(id);
      else ids.delete(id);
      setSelection({ all: false, ids });
    },
    allLoaded: selection.all || (rows.length > 0 && rows.every((lead) => selection.ids.has(lead.id))),
    someLoaded: selection.ids.size > 0,
    toggleAllLoaded: (checked) => setSelection({ all: false, ids: checked ? new Set(rows.map((lead) => lead.id)) : new Set() }),
  };
  const hasSelection = selection.all || selection.ids.size > 0;
  const matching = count.data ?? null;

  const { ref: scrollRef, height } = useFillHeight<HTMLDivElement>(isPhone ? 360 : 320);

  const openLead = useCallback((lead: Lead) => void navigate({ to: '/leads/$leadId', params: { leadId: lead.id } }), [navigate]);
  const { fetchNextPage } = leads;
  const loadMore = useCallback(() => void fetchNextPage(), [fetchNextPage]);

  const applyView = (view: SavedView) =>
    update({
      filters: view.query.filters,
      q: view.query.q ?? '',
      sort: view.query.sort,
      columns: view.columns.length > 0 ? withFixedColumn(view.columns) : state.columns,
      viewId: view.id,
    });

  const format = (n: number) => new Intl.NumberFormat(currentLanguage()).format(n);
  const countText = matching
    ? matching.exact
      ? t('leads.count', { count: matching.count, formatted: format(matching.count) })
      : t('leads.countMany', { formatted: format(matching.count) })
    : null;

  return (
    <Stack gap="sm">
      <Group gap="xs" wrap="wrap" align="center">
        <TextInput
          aria-label={t('leads.search.label')}
          placeholder={t('leads.search.placeholder')}
          leftSection={<IconSearch size={16} />}
          rightSection={
            state.q ? (
              <ActionIcon variant="subtle" color="gray" size="sm" aria-label={t('leads.search.clear')} onClick={() => update({ q: '' })}>
                <IconX size={14} />
              </ActionIcon>
            ) : null
          }
          value={state.q}
          onChange={(event) => update({ q: event.currentTarget.value })}
          style={{ flex: isPhone ? '1 1 100%' : '1 1 16rem', maxWidth: isPhone ? undefined : 420 }}
          type="search"
        />
        <FilterBuilder onAdd={addFilter} compact={isPhone} />
        <SavedViewsMenu
          state={state}
          onApply={applyView}
          onSaved={(view) => update({ viewId: view.id })}
          onDeleted={(viewId) => {
            if (state.viewId === viewId) update({ viewId: null });
          }}
          compact={isPhone}
        />
        {isPhone ? null : <ColumnChooser columns={columns} onChange={(next) => update({ columns: withFixedColumn(next) })} />}
        {references.can('leads.export') ? <ExportMenu query={query} columns={columns} compact={isPhone} /> : null}
        <Text size="sm" c="dimmed" data-testid="lead-count" ml={isPhone ? undefined : 'auto'} aria-live="polite">
          {countText ?? ' '}
        </Text>
      </Group>

      <FilterChips filters={state.filters} onRemove={removeFilter} onClear={() => update({ filters: [] })} />

      {hasSelection ? (
        <BulkActionBar
          selection={selection}
          query={query}
          matching={matching}
          loadedCount={rows.length}
          canSelectAllMatching={selectionControls.allLoaded && matching !== null && (matching.count > rows.length || !matching.exact)}
          onSelectAllMatching={() => setSelection({ all: true, ids: new Set() })}
          onClear={() => setSelection(EMPTY_SELECTION)}
        />
      ) : null}

      {leads.isPending ? (
        <Center h={200} role="status" aria-label={t('common.loading')}>
          <Loader />
        </Center>
      ) : leads.isError ? (
        <QueryError error={leads.error} onRetry={() => void leads.refetch()} />
      ) : rows.length === 0 ? (
        <Box py="xl">
          <Text c="dimmed" ta="center">
            {state.filters.length > 0 || query.q ? t('leads.emptyFiltered') : (emptyText ?? t('leads.empty'))}
          </Text>
          {state.filters.length > 0 || query.q ? (
            <Group justify="center" mt="sm">
              <Button variant="light" onClick={() => update({ filters: [], q: '' })}>
                {t('leads.filters.clear')}
              </Button>
            </Group>
          ) : null}
        </Box>
      ) : isPhone ? (
        <LeadCardList
          leads={rows}
          scrollRef={scrollRef}
          height={height}
          selection={selectionControls}
          hasNextPage={leads.hasNextPage}
          isFetchingNextPage={leads.isFetchingNextPage}
          onLoadMore={loadMore}
          onOpen={openLead}
          listKey={listKey}
        />
      ) : (
        <LeadsTable
          leads={rows}
          columns={columns}
          sort={state.sort}
          onSort={toggleSort}
          scrollRef={scrollRef}
          height={height}
          selection={selectionControls}
          hasNextPage={leads.hasNextPage}
          isFetchingNextPage={leads.isFetchingNextPage}
          onLoadMore={loadMore}
          onOpen={openLead}
          listKey={listKey}
        />
      )}
    </Stack>
  );
}
