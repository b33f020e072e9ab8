import { Badge, Button, Group, Paper, Stack, Switch, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LoadingScreen } from '@/components/loading-screen';
import { QueryError } from '@/components/query-error';
import { formatDay } from '@/features/leads/utils/format-lead-value';
import { notifyError } from '@/lib/notify';
import type { AgentAvailability } from '../api/distribution';
import { useAvailability, useUpdateAvailability } from '../api/distribution';
import { weekHoursSummary } from '../utils/hours';
import { unavailableLabel, weekdayName } from '../utils/labels';
import { AvailabilityEditorModal } from './availability-editor-modal';

/** `today`: the workspace's day, as the server reads out-of-office days (not the browser's, nor UTC's). */
function AgentRow({ agent, today, onEdit }: { agent: AgentAvailability; today: string; onEdit: (agent: AgentAvailability) => void }) {
  const { t } = useTranslation();
  const update = useUpdateAvailability();
  const absences = agent.outOfOffice.filter((o) => o.to >= today);
  return (
    <Paper withBorder p="sm" data-testid={`availability-${agent.name}`}>
      <Group justify="space-between" align="flex-start" gap="xs">
        <Stack gap={4} style={{ flex: '1 1 14rem', minWidth: 0 }}>
          <Group gap={6}>
            <Text fw={600} size="sm">
              {agent.name}
            </Text>
            <Badge size="sm" variant="light" color={agent.availableNow ? 'teal' : 'gray'} data-testid="availability-status">
              {agent.availableNow ? t('distribution.availability.availableNow') : unavailableLabel(agent.unavailableReason)}
            </Badge>
          </Group>
          <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
            {weekHoursSummary(agent.workingHours, { anyTime: t('distribution.availability.anyTime'), never: t('distribution.availability.noHours'), dayName: (d) => weekdayName(d, 'short') })}
          </Text>
          {absences.length > 0 ? (
            <Text size="xs" c="dimmed">
              {t('distribution.availability.away')}: {absences.map((o) => (o.from === o.to ? formatDay(o.from) : `${formatDay(o.from)} – ${formatDay(o.to)}`)).join(', ')}
            </Text>
          ) : null}
        </Stack>
        <Group gap="sm">
          <Switch
            label={t('distribution.receivingLeads')}
            checked={!agent.paused}
            disabled={update.isPending}
            onChange={(event) => update.mutate({ userId: agent.userId, paused: !event.currentTarget.checked }, { onError: notifyError })}
          />
          <Button size="compact-sm" variant="default" aria-label={t('distribution.availability.editFor', { name: agent.name })} onClick={() => onEdit(agent)}>
            {t('common.edit')}
          </Button>
        </Group>
      </Group>
    </Paper>
  );
}

/** Managers: who takes leads now, each agent's pause, working hours and out-of-office days. */
export function AvailabilityList() {
  const { t } = useTranslation();
  const availability = useAvailability();
  const [editing, setEditing] = useState<AgentAvailability | null>(null);
  if (availability.isPending) return <LoadingScreen />;
  if (availability.isError) return <QueryError error={availability.error} onRetry={() => void availability.refetch()} />;
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        {t('distribution.availability.description')}
      </Text>
      {availability.data.agents.map((agent) => (
        <AgentRow key={agent.userId} agent={agent} today={availability.data.today} onEdit={setEditing} />
      ))}
      {editing ? <AvailabilityEditorModal agent={editing} onClose={() => setEditing(null)} /> : null}
    </Stack>
  );
}
