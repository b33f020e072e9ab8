import type { Lead } from '@leadflow/shared/leads';
import { Anchor, Button, Group, Stack, Table, Text } from '@mantine/core';
import { IconRestore, IconTrashX } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { ConfirmButton } from '@/components/confirm-button';
import { LoadMore } from '@/components/load-more';
import { LoadingScreen } from '@/components/loading-screen';
import { QueryError } from '@/components/query-error';
import { formatDateTime } from '@/lib/format';
import { currentLanguage } from '@/lib/i18n';
import { notifyError, notifySuccess } from '@/lib/notify';
import { useEmptyTrash } from '../api/empty-trash';
import { useLeadCount } from '../api/get-lead-count';
import type { LeadListQuery } from '../api/get-leads';
import { useLeads } from '../api/get-leads';
import { useRestoreLead } from '../api/restore-lead';
import { useLeadListLiveUpdates } from '../hooks/use-lead-live-updates';

const TRASH_QUERY: LeadListQuery = { filters: [] };

/** Deleted leads, most recently deleted first: restore them one by one, or empty the trash for good. */
export function TrashList() {
  const { t } = useTranslation();
  const leads = useLeads(TRASH_QUERY, { trash: true });
  const count = useLeadCount(TRASH_QUERY, true);
  useLeadListLiveUpdates();
  const restoreLead = useRestoreLead();
  const emptyTrash = useEmptyTrash();
  const rows: Lead[] = leads.data?.pages.flatMap((page) => page.leads) ?? [];
  const format = (n: number) => new Intl.NumberFormat(currentLanguage()).format(n);

  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Text size="sm" c="dimmed" data-testid="trash-count">
          {count.data
            ? count.data.exact
              ? t('trash.count', { count: count.data.count, formatted: format(count.data.count) })
              : t('trash.countMany', { formatted: format(count.data.count) })
            : ' '}
        </Text>
        <ConfirmButton
          leftSection={<IconTrashX size={16} />}
          disabled={rows.length === 0}
          title={t('trash.emptyTitle')}
          message={t('trash.emptyMessage')}
          confirmLabel={t('trash.emptyConfirm')}
          loading={emptyTrash.isPending}
          onConfirm={() =>
            emptyTrash.mutate(undefined, {
              onSuccess: ({ deleted }) => notifySuccess(t('trash.emptied', { count: deleted, formatted: format(deleted) })),
              onError: notifyError,
            })
          }
        >
          {t('trash.empty')}
        </ConfirmButton>
      </Group>
      {leads.isPending ? (
        <LoadingScreen />
      ) : leads.isError ? (
        <QueryError error={leads.error} onRetry={() => void leads.refetch()} />
      ) : rows.length === 0 ? (
        <Text c="dimmed">{t('trash.emptyList')}</Text>
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table verticalSpacing="sm" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('leads.fields.name')}</Table.Th>
                <Table.Th>{t('leads.fields.ownerId')}</Table.Th>
                <Table.Th>{t('trash.deletedAt')}</Table.Th>
                <Table.Th>{t('common.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((lead) => (
                <Table.Tr key={lead.id} data-testid={`trash-row-${lead.id}`}>
                  <Table.Td>
                    <Anchor renderRoot={(props) => <Link to="/leads/$leadId" params={{ leadId: lead.id }} {...props} />} size="sm" fw={500}>
                      {lead.displayName}
                    </Anchor>
                    {lead.company && lead.company !== lead.displayName ? (
                      <Text size="xs" c="dimmed">
                        {lead.company}
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td>{lead.owner?.name ?? t('leads.values.unassigned')}</Table.Td>
                  <Table.Td>{formatDateTime(lead.deletedAt)}</Table.Td>
                  <Table.Td>
                    <Button
                      size="compact-sm"
                      variant="light"
                      leftSection={<IconRestore size={14} />}
                      aria-label={t('trash.restoreLead', { name: lead.displayName })}
                      loading={restoreLead.isPending && restoreLead.variables === lead.id}
                      onClick={() =>
                        restoreLead.mutate(lead.id, {
                          onSuccess: () => notifySuccess(t('trash.restored', { name: lead.displayName })),
                          onError: notifyError,
                        })
                      }
                    >
                      {t('trash.restore')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <LoadMore query={leads} label={t('trash.loadMore')} />
    </Stack>
  );
}
