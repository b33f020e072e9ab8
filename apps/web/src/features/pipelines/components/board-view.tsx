import type { CollisionDetection, DragEndEvent, DragMoveEvent, DragOverEvent, DragStartEvent } from '@dnd-kit/core';
import { closestCorners, DndContext, DragOverlay, KeyboardSensor, MouseSensor, pointerWithin, TouchSensor, useSensor, useSensors } from '@dnd-kit/core';
import { Box, Center, Loader, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { QueryError } from '@/components/query-error';
import type { BoardCard as BoardCardData, BoardStage, ColumnPages } from '../api/get-board';
import { boardColumnKey, useBoard } from '../api/get-board';
import { useBoardLiveUpdates } from '../hooks/use-board-live-updates';
import type { CardMove } from '../hooks/use-move-card';
import { useMoveCard } from '../hooks/use-move-card';
import type { CardPlacement } from '../utils/board-order';
import { isSamePlace, placementFor } from '../utils/board-order';
import type { CardMenuAction } from './board-card';
import { BoardCard } from './board-card';
import type { CardDragData, CardDropData, DropTarget } from './board-column';
import { BoardColumn } from './board-column';
import { LostReasonModal } from './lost-reason-modal';

type BoardViewProps = {
  pipelineId: string;
  /** The encoded lead query (filters and search), as the lead list sends it. */
  query: string;
  /** Key and label of the money field the columns total, or null. */
  sumField: { key: string; label: string } | null;
  currency: string;
  /** On a phone one column fills the screen and the board snaps from column to column. */
  isPhone: boolean;
  height: number;
};

/** Cards first: a pointer over a card places the drop above or below it; else the column under it (its end). */
const collisionDetection: CollisionDetection = (args) => {
  const hits = pointerWithin(args);
  const cards = hits.filter((hit) => String(hit.id).startsWith('card:'));
  if (cards.length > 0) return cards;
  if (hits.length > 0) return hits;
  return closestCorners(args);
};

function isDragData(value: unknown): value is CardDragData {
  return typeof value === 'object' && value !== null && 'card' in value && 'stageId' in value;
}

function isDropData(value: unknown): value is CardDropData {
  return typeof value === 'object' && value !== null && 'stageId' in value && 'leadId' in value;
}

function dropTargetOf(event: DragOverEvent | DragMoveEvent | DragEndEvent): DropTarget | null {
  const { over, active } = event;
  if (!over) return null;
  const data: unknown = over.data.current;
  if (!isDropData(data)) return null;
  const dragged = active.rect.current.translated;
  const below = dragged ? dragged.top + dragged.height / 2 > over.rect.top + over.rect.height / 2 : false;
  return { stageId: data.stageId, leadId: data.leadId, below };
}

/** The Kanban board of one pipeline: a column per active stage, cards dragged between and within columns. */
export function BoardView({ pipelineId, query: requestedQuery, sumField, currency, isPhone, height }: BoardViewProps) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const requestedSum = sumField?.key ?? null;
  const board = useBoard(pipelineId, requestedQuery, requestedSum);
  // While a new filter loads, the previous board stays on screen: its columns keep the scope their cards came from,
  // so that no column of the new filter is seeded with the old filter's cards.
  const [settled, setSettled] = useState({ query: requestedQuery, sumKey: requestedSum });
  if (board.isSuccess && !board.isPlaceholderData && (settled.query !== requestedQuery || settled.sumKey !== requestedSum)) {
    setSettled({ query: requestedQuery, sumKey: requestedSum });
  }
  const { query, sumKey } = board.isPlaceholderData ? settled : { query: requestedQuery, sumKey: requestedSum };
  const move = useMoveCard({ pipelineId, query, sumField: sumKey });
  useBoardLiveUpdates(pipelineId);
  const [active, setActive] = useState<CardDragData | null>(null);
  const [dropTarget, setDropTarget] = useState<DropTarget | null>(null);
  const [askingReason, setAskingReason] = useState<CardMove | null>(null);
  // One clock for every card's age and follow-up, taken when the board (re)loads.
  const now = useMemo(() => (board.dataUpdatedAt > 0 ? board.dataUpdatedAt : Date.now()), [board.dataUpdatedAt]);

  const sensors = useSensors(
    // A few pixels of movement before a drag starts, so that a click still opens the lead.
    useSensor(MouseSensor, { activationConstraint: { distance: 6 } }),
    // On a touch screen a short press picks a card up; a swipe still scrolls the board and the column.
    useSensor(TouchSensor, { activationConstraint: { delay: 200, tolerance: 8 } }),
    useSensor(KeyboardSensor),
  );

  const stages = useMemo<BoardStage[]>(() => board.data?.columns.map((column) => column.stage) ?? [], [board.data]);
  const stageById = useMemo(() => new Map(stages.map((stage) => [stage.id, stage])), [stages]);

  const loadedIds = useCallback(
    (stageId: string) =>
      queryClient.getQueryData<ColumnPages>(boardColumnKey(pipelineId, query, sumKey, stageId))?.pages.flatMap((page) => page.cards.map((card) => card.id)) ?? [],
    [queryClient, pipelineId, query, sumKey],
  );

  const requestMove = useCallback(
    (card: BoardCardData, fromStageId: string, placement: CardPlacement) => {
      const toStage = stageById.get(placement.toStageId);
      if (!toStage) return;
      if (isSamePlace(card.id, fromStageId, loadedIds(fromStageId), placement)) return;
      const next: CardMove = { card, fromStageId, placement, toKind: toStage.kind };
      // A lost stage needs a reason; within the same lost column the card only changes place.
      if (toStage.kind === 'lost' && fromStageId !== toStage.id) setAskingReason(next);
      else move.mutate(next);
    },
    [stageById, loadedIds, move],
  );

  const onMenuAction = useCallback(
    (card: BoardCardData, stageId: string, action: CardMenuAction, cards: BoardCardData[]) => {
      const ids = cards.map((c) => c.id);
      const index = ids.indexOf(card.id);
      if (action.type === 'stage') {
        // Another column: on top, where the user looks first.
        requestMove(card, stageId, placementFor(card.id, loadedIds(action.stageId), action.stageId, loadedIds(action.stageId)[0] ?? null, false));
      } else if (action.type === 'up' && index > 0) {
        requestMove(card, stageId, placementFor(card.id, ids, stageId, ids[index - 1] ?? null, false));
      } else if (action.type === 'down' && index < ids.length - 1) {
        requestMove(card, stageId, placementFor(card.id, ids, stageId, ids[index + 1] ?? null, true));
      }
    },
    [requestMove, loadedIds],
  );

  const onDragStart = (event: DragStartEvent) => {
    const data: unknown = event.active.data.current;
    setActive(isDragData(data) ? data : null);
  };
  // Updated as the pointer moves (above or below the card under it), but only when the place changes.
  const onDragMove = (event: DragOverEvent | DragMoveEvent) => {
    const next = dropTargetOf(event);
    setDropTarget((current) =>
      current?.stageId === next?.stageId && current?.leadId === next?.leadId && current?.below === next?.below ? current : next,
    );
  };
  const onDragEnd = (event: DragEndEvent) => {
    const target = dropTargetOf(event);
    const dragged = active;
    setActive(null);
    setDropTarget(null);
    if (!target || !dragged) return;
    requestMove(dragged.card, dragged.stageId, placementFor(dragged.card.id, loadedIds(target.stageId), target.stageId, target.leadId, target.below));
  };
  const onDragCancel = () => {
    setActive(null);
    setDropTarget(null);
  };

  if (board.isPending) {
    return (
      <Center h={200} role="status" aria-label={t('common.loading')}>
        <Loader />
      </Center>
    );
  }
  if (board.isError) return <QueryError error={board.error} onRetry={() => void board.refetch()} />;
  if (board.data.columns.length === 0) {
    return (
      <Text c="dimmed" ta="center" py="xl">
        {t('board.noStages')}
      </Text>
    );
  }

  const columnWidth = isPhone ? 'calc(100vw - 48px)' : 288;
  const activeStage = active ? stageById.get(active.stageId) : undefined;
  const lostStage = askingReason ? stageById.get(askingReason.placement.toStageId) : undefined;

  return (
    <>
      <DndContext
        sensors={sensors}
        collisionDetection={collisionDetection}
        onDragStart={onDragStart}
        onDragOver={onDragMove}
        onDragMove={onDragMove}
        onDragEnd={onDragEnd}
        onDragCancel={onDragCancel}
        accessibility={{
          screenReaderInstructions: { draggable: t('board.dnd.instructions') },
        }}
      >
        <Box
          data-testid="board"
          style={{
            display: 'flex',
            gap: 12,
            overflowX: 'auto',
            overflowY: 'hidden',
            scrollSnapType: isPhone ? 'x mandatory' : undefined,
            paddingBottom: 8,
            opacity: board.isPlaceholderData ? 0.6 : 1,
          }}
        >
          {board.data.columns.map((column) => (
            <BoardColumn
              // A new filter is a new set of columns: nothing of the previous one's scroll carries over.
              key={`${column.stage.id}-${query}-${sumKey ?? ''}`}
              pipelineId={pipelineId}
              query={query}
              sumField={sumKey}
              column={column}
              seededAt={board.dataUpdatedAt}
              stage={column.stage}
              stages={stages}
              currency={currency}
              sumLabel={sumField?.label ?? null}
              now={now}
              width={columnWidth}
              height={height}
              // Only the column under the pointer re-renders while a card moves.
              dropTarget={dropTarget?.stageId === column.stage.id ? dropTarget : null}
              activeId={active?.card.id ?? null}
              onMenuAction={onMenuAction}
            />
          ))}
        </Box>
        <DragOverlay dropAnimation={null}>
          {active && activeStage ? (
            <Box style={{ width: isPhone ? 'calc(100vw - 72px)' : 264 }}>
              <BoardCard card={active.card} stage={activeStage} stages={stages} now={now} currency={currency} canMoveUp={false} canMoveDown={false} onMenuAction={() => undefined} overlay />
            </Box>
          ) : null}
        </DragOverlay>
      </DndContext>
      {askingReason && lostStage ? (
        <LostReasonModal
          leadName={askingReason.card.displayName}
          stageName={lostStage.name}
          onCancel={() => setAskingReason(null)}
          onConfirm={(reason) => {
            move.mutate({ ...askingReason, lostReason: reason });
            setAskingReason(null);
          }}
        />
      ) : null}
    </>
  );
}
