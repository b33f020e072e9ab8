import { Anchor, Box, Center, Checkbox, Group, Loader, Paper, Stack, Text } from '@mantine/core';
import { IconPhone, IconUser } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useScrollAnchor } from '../hooks/use-scroll-anchor';
import type { LeadRowsProps } from './leads-table';
import { useLoadMoreNearEnd } from './leads-table';
import { StageBadge } from './stage-badge';

/** The lead list on a phone: one card per lead (name, phone, stage, owner), virtualised like the table. */
export function LeadCardList({ leads, scrollRef, height, selection, onOpen, listKey, ...paging }: LeadRowsProps) {
  const { t } = useTranslation();
  const virtualizer = useVirtualizer({
    count: leads.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 96,
    overscan: 6,
    getItemKey: (index) => leads[index]?.id ?? index,
  });
  const items = virtualizer.getVirtualItems();
  useLoadMoreNearEnd(items[items.length - 1]?.index ?? -1, leads.length, paging);
  const ids = useMemo(() => leads.map((lead) => lead.id), [leads]);
  useScrollAnchor(scrollRef, virtualizer, ids, listKey);

  return (
    <Box ref={scrollRef} h={height} style={{ overflowY: 'auto', overflowX: 'hidden', overflowAnchor: 'none' }} aria-label={t('leads.table.label')} role="list">
      <Box style={{ height: virtualizer.getTotalSize(), position: 'relative', width: '100%' }}>
        {items.map((item) => {
          const lead = leads[item.index];
          if (!lead) return null;
          const selected = selection.isSelected(lead.id);
          return (
            <Box
              key={lead.id}
              ref={virtualizer.measureElement}
              data-index={item.index}
              role="listitem"
              pb={8}
              style={{ position: 'absolute', top: 0, left: 0, width: '100%', transform: `translateY(${item.start}px)` }}
            >
              <Paper
                withBorder
                p="sm"
                data-testid={`lead-row-${lead.id}`}
                onClick={() => onOpen(lead)}
                style={{ cursor: 'pointer', background: selected ? 'var(--mantine-primary-color-light)' : undefined }}
              >
                <Group wrap="nowrap" align="flex-start" gap="sm">
                  <Checkbox
                    mt={2}
                    aria-label={t('leads.selection.select', { name: lead.displayName })}
                    checked={selected}
                    onClick={(event) => event.stopPropagation()}
                    onChange={(event) => selection.toggle(lead.id, event.currentTarget.checked)}
                  />
                  <Stack gap={4} style={{ minWidth: 0, flex: 1 }}>
                    <Group justify="space-between" wrap="nowrap" gap="xs">
                      <Anchor
                        renderRoot={(props) => <Link to="/leads/$leadId" params={{ leadId: lead.id }} {...props} />}
                        fw={600}
                        size="sm"
                        truncate
                        onClick={(event) => event.stopPropagation()}
                      >
                        {lead.displayName}
                      </Anchor>
                      <Box style={{ flexShrink: 0, maxWidth: '45%' }}>
                        <StageBadge stage={lead.stage} size="xs" />
                      </Box>
                    </Group>
                    <Group gap={6} wrap="nowrap" c="dimmed">
                      <IconPhone size={14} aria-hidden style={{ flexShrink: 0 }} />
                      <Text size="sm" truncate>
                        {lead.phones[0]?.raw ?? '—'}
                      </Text>
                    </Group>
                    <Group gap={6} wrap="nowrap" c="dimmed">
                      <IconUser size={14} aria-hidden style={{ flexShrink: 0 }} />
                      <Text size="sm" truncate>
                        {lead.owner?.name ?? t('leads.values.unassigned')}
                      </Text>
                    </Group>
                  </Stack>
                </Group>
              </Paper>
            </Box>
          );
        })}
      </Box>
      {paging.isFetchingNextPage ? (
        <Center py="sm" role="status" aria-label={t('leads.table.loadingMore')}>
          <Loader size="sm" />
        </Center>
      ) : null}
    </Box>
  );
}
