import { Anchor, Badge, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { LoadingScreen } from '@/components/loading-screen';
import { QueryError } from '@/components/query-error';
import { formatDay } from '@/features/leads/utils/format-lead-value';
import { useSpeedToLead } from '../api/distribution';
import { useDistributionLiveUpdates } from '../hooks/use-distribution-live-updates';
import { formatDuration } from '../utils/labels';

function Stat({ label, value, testId, alert }: { label: string; value: string; testId: string; alert?: boolean }) {
  return (
    <Card withBorder padding="sm">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} size="xl" c={alert ? 'red' : undefined} data-testid={testId}>
        {value}
      </Text>
    </Card>
  );
}

/** Managers: how fast the team answers today — waiting now, median response, SLA breaches per agent. Live. */
export function SpeedToLead() {
  const { t } = useTranslation();
  const speed = useSpeedToLead({ refetchInterval: 60_000 });
  useDistributionLiveUpdates();
  if (speed.isPending) return <LoadingScreen />;
  if (speed.isError) return <QueryError error={speed.error} onRetry={() => void speed.refetch()} />;
  const data = speed.data;
  const now = Date.now();
  return (
    <Stack gap="md" data-testid="speed-to-lead">
      <Text size="sm" c="dimmed">
        {t('distribution.speed.today', { day: formatDay(data.day) })}
      </Text>
      <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
        <Stat label={t('distribution.speed.waitingNow')} value={String(data.waitingNow)} testId="speed-waiting" alert={data.waitingNow > 0} />
        <Stat label={t('distribution.speed.median')} value={formatDuration(data.medianResponseSeconds)} testId="speed-median" />
        <Stat label={t('distribution.speed.responded')} value={String(data.respondedToday)} testId="speed-responded" />
        <Stat label={t('distribution.speed.breaches')} value={String(data.slaBreachesToday)} testId="speed-breaches" alert={data.slaBreachesToday > 0} />
      </SimpleGrid>
      <Title order={4}>{t('distribution.speed.perAgent')}</Title>
      {data.agents.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('distribution.speed.noAgents')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={320}>
          <Table striped data-testid="speed-agents">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('distribution.speed.agent')}</Table.Th>
                <Table.Th ta="right">{t('distribution.speed.waitingShort')}</Table.Th>
                <Table.Th ta="right">{t('distribution.speed.medianShort')}</Table.Th>
                <Table.Th ta="right">{t('distribution.speed.breachesShort')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.agents.map((agent) => (
                <Table.Tr key={agent.userId} data-testid={`speed-agent-${agent.name}`}>
                  <Table.Td>{agent.name}</Table.Td>
                  <Table.Td ta="right">{agent.waitingNow}</Table.Td>
                  <Table.Td ta="right">{formatDuration(agent.medianResponseSeconds)}</Table.Td>
                  <Table.Td ta="right" c={agent.slaBreachesToday > 0 ? 'red' : undefined}>
                    {agent.slaBreachesToday}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {data.waiting.length > 0 ? (
        <>
          <Title order={4}>{t('distribution.speed.waitingList')}</Title>
          <Stack gap={6}>
            {data.waiting.map((lead) => {
              const due = lead.slaDueAt ? new Date(lead.slaDueAt).getTime() - now : null;
              return (
                <Group key={lead.leadId} justify="space-between" gap="xs" wrap="wrap">
                  <Anchor renderRoot={(props) => <Link to="/leads/$leadId" params={{ leadId: lead.leadId }} {...props} />} size="sm" style={{ overflowWrap: 'anywhere' }}>
                    {lead.name}
                  </Anchor>
                  <Group gap={6}>
                    <Text size="xs" c="dimmed">
                      {lead.ownerName} · {t('distribution.newLeads.waiting', { time: formatDuration((now - new Date(lead.assignedAt).getTime()) / 1000) })}
                    </Text>
                    {due !== null && due <= 0 ? (
                      <Badge size="xs" color="red" variant="light">
                        {t('distribution.newLeads.slaMissed')}
                      </Badge>
                    ) : null}
                  </Group>
                </Group>
              );
            })}
          </Stack>
        </>
      ) : null}
    </Stack>
  );
}
