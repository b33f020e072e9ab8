import { Badge, Button, Group, Loader, Paper, Select, Stack, Text, Title } from '@mantine/core';
import { IconPlayerPlay, IconPlayerStop } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { QueryError } from '@/components/query-error';
import { formatDateTime } from '@/lib/format';
import { notifyError, notifySuccess } from '@/lib/notify';
import { useApplyCadence, useCadences, useLeadCadences, useStopCadence, type EnrollmentItem } from '../api/cadences';

const STATUS_COLOR: Record<EnrollmentItem['status'], string> = { active: 'blue', completed: 'teal', stopped: 'gray' };

/**
 * On the lead page: the cadence the lead is in ("tier 2 of 4", the step now open), applying one by hand, stopping
 * it, and the follow-up history — every attempt (task) of every cadence with its status, outcome and note.
 */
export function LeadCadencesCard({ leadId, canManage }: { leadId: string; canManage: boolean }) {
  const { t } = useTranslation();
  const data = useLeadCadences(leadId);
  const cadences = useCadences();
  const apply = useApplyCadence(leadId);
  const stop = useStopCadence(leadId);
  const [chosen, setChosen] = useState<string | null>(null);

  if (data.isPending) return <Loader size="sm" mt="md" />;
  if (data.isError) return <QueryError error={data.error} onRetry={() => void data.refetch()} />;
  const { active, history } = data.data;
  const running = new Set(active.map((e) => e.cadenceId));
  const options = (cadences.data?.items ?? []).filter((c) => !running.has(c.id)).map((c) => ({ value: c.id, label: c.name }));
  const all = [...active, ...history];

  return (
    <Paper withBorder p="md" mt="md" data-testid="lead-cadences">
      <Title order={3} size="h5" mb="xs">
        {t('cadences.leadCard')}
      </Title>
      <Stack gap="xs">
        {active.length === 0 ? <Text size="sm" c="dimmed">{t('cadences.notInCadence')}</Text> : null}
        {active.map((e) => {
          const current = e.attempts.filter((a) => a.step === e.tier).at(-1);
          return (
            <Group key={e.id} justify="space-between" wrap="wrap" gap="xs" data-testid={`cadence-${e.name}`}>
              <Stack gap={2} style={{ minWidth: 0, flex: 1 }}>
                <Group gap="xs" wrap="wrap">
                  <Text fw={600} size="sm" style={{ overflowWrap: 'anywhere' }}>
                    {e.name}
                  </Text>
                  <Badge variant="light">{t('cadences.tier', { tier: e.tier, tiers: e.tiers })}</Badge>
                </Group>
                {current ? (
                  <Text size="xs" c="dimmed">
                    {t('cadences.currentStep', { title: current.title, type: t(`tasks.types.${current.type}`), due: formatDateTime(current.dueAt) })}
                  </Text>
                ) : null}
              </Stack>
              {canManage ? (
                <Button
                  size="compact-sm"
                  variant="light"
                  color="red"
                  leftSection={<IconPlayerStop size={14} />}
                  loading={stop.isPending && stop.variables === e.id}
                  aria-label={t('cadences.stopNamed', { name: e.name })}
                  onClick={() => stop.mutate(e.id, { onSuccess: () => notifySuccess(t('cadences.stopped', { name: e.name })), onError: notifyError })}
                >
                  {t('cadences.stop')}
                </Button>
              ) : null}
            </Group>
          );
        })}
        {canManage && options.length > 0 ? (
          <Group gap="xs" align="flex-end" wrap="wrap">
            <Select label={t('cadences.apply')} placeholder={t('cadences.choose')} data={options} value={chosen} onChange={setChosen} style={{ flex: 1, minWidth: 180 }} />
            <Button
              leftSection={<IconPlayerPlay size={14} />}
              disabled={!chosen}
              loading={apply.isPending}
              onClick={() =>
                chosen &&
                apply.mutate(chosen, {
                  onSuccess: (e) => {
                    setChosen(null);
                    notifySuccess(t('cadences.applied', { name: e.name }));
                  },
                  onError: notifyError,
                })
              }
            >
              {t('cadences.start')}
            </Button>
          </Group>
        ) : null}
        {all.length > 0 ? (
          <Stack gap={6} mt="xs">
            <Title order={4} size="h6">
              {t('cadences.history')}
            </Title>
            {all.map((e) => (
              <Stack key={e.id} gap={4} data-testid={`cadence-history-${e.id}`}>
                <Group gap="xs" wrap="wrap">
                  <Text size="sm" fw={500}>
                    {e.name}
                  </Text>
                  <Badge size="sm" variant="light" color={STATUS_COLOR[e.status]}>
                    {e.status === 'stopped' && e.stopReason ? t(`cadences.stopReasons.${e.stopReason}`) : t(`cadences.statuses.${e.status}`)}
                  </Badge>
                  <Text size="xs" c="dimmed">
                    {t('cadences.started', { date: formatDateTime(e.startedAt), by: e.startedBy?.name ?? t(e.trigger === 'source' ? 'cadences.bySource' : 'cadences.byStage') })}
                  </Text>
                </Group>
                <Stack gap={2} component="ol" style={{ margin: 0, paddingInlineStart: 18 }}>
                  {e.attempts.map((a) => (
                    <li key={a.taskId}>
                      <Group gap={6} wrap="wrap">
                        <Text size="sm">{t('cadences.attempt', { step: a.step, type: t(`tasks.types.${a.type}`), title: a.title })}</Text>
                        <Badge size="xs" variant="outline" color={a.status === 'done' ? 'teal' : 'blue'}>
                          {a.status === 'done' ? t('cadences.attemptDone') : t('cadences.attemptOpen')}
                        </Badge>
                        <Text size="xs" c="dimmed">
                          {a.completedAt ? formatDateTime(a.completedAt) : t('cadences.due', { date: formatDateTime(a.dueAt) })}
                        </Text>
                      </Group>
                      {a.outcome || a.note ? (
                        <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                          {[a.outcome ? t('tasks.outcomeLabel', { outcome: t(`tasks.outcomes.${a.outcome}`, { defaultValue: a.outcome }) }) : null, a.note].filter(Boolean).join(' — ')}
                        </Text>
                      ) : null}
                    </li>
                  ))}
                </Stack>
              </Stack>
            ))}
          </Stack>
        ) : null}
      </Stack>
    </Paper>
  );
}
