import type { DragEndEvent } from '@dnd-kit/core';
import { closestCenter, DndContext, MouseSensor, TouchSensor, useDraggable, useDroppable, useSensor, useSensors } from '@dnd-kit/core';
import { ActionIcon, Badge, Box, Button, Group, Paper, Stack, Switch, Text, Tooltip } from '@mantine/core';
import { IconAlertTriangle, IconArrowDown, IconArrowUp, IconGripVertical } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmButton } from '@/components/confirm-button';
import { memberName, useLeadReferences } from '@/features/leads/hooks/use-lead-references';
import { filterLabel } from '@/features/leads/utils/filters';
import { notifyError, notifySuccess } from '@/lib/notify';
import type { DistributionRule } from '../api/distribution';
import { useDeleteRule, useReorderRules, useUpdateRule } from '../api/distribution';
import { weekHoursSummary } from '../utils/hours';
import { weekdayName } from '../utils/labels';
import { missingFieldConditions, rulePolicy, type RulePolicyPart } from '../utils/rule-form';
import { useDeletedFieldName } from '../hooks/use-deleted-field-name';

type RuleRowProps = {
  rule: DistributionRule;
  index: number;
  count: number;
  canEdit: boolean;
  busy: boolean;
  onMove: (from: number, to: number) => void;
  onEdit: (rule: DistributionRule) => void;
};

function RuleRow({ rule, index, count, canEdit, busy, onMove, onEdit }: RuleRowProps) {
  const { t } = useTranslation();
  const references = useLeadReferences();
  const deletedName = useDeletedFieldName();
  const update = useUpdateRule();
  const remove = useDeleteRule();
  const drag = useDraggable({ id: rule.id, disabled: busy || !canEdit });
  const drop = useDroppable({ id: `rule:${rule.id}` });
  const style = drag.transform ? { transform: `translate3d(0, ${drag.transform.y}px, 0)`, zIndex: 2, position: 'relative' as const } : undefined;
  const missing = missingFieldConditions(rule.conditions, references.customFields);
  const conditions =
    rule.conditions.length === 0
      ? t('distribution.everyLead')
      : rule.conditions
          .map((c) => (missing.includes(c) ? t('distribution.deletedField', { field: deletedName(c.field) }) : filterLabel(c, references)))
          .join(` ${t('distribution.and')} `);
  const group = [...rule.members].sort((a, b) => a.position - b.position);
  const policyText = (part: RulePolicyPart): string => {
    switch (part.kind) {
      case 'existing_owner':
        return t('distribution.policy.existingOwner');
      case 'claim':
        return t('distribution.policy.claim', { minutes: part.minutes });
      case 'fallback':
        return part.to === 'next_rule' ? t('distribution.policy.fallbackNextRule') : t('distribution.policy.fallbackUnassigned');
      case 'fallback_user':
        return part.name ? t('distribution.policy.fallbackUser', { name: part.name }) : t('distribution.policy.fallbackUserGone');
      case 'sla':
        return part.maxReassignments > 0
          ? t('distribution.policy.sla', { minutes: part.minutes, max: part.maxReassignments })
          : t('distribution.policy.slaNoReassign', { minutes: part.minutes });
    }
  };
  const policy = rulePolicy(rule, (userId) => memberName(references, userId)).map(policyText).join(' · ');
  const groupText =
    rule.strategy === 'manual'
      ? t('distribution.toUnassignedQueue')
      : group.map((m) => (rule.strategy === 'weighted' ? `${m.name} ${m.weight}%` : m.name)).join(', ');

  return (
    <Paper
      ref={drop.setNodeRef}
      withBorder
      p="sm"
      data-testid={`rule-row-${rule.name}`}
      style={{ ...style, opacity: rule.enabled ? 1 : 0.7, borderColor: drop.isOver && !drag.isDragging ? 'var(--mantine-primary-color-filled)' : undefined }}
    >
      <Group wrap="nowrap" align="flex-start" gap="sm" ref={drag.setNodeRef}>
        {canEdit ? (
          <ActionIcon
            variant="subtle"
            color="gray"
            aria-label={t('distribution.dragRule', { name: rule.name })}
            data-testid={`rule-handle-${rule.name}`}
            style={{ cursor: 'grab', touchAction: 'none' }}
            {...drag.listeners}
            {...drag.attributes}
          >
            <IconGripVertical size={16} />
          </ActionIcon>
        ) : null}
        <Text fw={700} c="dimmed" size="sm" mt={4} w={20}>
          {index + 1}
        </Text>
        <Stack gap={4} style={{ flex: 1, minWidth: 0 }}>
          <Group gap={6}>
            <Text fw={600} size="sm" style={{ overflowWrap: 'anywhere' }}>
              {rule.name}
            </Text>
            <Badge size="sm" variant="light">
              {t(`distribution.strategies.${rule.strategy}`)}
            </Badge>
            {!rule.enabled ? (
              <Badge size="sm" variant="outline" color="gray">
                {t('distribution.disabled')}
              </Badge>
            ) : null}
            {missing.length > 0 ? (
              <Tooltip label={t('distribution.deletedFieldHint')} multiline w={260}>
                <Badge size="sm" color="red" variant="light" leftSection={<IconAlertTriangle size={12} />} data-testid="rule-deleted-field">
                  {t('distribution.matchesNothing')}
                </Badge>
              </Tooltip>
            ) : null}
          </Group>
          <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
            {t('distribution.when')}: {conditions}
          </Text>
          <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }} data-testid="rule-group-summary">
            {t('distribution.to')}: {groupText || '—'}
            {rule.dailyCap !== null ? ` · ${t('distribution.dailyCapShort', { count: rule.dailyCap })}` : ''}
            {rule.weeklyCap !== null ? ` · ${t('distribution.weeklyCapShort', { count: rule.weeklyCap })}` : ''}
          </Text>
          {policy ? (
            <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }} data-testid="rule-policy-summary">
              {policy}
            </Text>
          ) : null}
          {rule.workingHours ? (
            <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }} data-testid="rule-hours-summary">
              {t('distribution.groupHoursShort')}:{' '}
              {weekHoursSummary(rule.workingHours, { anyTime: t('distribution.availability.anyTime'), never: t('distribution.noGroupHours'), dayName: (d) => weekdayName(d, 'short') })}
            </Text>
          ) : null}
        </Stack>
        {canEdit ? (
          <Group gap={4} wrap="nowrap" visibleFrom="xs">
            <ActionIcon variant="default" aria-label={t('distribution.moveUp', { name: rule.name })} disabled={index === 0 || busy} onClick={() => onMove(index, index - 1)}>
              <IconArrowUp size={14} />
            </ActionIcon>
            <ActionIcon variant="default" aria-label={t('distribution.moveDown', { name: rule.name })} disabled={index === count - 1 || busy} onClick={() => onMove(index, index + 1)}>
              <IconArrowDown size={14} />
            </ActionIcon>
          </Group>
        ) : null}
      </Group>
      {canEdit ? (
        <Group justify="space-between" mt="xs" gap="xs">
          <Switch
            size="sm"
            label={t('distribution.enabled')}
            checked={rule.enabled}
            disabled={update.isPending}
            aria-label={t('distribution.enableRule', { name: rule.name })}
            onChange={(event) =>
              update.mutate({ ruleId: rule.id, enabled: event.currentTarget.checked }, { onError: notifyError })
            }
          />
          <Group gap="xs">
            <Button size="compact-sm" variant="default" aria-label={t('distribution.editRule', { name: rule.name })} onClick={() => onEdit(rule)}>
              {t('common.edit')}
            </Button>
            <ConfirmButton
              size="compact-sm"
              variant="light"
              aria-label={t('distribution.deleteRule', { name: rule.name })}
              title={t('distribution.deleteTitle')}
              message={t('distribution.deleteMessage', { name: rule.name })}
              confirmLabel={t('common.delete')}
              loading={remove.isPending}
              onConfirm={() =>
                remove.mutate(rule.id, { onSuccess: () => notifySuccess(t('distribution.ruleDeleted', { name: rule.name })), onError: notifyError })
              }
            >
              {t('common.delete')}
            </ConfirmButton>
          </Group>
        </Group>
      ) : null}
    </Paper>
  );
}

type RulesListProps = { rules: DistributionRule[]; canEdit: boolean; onEdit: (rule: DistributionRule) => void };

/** The rules in priority order (first match wins); dragged, or moved with the arrows, to reorder. */
export function RulesList({ rules, canEdit, onEdit }: RulesListProps) {
  const reorder = useReorderRules();
  const sorted = [...rules].sort((a, b) => a.priority - b.priority);
  // While the new order is saved it is shown already.
  const [pending, setPending] = useState<string[] | null>(null);
  const byId = new Map(sorted.map((rule) => [rule.id, rule]));
  const shown = pending ? pending.flatMap((id) => byId.get(id) ?? []) : sorted;
  const sensors = useSensors(
    useSensor(MouseSensor, { activationConstraint: { distance: 4 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 150, tolerance: 6 } }),
  );

  const save = (ids: string[]) => {
    if (ids.every((id, index) => sorted[index]?.id === id)) return;
    setPending(ids);
    reorder.mutate(ids, { onError: notifyError, onSettled: () => setPending(null) });
  };

  const move = (from: number, to: number) => {
    const ids = shown.map((rule) => rule.id);
    const [moved] = ids.splice(from, 1);
    if (!moved) return;
    ids.splice(to, 0, moved);
    save(ids);
  };

  const onDragEnd = (event: DragEndEvent) => {
    const { active, over } = event;
    if (!over) return;
    const overId = String(over.id).replace(/^rule:/, '');
    const draggedId = String(active.id);
    if (overId === draggedId) return;
    const ids = shown.map((rule) => rule.id).filter((id) => id !== draggedId);
    const rect = active.rect.current.translated;
    const below = rect ? rect.top + rect.height / 2 > over.rect.top + over.rect.height / 2 : false;
    const overIndex = ids.indexOf(overId);
    if (overIndex < 0) return;
    ids.splice(below ? overIndex + 1 : overIndex, 0, draggedId);
    save(ids);
  };

  return (
    <DndContext sensors={sensors} collisionDetection={closestCenter} onDragEnd={onDragEnd}>
      <Box role="list" data-testid="distribution-rules">
        <Stack gap={6}>
          {shown.map((rule, index) => (
            <Box role="listitem" key={rule.id}>
              <RuleRow rule={rule} index={index} count={shown.length} canEdit={canEdit} busy={reorder.isPending} onMove={move} onEdit={onEdit} />
            </Box>
          ))}
        </Stack>
      </Box>
    </DndContext>
  );
}
