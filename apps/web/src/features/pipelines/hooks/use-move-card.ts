import type { Board } from '@leadflow/shared/board';
import type { MoveLeadResponse } from '@leadflow/shared/pipelines';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError } from '@/lib/api-client';
import { notifyError, notifySuccess } from '@/lib/notify';
import { notifications } from '@mantine/notifications';
import type { BoardCard, ColumnPages } from '../api/get-board';
import { BOARD_QUERY_KEY, boardColumnKey, getBoardQueryOptions } from '../api/get-board';
import { moveLead } from '../api/move-lead';
import type { CardPlacement } from '../utils/board-order';
import { moveCard, positionOf } from '../utils/board-order';

export type CardMove = {
  card: BoardCard;
  fromStageId: string;
  placement: CardPlacement;
  /** For a lost stage. */
  lostReason?: string;
  /** What the user sees about a won stage: the card becomes a client. */
  toKind: 'open' | 'won' | 'lost';
};

type BoardScope = { pipelineId: string; query: string; sumField: string | null };

function flatten(data: ColumnPages | undefined): BoardCard[] {
  return data?.pages.flatMap((page) => page.cards) ?? [];
}

/** Puts a changed list of cards back into the pages, keeping every page's size but the last's. */
function repage(data: ColumnPages, cards: BoardCard[]): ColumnPages {
  let start = 0;
  const pages = data.pages.map((page, index) => {
    const last = index === data.pages.length - 1;
    const size = last ? cards.length - start : page.cards.length;
    const slice = cards.slice(start, start + Math.max(0, size));
    start += Math.max(0, size);
    return { ...page, cards: slice };
  });
  return { ...data, pages };
}

/**
 * Moves a card at once on screen and then asks the server; if the server refuses (someone else changed the lead,
 * a rule is broken) the board goes back to what it was and says why, and the two columns reload.
 */
export function useMoveCard({ pipelineId, query, sumField }: BoardScope) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const headsKey = getBoardQueryOptions(pipelineId, query, sumField).queryKey;
  const columnKey = (stageId: string) => boardColumnKey(pipelineId, query, sumField, stageId);

  return useMutation({
    mutationFn: ({ card, placement, lostReason }: CardMove) =>
      moveLead({ leadId: card.id, stageId: placement.toStageId, version: card.version, lostReason, ...positionOf(placement) }),
    onMutate: async ({ card, fromStageId, placement, toKind }: CardMove) => {
      const sameColumn = fromStageId === placement.toStageId;
      const fromKey = columnKey(fromStageId);
      const toKey = columnKey(placement.toStageId);
      await Promise.all([queryClient.cancelQueries({ queryKey: fromKey }), queryClient.cancelQueries({ queryKey: toKey })]);
      const fromData = queryClient.getQueryData<ColumnPages>(fromKey);
      const toData = queryClient.getQueryData<ColumnPages>(toKey);
      const heads = queryClient.getQueryData<Board>(headsKey);

      const moved: BoardCard = {
        ...card,
        stageId: placement.toStageId,
        clientSince: toKind === 'won' ? (card.clientSince ?? new Date().toISOString()) : card.clientSince,
      };
      const next = moveCard(flatten(fromData), sameColumn ? null : flatten(toData), moved, placement.index);
      if (fromData) queryClient.setQueryData<ColumnPages>(fromKey, repage(fromData, next.from));
      if (!sameColumn) {
        queryClient.setQueryData<ColumnPages>(toKey, toData ? repage(toData, next.to) : { pages: [{ cards: next.to, nextCursor: null }], pageParams: [undefined] });
        if (heads) {
          queryClient.setQueryData<Board>(headsKey, {
            ...heads,
            columns: heads.columns.map((column) => {
              const delta = column.stage.id === fromStageId ? -1 : column.stage.id === placement.toStageId ? 1 : 0;
              if (delta === 0) return column;
              return {
                ...column,
                count: Math.max(0, column.count + delta),
                sum: column.sum === null || card.value === null ? column.sum : column.sum + delta * card.value,
              };
            }),
          });
        }
      }
      return { fromData, toData, heads, fromKey, toKey };
    },
    onError: (error, move, context) => {
      if (context) {
        if (context.fromData) queryClient.setQueryData(context.fromKey, context.fromData);
        if (context.toData) queryClient.setQueryData(context.toKey, context.toData);
        if (context.heads) queryClient.setQueryData(headsKey, context.heads);
      }
      if (error instanceof ApiError && error.code === 'CONFLICT') {
        notifications.show({
          color: 'orange',
          title: t('board.conflictTitle'),
          message: t('board.conflict', { name: move.card.displayName }),
        });
      } else {
        notifyError(error);
      }
      void queryClient.invalidateQueries({ queryKey: columnKey(move.fromStageId) });
      void queryClient.invalidateQueries({ queryKey: columnKey(move.placement.toStageId) });
      void queryClient.invalidateQueries({ queryKey: headsKey });
    },
    onSuccess: (result: MoveLeadResponse, move) => {
      const toKey = columnKey(result.stageId);
      queryClient.setQueryData<ColumnPages>(toKey, (data) =>
        data
          ? {
              ...data,
              pages: data.pages.map((page) => ({
                ...page,
                cards: page.cards.map((c) =>
                  c.id === result.id
                    ? { ...c, version: result.version, stagePosition: result.stagePosition, clientSince: result.clientSince, lostReason: result.lostReason }
                    : c,
                ),
              })),
            }
          : data,
      );
      // Boards of other filters kept in the cache no longer match: they reload when shown again.
      void queryClient.invalidateQueries({ queryKey: [...BOARD_QUERY_KEY, pipelineId], refetchType: 'none' });
      // Positions were renumbered to make room: the column reloads them (the order on screen is already right).
      if (result.renumbered) void queryClient.invalidateQueries({ queryKey: toKey });
      if (move.toKind === 'won' && result.clientSince && !move.card.clientSince) {
        notifySuccess(t('board.becameClient', { name: move.card.displayName }));
      }
    },
  });
}
