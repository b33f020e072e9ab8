import type { BoardStage } from '../api/get-board';
import { useDraggable, useDroppable } from '@dnd-kit/core';
import { Badge, Box, Center, Group, Loader, Paper, Stack, Text } from '@mantine/core';
import { IconTrophy, IconX } from '@tabler/icons-react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { BoardCard as BoardCardData, BoardColumn as BoardColumnData } from '../api/get-board';
import { useBoardColumn } from '../api/get-board';
import { formatCount, formatMoney } from '../utils/format';
import type { CardMenuAction } from './board-card';
import { BoardCard } from './board-card';

/** Where a dragged card would land: on a card (above or below it) or at the end of a column. */
export type DropTarget = { stageId: string; leadId: string | null; below: boolean };

export type CardDragData = { card: BoardCardData; stageId: string };
export type CardDropData = { stageId: string; leadId: string | null };

const CARD_GAP = 8;
/** Loads the next page when the last few loaded cards come into view. */
const LOAD_AHEAD = 5;

type BoardColumnProps = {
  pipelineId: string;
  query: string;
  sumField: string | null;
  column: BoardColumnData;
  seededAt: number;
  stage: BoardStage;
  stages: BoardStage[];
  currency: string;
  sumLabel: string | null;
  now: number;
  width: number | string;
  height: number;
  dropTarget: DropTarget | null;
  activeId: string | null;
  onMenuAction: (card: BoardCardData, stageId: string, action: CardMenuAction, cards: BoardCardData[]) => void;
};

type DraggableCardProps = {
  card: BoardCardData;
  stage: BoardStage;
  stages: BoardStage[];
  currency: string;
  now: number;
  index: number;
  count: number;
  dropLine: 'above' | 'below' | null;
  dragging: boolean;
  measure: (element: Element | null) => void;
  onMenuAction: (card: BoardCardData, action: CardMenuAction) => void;
};

const DraggableCard = memo(function DraggableCard({ card, stage, stages, currency, now, index, count, dropLine, dragging, measure, onMenuAction }: DraggableCardProps) {
  const { t } = useTranslation();
  const drag = useDraggable({ id: card.id, data: { card, stageId: stage.id } satisfies CardDragData });
  const drop = useDroppable({ id: `card:${card.id}`, data: { stageId: stage.id, leadId: card.id } satisfies CardDropData });
  const { setNodeRef: setDragRef, setActivatorNodeRef } = drag;
  const { setNodeRef: setDropRef } = drop;
  const ref = useCallback(
    (element: HTMLDivElement | null) => {
      setDragRef(element);
      // Only keys pressed on the card itself pick it up: Enter on its link or its menu button keeps their meaning.
      setActivatorNodeRef(element);
      setDropRef(element);
      measure(element);
    },
    [setDragRef, setActivatorNodeRef, setDropRef, measure],
  );
  return (
    <Box
      ref={ref}
      data-index={index}
      {...drag.attributes}
      {...drag.listeners}
      // Besides the keyboard drag (space on the focused card, arrows, space), the card's "Move to…" menu moves it.
      role="listitem"
      aria-roledescription={t('board.card.roleDescription')}
      aria-label={t('board.card.label', { name: card.displayName, stage: stage.name, position: index + 1, count })}
      pb={CARD_GAP}
      style={{ outline: 'none' }}
    >
      <BoardCard
        card={card}
        stage={stage}
        stages={stages}
        now={now}
        currency={currency}
        canMoveUp={index > 0}
        canMoveDown={index < count - 1}
        onMenuAction={onMenuAction}
        dropLine={dropLine}
        dragging={dragging}
      />
    </Box>
  );
});

/** One stage of the board: its head (count, sum) and its cards, virtualised and loaded page by page. */
export const BoardColumn = memo(function BoardColumn({
  pipelineId,
  query,
  sumField,
  column,
  seededAt,
  stage,
  stages,
  currency,
  sumLabel,
  now,
  width,
  height,
  dropTarget,
  activeId,
  onMenuAction,
}: BoardColumnProps) {
  const { t } = useTranslation();
  const cardsQuery = useBoardColumn(pipelineId, query, sumField, stage.id, { cards: column.cards, nextCursor: column.nextCursor }, seededAt);
  const cards = useMemo(() => cardsQuery.data.pages.flatMap((page) => page.cards), [cardsQuery.data]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const { setNodeRef, isOver } = useDroppable({ id: `column:${stage.id}`, data: { stageId: stage.id, leadId: null } satisfies CardDropData });

  const virtualizer = useVirtualizer({
    count: cards.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 96,
    overscan: 6,
    getItemKey: (index) => cards[index]?.id ?? index,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items[items.length - 1]?.index ?? -1;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = cardsQuery;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && lastIndex >= cards.length - LOAD_AHEAD) void fetchNextPage();
  }, [lastIndex, cards.length, hasNextPage, isFetchingNextPage, fetchNextPage]);

  const menuAction = useCallback(
    (card: BoardCardData, action: CardMenuAction) => onMenuAction(card, stage.id, action, cards),
    [onMenuAction, stage.id, cards],
  );

  const droppingHere = dropTarget?.stageId === stage.id;
  const dropAtEnd = droppingHere && dropTarget.leadId === null;

  return (
    <Paper
      ref={setNodeRef}
      withBorder
      radius="md"
      p={0}
      data-testid={`board-column-${stage.id}`}
      data-stage-name={stage.name}
      aria-label={stage.name}
      role="region"
      style={{
        width,
        flex: '0 0 auto',
        scrollSnapAlign: 'start',
        display: 'flex',
        flexDirection: 'column',
        height,
        background: isOver || droppingHere ? 'var(--mantine-primary-color-light)' : 'var(--mantine-color-default-hover)',
        borderTop: `3px solid var(--mantine-color-${stage.color}-6)`,
      }}
    >
      <Stack gap={2} p="xs" pb={6}>
        <Group justify="space-between" wrap="nowrap" gap={6}>
          <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
            {stage.kind === 'won' ? <IconTrophy size={14} color="var(--mantine-color-teal-6)" aria-hidden /> : null}
            {stage.kind === 'lost' ? <IconX size={14} color="var(--mantine-color-red-6)" aria-hidden /> : null}
            <Text fw={700} size="sm" truncate>
              {stage.name}
            </Text>
          </Group>
          <Badge variant="light" color={stage.color} size="sm" data-testid="column-count">
            {formatCount(column.count)}
          </Badge>
        </Group>
        {column.sum !== null && sumLabel ? (
          <Text size="xs" c="dimmed" data-testid="column-sum" title={sumLabel}>
            {t('board.sum', { label: sumLabel, amount: formatMoney(column.sum, currency) })}
          </Text>
        ) : null}
      </Stack>
      <Box ref={scrollRef} px="xs" role="list" aria-label={t('board.columnCards', { stage: stage.name })} style={{ flex: 1, overflowY: 'auto', overflowX: 'hidden', minHeight: 80 }}>
        {cards.length === 0 ? (
          <Center h={72}>
            <Text size="xs" c="dimmed">
              {t('board.emptyColumn')}
            </Text>
          </Center>
        ) : null}
        <Box style={{ height: virtualizer.getTotalSize(), position: 'relative', width: '100%' }}>
          {items.map((item) => {
            const card = cards[item.index];
            if (!card) return null;
            const dropLine = droppingHere && dropTarget.leadId === card.id && card.id !== activeId ? (dropTarget.below ? 'below' : 'above') : null;
            return (
              <Box key={card.id} style={{ position: 'absolute', top: item.start, left: 0, width: '100%' }}>
                <DraggableCard
                  card={card}
                  stage={stage}
                  stages={stages}
                  currency={currency}
                  now={now}
                  index={item.index}
                  count={cards.length}
                  dropLine={dropLine}
                  dragging={card.id === activeId}
                  measure={virtualizer.measureElement}
                  onMenuAction={menuAction}
                />
              </Box>
            );
          })}
        </Box>
        {dropAtEnd ? <Box h={3} mb={CARD_GAP} style={{ background: 'var(--mantine-primary-color-filled)', borderRadius: 2 }} /> : null}
        {isFetchingNextPage ? (
          <Center py="xs" role="status" aria-label={t('board.loadingMore')}>
            <Loader size="xs" />
          </Center>
        ) : null}
      </Box>
    </Paper>
  );
});
