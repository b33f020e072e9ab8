import type { DragEndEvent } from '@dnd-kit/core';
import { closestCenter, DndContext, MouseSensor, TouchSensor, useDraggable, useDroppable, useSensor, useSensors } from '@dnd-kit/core';
import type { Pipeline, PipelineStage } from '@leadflow/shared/pipelines';
import { ActionIcon, Badge, Box, Button, ColorSwatch, Group, Paper, Stack, Text } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconGripVertical } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { notifyError } from '@/lib/notify';
import { useReorderStages } from '../api/manage-pipelines';
import { placementFor } from '../utils/board-order';

const KIND_COLORS = { open: 'blue', won: 'teal', lost: 'red' } as const;

type StageRowProps = {
  stage: PipelineStage;
  index: number;
  count: number;
  busy: boolean;
  onMove: (from: number, to: number) => void;
  onEdit: (stage: PipelineStage) => void;
  onArchive: (stage: PipelineStage) => void;
};

function StageRow({ stage, index, count, busy, onMove, onEdit, onArchive }: StageRowProps) {
  const { t } = useTranslation();
  const drag = useDraggable({ id: stage.id, disabled: busy });
  const drop = useDroppable({ id: `stage:${stage.id}`, data: { stageId: stage.id } });
  const style = drag.transform ? { transform: `translate3d(0, ${drag.transform.y}px, 0)`, zIndex: 2, position: 'relative' as const } : undefined;
  return (
    <Paper
      ref={drop.setNodeRef}
      withBorder
      p="xs"
      data-testid={`stage-row-${stage.name}`}
      style={{ ...style, borderColor: drop.isOver && !drag.isDragging ? 'var(--mantine-primary-color-filled)' : undefined }}
    >
      <Group wrap="nowrap" gap="sm" ref={drag.setNodeRef}>
        <ActionIcon
          variant="subtle"
          color="gray"
          aria-label={t('pipelineSettings.dragStage', { name: stage.name })}
          data-testid={`stage-handle-${stage.name}`}
          style={{ cursor: 'grab', touchAction: 'none' }}
          {...drag.listeners}
          {...drag.attributes}
        >
          <IconGripVertical size={16} />
        </ActionIcon>
        <ColorSwatch size={16} color={`var(--mantine-color-${stage.color}-6)`} />
        <Stack gap={0} style={{ flex: 1, minWidth: 0 }}>
          <Text fw={600} size="sm" truncate>
            {stage.name}
          </Text>
          <Group gap={6}>
            <Badge size="xs" variant="light" color={KIND_COLORS[stage.kind]}>
              {t(`pipelineSettings.kinds.${stage.kind}`)}
            </Badge>
            <Text size="xs" c="dimmed">
              {t(`pipelineSettings.statuses.${stage.status}`)}
            </Text>
            {stage.rottingDays ? (
              <Text size="xs" c="dimmed">
                {t('pipelineSettings.rottingAfter', { count: stage.rottingDays })}
              </Text>
            ) : null}
            {stage.leadCount !== undefined ? (
              <Text size="xs" c="dimmed">
                {t('pipelineSettings.leadCount', { count: stage.leadCount })}
              </Text>
            ) : null}
          </Group>
        </Stack>
        <Group gap={4} wrap="nowrap" visibleFrom="xs">
          <ActionIcon variant="default" aria-label={t('pipelineSettings.moveUp', { name: stage.name })} disabled={index === 0 || busy} onClick={() => onMove(index, index - 1)}>
            <IconArrowUp size={14} />
          </ActionIcon>
          <ActionIcon variant="default" aria-label={t('pipelineSettings.moveDown', { name: stage.name })} disabled={index === count - 1 || busy} onClick={() => onMove(index, index + 1)}>
            <IconArrowDown size={14} />
          </ActionIcon>
        </Group>
        <Button size="compact-sm" variant="default" aria-label={t('pipelineSettings.editStage', { name: stage.name })} onClick={() => onEdit(stage)}>
          {t('common.edit')}
        </Button>
        <Button size="compact-sm" variant="light" color="red" aria-label={t('pipelineSettings.archiveStage', { name: stage.name })} onClick={() => onArchive(stage)}>
          {t('pipelineSettings.archive')}
        </Button>
      </Group>
    </Paper>
  );
}

type StageListProps = {
  pipeline: Pipeline;
  onEdit: (stage: PipelineStage) => void;
  onArchive: (stage: PipelineStage) => void;
};

/** The active stages of a pipeline in board order; dragged (or moved with the arrows) to reorder. */
export function StageList({ pipeline, onEdit, onArchive }: StageListProps) {
  const reorder = useReorderStages();
  const active = pipeline.stages.filter((stage) => stage.archivedAt === null).sort((a, b) => a.position - b.position);
  // While the new order is being saved it is shown already.
  const [pending, setPending] = useState<string[] | null>(null);
  const byId = new Map(active.map((stage) => [stage.id, stage]));
  const shown = pending ? pending.flatMap((id) => byId.get(id) ?? []) : active;
  const sensors = useSensors(
    useSensor(MouseSensor, { activationConstraint: { distance: 4 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 150, tolerance: 6 } }),
  );

  const save = (ids: string[]) => {
    if (ids.every((id, index) => active[index]?.id === id)) return;
    setPending(ids);
    reorder.mutate({ pipelineId: pipeline.id, stageIds: ids }, { onError: notifyError, onSettled: () => setPending(null) });
  };

  const move = (from: number, to: number) => {
    const ids = shown.map((stage) => stage.id);
    const [moved] = ids.splice(from, 1);
    if (!moved) return;
    ids.splice(to, 0, moved);
    save(ids);
  };

  const onDragEnd = (event: DragEndEvent) => {
    const { active: dragged, over } = event;
    if (!over) return;
    const overId = String(over.id).replace(/^stage:/, '');
    const ids = shown.map((stage) => stage.id);
    const rect = dragged.rect.current.translated;
    const below = rect ? rect.top + rect.height / 2 > over.rect.top + over.rect.height / 2 : false;
    const placement = placementFor(String(dragged.id), ids, pipeline.id, overId, below);
    const next = ids.filter((id) => id !== dragged.id);
    next.splice(placement.index, 0, String(dragged.id));
    save(next);
  };

  return (
    <DndContext sensors={sensors} collisionDetection={closestCenter} onDragEnd={onDragEnd}>
      <Box role="list">
        <Stack gap={6}>
          {shown.map((stage, index) => (
            <Box role="listitem" key={stage.id}>
              <StageRow stage={stage} index={index} count={shown.length} busy={reorder.isPending} onMove={move} onEdit={onEdit} onArchive={onArchive} />
            </Box>
          ))}
        </Stack>
      </Box>
    </DndContext>
  );
}
