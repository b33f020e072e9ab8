import { languageName } from '@leadflow/shared/language';
import { Anchor, Badge, Button, Card, Group, Select, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LoadingScreen } from '@/components/loading-screen';
import { QueryError } from '@/components/query-error';
import { ApiError } from '@/lib/api-client';
import { currentLanguage } from '@/lib/i18n';
import { notifyError, notifySuccess } from '@/lib/notify';
import type { WaitingLead } from '../api/distribution';
import { useAssignWaitingLead, useAvailability, useUnassignedQueue } from '../api/distribution';
import { useNow } from '../hooks/use-now';
import { formatDuration, reasonLabel } from '../utils/labels';

type WaitingCardProps = {
  lead: WaitingLead;
  now: number;
  members: { value: string; label: string }[];
  assigning: boolean;
  onAssign: (lead: WaitingLead, ownerId: string) => void;
};

function WaitingCard({ lead, now, members, assigning, onAssign }: WaitingCardProps) {
  const { t } = useTranslation();
  const [ownerId, setOwnerId] = useState<string | null>(null);
  const details = [lead.source, lead.campaign, lead.city, lead.language ? languageName(lead.language, currentLanguage()) : null].filter(Boolean).join(' · ');
  const waited = (now - new Date(lead.createdAt).getTime()) / 1000;
  const why = lead.rule ? t('distribution.unassigned.byRule', { rule: lead.rule.name }) : lead.reason ? reasonLabel(lead.reason) : null;
  return (
    <Card withBorder padding="sm" data-testid={`waiting-lead-${lead.name}`}>
      <Stack gap={6}>
        <Group justify="space-between" gap="xs" wrap="wrap">
          <Anchor renderRoot={(props) => <Link to="/leads/$leadId" params={{ leadId: lead.id }} {...props} />} fw={600} size="sm" style={{ overflowWrap: 'anywhere' }}>
            {lead.name}
          </Anchor>
          <Badge size="sm" variant="light" color={waited > 15 * 60 ? 'red' : 'orange'}>
            {t('distribution.newLeads.waiting', { time: formatDuration(waited) })}
          </Badge>
        </Group>
        {details ? (
          <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
            {details}
          </Text>
        ) : null}
        {why ? (
          <Text size="xs" c="dimmed">
            {why}
          </Text>
        ) : null}
        <Group gap="xs" align="flex-end" wrap="wrap">
          <Select
            label={t('distribution.unassigned.assignTo')}
            aria-label={t('distribution.unassigned.assignToFor', { name: lead.name })}
            data={members}
            value={ownerId}
            onChange={setOwnerId}
            searchable
            size="xs"
            style={{ flex: '1 1 10rem', minWidth: 0 }}
          />
          <Button size="xs" disabled={!ownerId} loading={assigning} onClick={() => ownerId && onAssign(lead, ownerId)} aria-label={t('distribution.unassigned.assignLead', { name: lead.name })}>
            {t('distribution.unassigned.assign')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

/**
 * Managers (leads.assign): the leads a rule left for a manager — a manual rule, nobody available, an offer nobody
 * claimed — oldest first, each assigned from here on the version read (someone faster wins, and it says so). Live.
 */
export function UnassignedQueueSection() {
  const { t } = useTranslation();
  const queue = useUnassignedQueue();
  // The same right (leads.assign) lists every active member with their availability: whom to give a lead to.
  const team = useAvailability();
  const assign = useAssignWaitingLead();
  const now = useNow();
  const members = (team.data?.agents ?? []).map((agent) => ({ value: agent.userId, label: agent.name }));
  const leads = queue.data?.leads ?? [];
  const more = Math.max(0, (queue.data?.total ?? 0) - leads.length);
  const onAssign = (lead: WaitingLead, ownerId: string) =>
    assign.mutate(
      { lead, ownerId },
      {
        onSuccess: () => notifySuccess(t('distribution.unassigned.assigned', { name: lead.name, owner: members.find((m) => m.value === ownerId)?.label ?? '' })),
        onError: (error) => {
          if (error instanceof ApiError && (error.status === 409 || error.status === 404)) {
            notifications.show({ color: 'yellow', message: t('distribution.unassigned.tooLate', { name: lead.name }) });
          } else notifyError(error);
        },
      },
    );
  return (
    <Stack gap="sm" data-testid="unassigned-queue">
      <Title order={4}>{t('distribution.unassigned.title')}</Title>
      {queue.isPending ? <LoadingScreen /> : null}
      {queue.isError ? <QueryError error={queue.error} onRetry={() => void queue.refetch()} /> : null}
      {queue.isSuccess && leads.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid="unassigned-queue-empty">
          {t('distribution.unassigned.empty')}
        </Text>
      ) : null}
      {leads.map((lead) => (
        <WaitingCard key={lead.id} lead={lead} now={now} members={members} assigning={assign.isPending && assign.variables?.lead.id === lead.id} onAssign={onAssign} />
      ))}
      {more > 0 ? (
        <Text size="sm" c="dimmed">
          {t('distribution.unassigned.more', { count: more })}
        </Text>
      ) : null}
    </Stack>
  );
}
