import { Card, Group, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { LoadMore } from '@/components/load-more';
import { LoadingScreen } from '@/components/loading-screen';
import { QueryError } from '@/components/query-error';
import { formatDateTime } from '@/lib/format';
import { i18n } from '@/lib/i18n';
import type { AssignmentLogItem } from '../api/distribution';
import { useAssignmentLog } from '../api/distribution';
import { assignmentHow } from '../utils/labels';
import { LogLead, ReasonBadge } from './log-parts';

/** What a record did for me: gave me the lead, or took it from me (and to whom). */
function whatForMe(item: AssignmentLogItem, userId: string): string {
  if (item.to?.id === userId) return i18n.t('distribution.mine.givenToYou');
  return item.to ? i18n.t('distribution.mine.takenFromYou', { name: item.to.name }) : i18n.t('distribution.mine.takenFromYouUnassigned');
}

/**
 * My own assignment history, newest first: every lead given to me or taken from me, with why and how — for
 * agents, who do not see the workspace's log, and for managers, who want their own.
 */
export function MyAssignmentsSection({ userId }: { userId: string }) {
  const { t } = useTranslation();
  const log = useAssignmentLog({ mine: 'true', limit: 20 });
  const items = log.data?.pages.flatMap((page) => page.items) ?? [];
  const total = log.data?.pages[0]?.summary?.total ?? null;
  return (
    <Stack gap="sm" data-testid="my-assignments">
      <Group gap="xs" align="baseline">
        <Title order={4}>{t('distribution.mine.title')}</Title>
        {total !== null && total > 0 ? (
          <Text size="sm" c="dimmed">
            {t('distribution.log.total', { count: total })}
          </Text>
        ) : null}
      </Group>
      {log.isPending ? <LoadingScreen /> : null}
      {log.isError ? <QueryError error={log.error} onRetry={() => void log.refetch()} /> : null}
      {log.isSuccess && items.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid="my-assignments-empty">
          {t('distribution.mine.empty')}
        </Text>
      ) : null}
      {items.map((item) => {
        const how = assignmentHow(item);
        const lost = item.to?.id !== userId;
        return (
          <Card key={item.id} withBorder padding="sm" data-testid="my-assignment">
            <Group justify="space-between" gap="xs" wrap="wrap">
              <Stack gap={2} style={{ flex: '1 1 12rem', minWidth: 0 }}>
                <LogLead lead={item.lead} strong />
                <Text size="xs" c={lost ? 'orange' : 'dimmed'}>
                  {whatForMe(item, userId)}
                  {how ? ` · ${how}` : ''}
                </Text>
              </Stack>
              <Group gap={6}>
                <Text size="xs" c="dimmed">
                  {formatDateTime(item.at)}
                </Text>
                <ReasonBadge reason={item.reason} />
              </Group>
            </Group>
          </Card>
        );
      })}
      <LoadMore query={log} label={t('distribution.log.loadMore')} />
    </Stack>
  );
}
