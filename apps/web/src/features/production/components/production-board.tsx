import type { CollisionDetection, DragEndEvent, DragMoveEvent, DragOverEvent, DragStartEvent } from '@dnd-kit/core';
import { closestCorners, DndContext, DragOverlay, KeyboardSensor, MouseSensor, pointerWithin, TouchSensor, useDraggable, useDroppable, useSensor, useSensors } from '@dnd-kit/core';
import { PRODUCTION_COLUMNS } from '@leadflow/shared/production';
import { ActionIcon, Badge, Box, Center, Group, Loader, Menu, Paper, Stack, Text } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconDots, IconPaperclip, IconUser } from '@tabler/icons-react';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { QueryError } from '@/components/query-error';
import { ApiError } from '@/lib/api-client';
import { notifyError } from '@/lib/notify';
import { notifications } from '@mantine/notifications';
import type { BoardFilters, ProductionBoard as Board, ProductionCard, ProductionColumn } from '../api/production';
import { useMoveProductionTask, useProductionBoard } from '../api/production';
import type { Placement } from '../utils/placement';
import { isSamePlace, placementFor } from '../utils/placement';

type DragData = { card: ProductionCard };
type DropData = { column: ProductionColumn; cardId: string | null };
type DropTarget = DropData & { below: boolean };

const PRIORITY_COLOR: Record<ProductionCard['priority'], string> = { low: 'gray', normal: 'blue', high: 'orange', urgent: 'red' };

/** Cards first: a pointer over a card places the drop above or below it; else the column under it (its end). */
const collisionDetection: CollisionDetection = (args) => {
  const hits = pointerWithin(args);
  const cards = hits.filter((hit) => String(hit.id).startsWith('card:'));
  if (cards.length > 0) return cards;
  if (hits.length > 0) return hits;
  return closestCorners(args);
};

function dropTargetOf(event: DragOverEvent | DragMoveEvent | DragEndEvent): DropTarget | null {
  const { over, active } = event;
  if (!over) return null;
  const data = over.data.current as DropData | undefined;
  if (!data || !('column' in data)) return null;
  const dragged = active.rect.current.translated;
  const below = dragged ? dragged.top + dragged.height / 2 > over.rect.top + over.rect.height / 2 : false;
  return { column: data.column, cardId: data.cardId, below };
}

function dueLabel(card: ProductionCard, locale: string): string {
  const due = new Date(card.dueAt);
  return card.allDay ? due.toLocaleDateString(locale, { dateStyle: 'medium' }) : due.toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' });
}

type CardViewProps = {
  card: ProductionCard;
  index: number;
  count: number;
  dropLine: 'above' | 'below' | null;
  overlay?: boolean;
  onOpen: (card: ProductionCard) => void;
  onMenu: (card: ProductionCard, action: { to: ProductionColumn } | { step: -1 | 1 }) => void;
};

function CardView({ card, index, count, dropLine, overlay, onOpen, onMenu }: CardViewProps) {
  const { t, i18n } = useTranslation();
  const overdue = card.column !== 'done' && new Date(card.dueAt).getTime() < Date.now();
  return (
    <Box pos="relative">
      {dropLine === 'above' ? <Box pos="absolute" top={-5} left={0} right={0} h={3} bg="blue" style={{ borderRadius: 2 }} /> : null}
      <Paper
        withBorder
        p="xs"
        radius="sm"
        shadow={overlay ? 'md' : undefined}
        style={{ cursor: 'grab' }}
        onClick={() => onOpen(card)}
        data-testid="production-card"
      >
        <Group justify="space-between" wrap="nowrap" align="flex-start" gap={4}>
          <Text size="sm" fw={500} style={{ wordBreak: 'break-word' }}>
            {card.title}
          </Text>
          {overlay ? null : (
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <ActionIcon variant="subtle" color="gray" size="sm" aria-label={t('production.card.actions', { title: card.title })} onClick={(e) => e.stopPropagation()} onPointerDown={(e) => e.stopPropagation()}>
                  <IconDots size={14} />
                </ActionIcon>
              </Menu.Target>
              <Menu.Dropdown onClick={(e) => e.stopPropagation()}>
                <Menu.Label>{t('production.card.moveTo')}</Menu.Label>
                {PRODUCTION_COLUMNS.filter((c) => c !== card.column).map((c) => (
                  <Menu.Item key={c} onClick={() => onMenu(card, { to: c })}>
                    {t(`production.columns.${c}`)}
                  </Menu.Item>
                ))}
                <Menu.Divider />
                <Menu.Item leftSection={<IconArrowUp size={14} />} disabled={index === 0} onClick={() => onMenu(card, { step: -1 })}>
                  {t('production.card.moveUp')}
                </Menu.Item>
                <Menu.Item leftSection={<IconArrowDown size={14} />} disabled={index >= count - 1} onClick={() => onMenu(card, { step: 1 })}>
                  {t('production.card.moveDown')}
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
          )}
        </Group>
        {card.lead ? (
          <Text size="xs" c="dimmed" truncate>
            {card.lead.name}
          </Text>
        ) : null}
        <Group gap={6} mt={6} wrap="wrap">
          <Badge size="xs" variant="light" color={PRIORITY_COLOR[card.priority]}>
            {t(`production.priorities.${card.priority}`)}
          </Badge>
          <Text size="xs" c={overdue ? 'red' : 'dimmed'}>
            {dueLabel(card, i18n.language)}
          </Text>
          {card.fileCount > 0 ? (
            <Group gap={2} aria-label={t('production.card.files', { count: card.fileCount })}>
              <IconPaperclip size={12} />
              <Text size="xs">{card.fileCount}</Text>
            </Group>
          ) : null}
        </Group>
        {card.assignee ? (
          <Group gap={4} mt={4}>
            <IconUser size={12} />
            <Text size="xs" c="dimmed" truncate>
              {card.assignee.name}
            </Text>
          </Group>
        ) : null}
      </Paper>
      {dropLine === 'below' ? <Box pos="absolute" bottom={-5} left={0} right={0} h={3} bg="blue" style={{ borderRadius: 2 }} /> : null}
    </Box>
  );
}

function DraggableCard(props: CardViewProps & { dragging: boolean }) {
  const { t } = useTranslation();
  const { card } = props;
  const drag = useDraggable({ id: card.id, data: { card } satisfies DragData });
  const drop = useDroppable({ id: `card:${card.id}`, data: { column: card.column, cardId: card.id } satisfies DropData });
  const { setNodeRef: setDragRef } = drag;
  const { setNodeRef: setDropRef } = drop;
  const ref = useCallback(
    (element: HTMLDivElement | null) => {
      setDragRef(element);
      setDropRef(element);
    },
    [setDragRef, setDropRef],
  );
  return (
    <Box
      ref={ref}
      {...drag.attributes}
      {...drag.listeners}
      role="listitem"
      data-card-title={card.title}
      aria-roledescription={t('production.card.roleDescription')}
      aria-label={t('production.card.label', { title: card.title, column: t(`production.columns.${card.column}`), position: props.index + 1, count: props.count })}
      style={{ opacity: props.dragging ? 0.4 : 1, outline: 'none', touchAction: 'manipulation' }}
    >
      <CardView {...props} />
    </Box>
  );
}

function Column({
  column,
  activeId,
  dropTarget,
  width,
  onOpen,
  onMenu,
}: {
  column: Board['columns'][number];
  activeId: string | null;
  dropTarget: DropTarget | null;
  width: string | number;
  onOpen: (card: ProductionCard) => void;
  onMenu: CardViewProps['onMenu'];
}) {
  const { t } = useTranslation();
  const drop = useDroppable({ id: `column:${column.column}`, data: { column: column.column, cardId: null } satisfies DropData });
  const endLine = dropTarget && dropTarget.cardId === null;
  return (
    <Paper
      ref={drop.setNodeRef}
      withBorder
      p="xs"
      radius="md"
      bg="var(--mantine-color-default-hover)"
      style={{ flex: `0 0 ${typeof width === 'number' ? `${width}px` : width}`, scrollSnapAlign: 'start', minHeight: 160 }}
      data-testid={`production-column-${column.column}`}
    >
      <Group justify="space-between" mb="xs">
        <Text fw={600} size="sm">
          {t(`production.columns.${column.column}`)}
        </Text>
        <Badge variant="default" size="sm" aria-label={t('production.column.count', { count: column.count })}>
          {column.count}
        </Badge>
      </Group>
      <Stack gap={8} role="list" aria-label={t(`production.columns.${column.column}`)}>
        {column.items.map((card, index) => (
          <DraggableCard
            key={card.id}
            card={card}
            index={index}
            count={column.items.length}
            dragging={activeId === card.id}
            dropLine={dropTarget?.cardId === card.id ? (dropTarget.below ? 'below' : 'above') : null}
            onOpen={onOpen}
            onMenu={onMenu}
          />
        ))}
        {endLine ? <Box h={3} bg="blue" style={{ borderRadius: 2 }} /> : null}
        {column.items.length === 0 ? (
          <Text size="xs" c="dimmed" ta="center" py="md">
            {t('production.column.empty')}
          </Text>
        ) : null}
        {column.count > column.items.length ? (
          <Text size="xs" c="dimmed" ta="center">
            {t('production.column.more', { shown: column.items.length, count: column.count })}
          </Text>
        ) : null}
      </Stack>
    </Paper>
  );
}

/** The production board: four columns, cards dragged between and within them (or moved from their menu). */
export function ProductionBoardView({ filters, isPhone, onOpen }: { filters: BoardFilters; isPhone: boolean; onOpen: (card: ProductionCard) => void }) {
  const { t } = useTranslation();
  const board = useProductionBoard(filters);
  const move = useMoveProductionTask(filters);
  const [active, setActive] = useState<ProductionCard | null>(null);
  const [dropTarget, setDropTarget] = useState<DropTarget | null>(null);
  const sensors = useSensors(
    useSensor(MouseSensor, { activationConstraint: { distance: 6 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 200, tolerance: 8 } }),
    useSensor(KeyboardSensor),
  );

  const idsOf = (column: ProductionColumn) => board.data?.columns.find((c) => c.column === column)?.items.map((i) => i.id) ?? [];

  const request = (card: ProductionCard, p: Placement) => {
    if (!board.data || isSamePlace(card, board.data, p)) return;
    move.mutate(
      { card, to: p.to, index: p.index, afterId: p.afterId, beforeId: p.beforeId },
      {
        onError: (error) => {
          if (error instanceof ApiError && error.status === 409) notifications.show({ color: 'orange', message: t('production.conflict') });
          else notifyError(error);
        },
      },
    );
  };

  const onMenu: CardViewProps['onMenu'] = (card, action) => {
    if ('to' in action) {
      const ids = idsOf(action.to);
      request(card, placementFor(card.id, ids, action.to, ids[0] ?? null, false));
      return;
    }
    const ids = idsOf(card.column);
    const index = ids.indexOf(card.id);
    const neighbour = ids[index + action.step];
    if (neighbour) request(card, placementFor(card.id, ids, card.column, neighbour, action.step === 1));
  };

  const onDragStart = (event: DragStartEvent) => setActive((event.active.data.current as DragData | undefined)?.card ?? null);
  const onDragMove = (event: DragOverEvent | DragMoveEvent) => {
    const next = dropTargetOf(event);
    setDropTarget((current) => (current?.column === next?.column && current?.cardId === next?.cardId && current?.below === next?.below ? current : next));
  };
  const onDragEnd = (event: DragEndEvent) => {
    const target = dropTargetOf(event);
    const dragged = active;
    setActive(null);
    setDropTarget(null);
    if (!target || !dragged) return;
    request(dragged, placementFor(dragged.id, idsOf(target.column), target.column, target.cardId, target.below));
  };

  if (board.isPending) {
    return (
      <Center h={200} role="status" aria-label={t('common.loading')}>
        <Loader />
      </Center>
    );
  }
  if (board.isError) return <QueryError error={board.error} onRetry={() => void board.refetch()} />;

  const width = isPhone ? 'calc(100vw - 48px)' : 280;
  return (
    <DndContext
      sensors={sensors}
      collisionDetection={collisionDetection}
      onDragStart={onDragStart}
      onDragOver={onDragMove}
      onDragMove={onDragMove}
      onDragEnd={onDragEnd}
      onDragCancel={() => {
        setActive(null);
        setDropTarget(null);
      }}
      accessibility={{ screenReaderInstructions: { draggable: t('production.dnd.instructions') } }}
    >
      <Box
        data-testid="production-board"
        style={{ display: 'flex', gap: 12, overflowX: 'auto', scrollSnapType: isPhone ? 'x mandatory' : undefined, paddingBottom: 8, alignItems: 'flex-start', opacity: board.isPlaceholderData ? 0.6 : 1 }}
      >
        {board.data.columns.map((column) => (
          <Column
            key={column.column}
            column={column}
            activeId={active?.id ?? null}
            dropTarget={dropTarget?.column === column.column ? dropTarget : null}
            width={width}
            onOpen={onOpen}
            onMenu={onMenu}
          />
        ))}
      </Box>
      <DragOverlay dropAnimation={null}>
        {active ? (
          <Box style={{ width: isPhone ? 'calc(100vw - 72px)' : 256 }}>
            <CardView card={active} index={0} count={1} dropLine={null} overlay onOpen={() => undefined} onMenu={() => undefined} />
          </Box>
        ) : null}
      </DragOverlay>
    </DndContext>
  );
}
