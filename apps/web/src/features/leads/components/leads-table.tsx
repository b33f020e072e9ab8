import type { Lead } from '@leadflow/shared/leads';
import { Box, Center, Checkbox, Loader, Table, Text, UnstyledButton } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconArrowsSort } from '@tabler/icons-react';
import type { ColumnDef } from '@tanstack/react-table';
import { FlexRender, tableFeatures, useTable } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { RefObject } from 'react';
import { useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { LeadSort } from '../hooks/use-lead-list-state';
import { useScrollAnchor } from '../hooks/use-scroll-anchor';
import { useLeadReferences } from '../hooks/use-lead-references';
import { fieldLabel, resolveLeadField } from '../utils/lead-fields';
import type { SelectionControls } from '../utils/lead-selection';
import { LeadCell } from './lead-cell';

const features = tableFeatures({});
type LeadColumn = ColumnDef<typeof features, Lead>;

const ROW_HEIGHT = 44;
const CHECKBOX_WIDTH = 44;
const WIDTHS: Record<string, number> = {
  name: 240,
  email: 220,
  phone: 170,
  tags: 200,
  stageId: 150,
  ownerId: 160,
  score: 90,
  createdAt: 180,
  updatedAt: 180,
  lastActivityAt: 180,
  nextFollowUpAt: 180,
};

function columnWidth(id: string): number {
  return WIDTHS[id] ?? 160;
}

export type LeadRowsProps = {
  leads: Lead[];
  scrollRef: RefObject<HTMLDivElement | null>;
  height: number;
  selection: SelectionControls;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  onLoadMore: () => void;
  onOpen: (lead: Lead) => void;
  /** Names the search, filters and sort the rows come from; the scroll position is kept across refreshes of one list. */
  listKey: string;
};

type LeadsTableProps = LeadRowsProps & {
  columns: string[];
  sort: LeadSort | null;
  onSort: (field: string) => void;
};

/** Loads the next page when the last rows come into view. */
export function useLoadMoreNearEnd(lastVisibleIndex: number, total: number, props: Pick<LeadRowsProps, 'hasNextPage' | 'isFetchingNextPage' | 'onLoadMore'>) {
  const { hasNextPage, isFetchingNextPage, onLoadMore } = props;
  useEffect(() => {
    if (total > 0 && lastVisibleIndex >= total - 10 && hasNextPage && !isFetchingNextPage) onLoadMore();
  }, [lastVisibleIndex, total, hasNextPage, isFetchingNextPage, onLoadMore]);
}

/** The lead list on wider screens: a virtualised table whose rows load page after page as it scrolls. */
export function LeadsTable({ leads, columns, sort, onSort, scrollRef, height, selection, onOpen, listKey, ...paging }: LeadsTableProps) {
  const { t } = useTranslation();
  const references = useLeadReferences();

  const columnDefs = useMemo<LeadColumn[]>(
    () =>
      columns.flatMap((id): LeadColumn[] => {
        const field = resolveLeadField(id, references.customFields);
        if (!field) return [];
        return [{ id, header: fieldLabel(field), cell: ({ row }) => <LeadCell lead={row.original} columnId={id} /> }];
      }),
    [columns, references.customFields],
  );
  const table = useTable({ features, columns: columnDefs, data: leads, getRowId: (lead) => lead.id });
  const rows = table.getRowModel().rows;
  const headers = table.getHeaderGroups()[0]?.headers ?? [];
  const totalWidth = CHECKBOX_WIDTH + headers.reduce((sum, header) => sum + columnWidth(header.column.id), 0);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
    getItemKey: (index) => rows[index]?.id ?? index,
  });
  const items = virtualizer.getVirtualItems();
  useLoadMoreNearEnd(items[items.length - 1]?.index ?? -1, rows.length, paging);
  const ids = useMemo(() => leads.map((lead) => lead.id), [leads]);
  useScrollAnchor(scrollRef, virtualizer, ids, listKey);

  const cellStyle = (id: string) => ({
    flex: id === 'name' ? `1 0 ${columnWidth(id)}px` : `0 0 ${columnWidth(id)}px`,
    minWidth: 0,
    display: 'flex',
    alignItems: 'center',
    overflow: 'hidden',
  });

  return (
    <Box
      ref={scrollRef}
      h={height}
      style={{
        overflow: 'auto',
        // useScrollAnchor keeps the rows in view in every browser; the browser's own anchoring would add to it.
        overflowAnchor: 'none',
        border: '1px solid var(--mantine-color-default-border)',
        borderRadius: 'var(--mantine-radius-md)',
      }}
    >
      <Table role="table" aria-label={t('leads.table.label')} aria-rowcount={rows.length} style={{ display: 'grid', minWidth: totalWidth }}>
        <Table.Thead role="rowgroup" style={{ display: 'grid', position: 'sticky', top: 0, zIndex: 2, background: 'var(--mantine-color-body)' }}>
          <Table.Tr role="row" style={{ display: 'flex', width: '100%' }}>
            <Table.Th role="columnheader" style={{ flex: `0 0 ${CHECKBOX_WIDTH}px`, display: 'flex', alignItems: 'center' }}>
              <Checkbox
                size="xs"
                aria-label={t('leads.selection.selectLoaded')}
                checked={selection.allLoaded}
                indeterminate={!selection.allLoaded && selection.someLoaded}
                onChange={(event) => selection.toggleAllLoaded(event.currentTarget.checked)}
              />
            </Table.Th>
            {headers.map((header) => {
              const id = header.column.id;
              const active = sort?.field === id ? sort.dir : null;
              const label = String(header.column.columnDef.header ?? id);
              const SortIcon = active === 'asc' ? IconArrowUp : active === 'desc' ? IconArrowDown : IconArrowsSort;
              return (
                <Table.Th
                  key={header.id}
                  role="columnheader"
                  aria-sort={active === 'asc' ? 'ascending' : active === 'desc' ? 'descending' : 'none'}
                  style={cellStyle(id)}
                >
                  <UnstyledButton
                    onClick={() => onSort(id)}
                    style={{ display: 'flex', alignItems: 'center', gap: 4, minWidth: 0, fontWeight: 600, fontSize: 'var(--mantine-font-size-sm)' }}
                    title={t('leads.table.sortBy', { column: label })}
                  >
                    <Text span inherit truncate>
                      {label}
                    </Text>
                    <SortIcon size={14} aria-hidden style={{ flexShrink: 0, opacity: active ? 1 : 0.35 }} />
                  </UnstyledButton>
                </Table.Th>
              );
            })}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody role="rowgroup" style={{ display: 'grid', height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            const lead = row.original;
            const selected = selection.isSelected(lead.id);
            return (
              <Table.Tr
                key={row.id}
                role="row"
                data-testid={`lead-row-${lead.id}`}
                data-index={item.index}
                aria-selected={selected}
                onClick={() => onOpen(lead)}
                style={{
                  display: 'flex',
                  position: 'absolute',
                  transform: `translateY(${item.start}px)`,
                  width: '100%',
                  height: ROW_HEIGHT,
                  cursor: 'pointer',
                  background: selected ? 'var(--mantine-primary-color-light)' : undefined,
                }}
              >
                <Table.Td role="cell" style={{ flex: `0 0 ${CHECKBOX_WIDTH}px`, display: 'flex', alignItems: 'center' }} onClick={(event) => event.stopPropagation()}>
                  <Checkbox
                    size="xs"
                    aria-label={t('leads.selection.select', { name: lead.displayName })}
                    checked={selected}
                    onChange={(event) => selection.toggle(lead.id, event.currentTarget.checked)}
                  />
                </Table.Td>
                {row.getAllCells().map((cell) => (
                  <Table.Td key={cell.id} role="cell" style={cellStyle(cell.column.id)}>
                    <FlexRender cell={cell} />
                  </Table.Td>
                ))}
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
      {paging.isFetchingNextPage ? (
        <Center py="sm" role="status" aria-label={t('leads.table.loadingMore')}>
          <Loader size="sm" />
        </Center>
      ) : null}
    </Box>
  );
}
