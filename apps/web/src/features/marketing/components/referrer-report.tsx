import { Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { LoadingScreen } from '@/components/loading-screen';
import { QueryError } from '@/components/query-error';
import { useReferrerReport } from '../api/get-referrer-report';

/** Leads by referrer: who refers people to the business, and how many of them became clients. */
export function ReferrerReport() {
  const { t } = useTranslation();
  const report = useReferrerReport();
  if (report.isError) return <QueryError error={report.error} onRetry={() => void report.refetch()} />;
  if (!report.data) return <LoadingScreen />;
  if (!report.data.rows.length) return <Text c="dimmed">{t('referrals.report.empty')}</Text>;
  return (
    <Table.ScrollContainer minWidth={320}>
      <Table striped data-testid="referrer-report">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('referrals.report.referrer')}</Table.Th>
            <Table.Th ta="right">{t('referrals.report.referred')}</Table.Th>
            <Table.Th ta="right">{t('referrals.report.clients')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {report.data.rows.map((row) => (
            <Table.Tr key={`${row.kind}-${row.id}`}>
              <Table.Td>
                <Text size="sm">{row.name}</Text>
                {row.kind === 'contact' ? (
                  <Text size="xs" c="dimmed">
                    {t('referrals.contactOf', { name: row.leadName })}
                  </Text>
                ) : null}
              </Table.Td>
              <Table.Td ta="right">{row.referred}</Table.Td>
              <Table.Td ta="right">{row.becameClients}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
