import type { LeadQuery } from '@leadflow/shared/leads';
import { board, boardColumnPage } from '@leadflow/shared/board';
import type { InfiniteData } from '@tanstack/react-query';
import { infiniteQueryOptions, keepPreviousData, queryOptions, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

export type { BoardCard, BoardColumn } from '@leadflow/shared/board';
import type { BoardCard, BoardColumn } from '@leadflow/shared/board';

export type BoardStage = BoardColumn['stage'];

/** Everything of the board lives under this key, so one invalidation refreshes a whole board. */
export const BOARD_QUERY_KEY = ['board'] as const;

/** Cards per column page: a phone shows about 5, a tall screen about 8; the rest load while scrolling. */
export const BOARD_PAGE_SIZE = 25;

/** The board's filters: the lead list's filters and search (the board keeps its own order, so no sort). */
export type BoardQuery = Pick<LeadQuery, 'filters'> & { q?: string };

/** The same JSON parameter as the lead list; empty parts are left out so equal queries share a cache entry. */
export function encodeBoardQuery(query: BoardQuery): string {
  const compact: Partial<BoardQuery> = {};
  if (query.filters.length > 0) compact.filters = query.filters;
  if (query.q?.trim()) compact.q = query.q.trim();
  return Object.keys(compact).length > 0 ? JSON.stringify(compact) : '';
}

export function getBoard(pipelineId: string, query: string, sumField: string | null, signal?: AbortSignal) {
  return api.get(`/pipelines/${encodeURIComponent(pipelineId)}/board`, {
    schema: board,
    params: { query: query || undefined, limit: BOARD_PAGE_SIZE, sumField: sumField ?? undefined },
    signal,
  });
}

export function getBoardColumnPage(
  pipelineId: string,
  stageId: string,
  query: string,
  sumField: string | null,
  cursor: string | undefined,
  signal?: AbortSignal,
) {
  return api.get(`/pipelines/${encodeURIComponent(pipelineId)}/board/stages/${encodeURIComponent(stageId)}`, {
    schema: boardColumnPage,
    params: { query: query || undefined, cursor, limit: BOARD_PAGE_SIZE, sumField: sumField ?? undefined },
    signal,
  });
}

/** Column heads (count, sum) and the first cards of every column, in one request. */
export function getBoardQueryOptions(pipelineId: string, query: string, sumField: string | null) {
  return queryOptions({
    queryKey: [...BOARD_QUERY_KEY, pipelineId, 'heads', { query, sumField }],
    queryFn: ({ signal }) => getBoard(pipelineId, query, sumField, signal),
  });
}

export function useBoard(pipelineId: string, query: string, sumField: string | null) {
  // The previous board stays on screen while a new filter loads.
  return useQuery({ ...getBoardQueryOptions(pipelineId, query, sumField), placeholderData: keepPreviousData });
}

export type ColumnPages = InfiniteData<{ cards: BoardCard[]; nextCursor: string | null }, string | undefined>;

/** The cards of one column, page by page; the first page comes with the board and seeds it. */
export function boardColumnKey(pipelineId: string, query: string, sumField: string | null, stageId: string) {
  return [...BOARD_QUERY_KEY, pipelineId, 'column', { query, sumField, stageId }] as const;
}

export function getBoardColumnQueryOptions(pipelineId: string, query: string, sumField: string | null, stageId: string) {
  return infiniteQueryOptions({
    queryKey: boardColumnKey(pipelineId, query, sumField, stageId),
    queryFn: ({ pageParam, signal }) => getBoardColumnPage(pipelineId, stageId, query, sumField, pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}

export function useBoardColumn(
  pipelineId: string,
  query: string,
  sumField: string | null,
  stageId: string,
  seed: { cards: BoardCard[]; nextCursor: string | null },
  seededAt: number,
) {
  return useInfiniteQuery({
    ...getBoardColumnQueryOptions(pipelineId, query, sumField, stageId),
    initialData: { pages: [seed], pageParams: [undefined] },
    initialDataUpdatedAt: seededAt,
    // The board's heads request just brought these cards: no second request for them.
    staleTime: 30_000,
  });
}
