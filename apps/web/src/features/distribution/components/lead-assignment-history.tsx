import { Badge, Card, Group, Stack, Text, Timeline, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '@/lib/format';
import { realtime } from '@/lib/realtime';
import { getAssignmentsQueryOptions, getLeadSpeedQueryOptions, useLeadAssignments, useLeadSpeed } from '../api/distribution';
import { assignmentHow, formatDuration } from '../utils/labels';
import { ReasonBadge } from './log-parts';

/** On a lead's page: every assignment, newest first — to whom, from whom, by which rule and strategy or by whom, why, when. */
export function LeadAssignmentHistory({ leadId }: { leadId: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const history = useLeadAssignments(leadId);
  const speed = useLeadSpeed(leadId);

  // An assignment made elsewhere (a claim, an SLA reassignment, a manager) shows up without a reload.
  useEffect(() => {
    const refresh = (event: { data: Record<string, unknown> }) => {
      if (event.data.leadId !== leadId) return;
      void queryClient.invalidateQueries({ queryKey: getAssignmentsQueryOptions(leadId).queryKey });
      void queryClient.invalidateQueries({ queryKey: getLeadSpeedQueryOptions(leadId).queryKey });
    };
    const offs = ['lead.assigned', 'lead.updated', 'lead.offer_taken', 'lead.sla_breached'].map((type) => realtime.subscribe(type, refresh));
    return () => offs.forEach((off) => off());
  }, [leadId, queryClient]);

  const items = [...(history.data?.assignments ?? [])].sort((a, b) => b.at.localeCompare(a.at));
  if (items.length === 0) return null;
  return (
    <Card withBorder padding="md" mt="md" data-testid="lead-assignment-history">
      <Title order={4} mb={4}>
        {t('distribution.history.title')}
      </Title>
      {speed.data ? (
        <Group gap={6} mb="sm" data-testid="lead-speed">
          <Text size="sm" c="dimmed">
            {speed.data.responseSeconds !== null
              ? t('distribution.history.firstActionAfter', { time: formatDuration(speed.data.responseSeconds) })
              : speed.data.assignedAt
                ? t('distribution.history.noActionYet')
                : t('distribution.history.notAssigned')}
          </Text>
          {speed.data.slaDueAt && speed.data.responseSeconds === null ? (
            <Badge size="sm" variant="light" color={new Date(speed.data.slaDueAt).getTime() <= Date.now() ? 'red' : 'blue'}>
              {t('distribution.history.slaDue', { date: formatDateTime(speed.data.slaDueAt) })}
            </Badge>
          ) : null}
          {speed.data.slaBreaches > 0 ? (
            <Badge size="sm" variant="light" color="orange">
              {t('distribution.history.breaches', { count: speed.data.slaBreaches })}
            </Badge>
          ) : null}
        </Group>
      ) : (
        <Group mb="sm" />
      )}
      <Timeline bulletSize={14} lineWidth={2}>
        {items.map((record) => {
          const detail = assignmentHow(record);
          return (
            <Timeline.Item
              key={record.id}
              data-testid="assignment-record"
              title={
                <Group gap={6} wrap="wrap">
                  <Text size="sm" fw={600}>
                    {record.to ? t('distribution.history.to', { name: record.to.name }) : t('distribution.history.unassigned')}
                  </Text>
                  <ReasonBadge reason={record.reason} size="xs" />
                </Group>
              }
            >
              <Stack gap={0}>
                {record.from ? (
                  <Text size="xs" c="dimmed">
                    {t('distribution.history.from', { name: record.from.name })}
                  </Text>
                ) : null}
                {detail ? (
                  <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                    {detail}
                  </Text>
                ) : null}
                <Text size="xs" c="dimmed">
                  {formatDateTime(record.at)}
                </Text>
              </Stack>
            </Timeline.Item>
          );
        })}
      </Timeline>
    </Card>
  );
}
