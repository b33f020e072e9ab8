import type { createProductionTaskRequest, ProductionBoard, ProductionCard, ProductionColumn, updateProductionTaskRequest } from '@leadflow/shared/production';
import {
  moveProductionTaskResponse,
  productionBoard,
  productionCard,
  productionClientList,
  productionFile,
  productionFileList,
  productionMemberList,
} from '@leadflow/shared/production';
import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { API_BASE, api } from '@/lib/api-client';
import { moveCardTo } from '../utils/placement';

export type { ProductionBoard, ProductionCard, ProductionColumn, ProductionFile } from '@leadflow/shared/production';

/** Everything of the production board lives under this key. */
export const PRODUCTION_QUERY_KEY = ['production'] as const;
/** Cards per column: a production board is small; the rest is counted in the column head. */
export const PRODUCTION_PAGE_SIZE = 100;

export type BoardFilters = { leadId?: string | null; assigneeId?: string | null; priority?: string | null };

export function getProductionBoardQueryOptions(filters: BoardFilters) {
  return queryOptions({
    queryKey: [...PRODUCTION_QUERY_KEY, 'board', filters],
    queryFn: ({ signal }) =>
      api.get('/production/board', {
        schema: productionBoard,
        params: { leadId: filters.leadId, assigneeId: filters.assigneeId, priority: filters.priority, limit: PRODUCTION_PAGE_SIZE },
        signal,
      }),
  });
}

export function useProductionBoard(filters: BoardFilters) {
  return useQuery({ ...getProductionBoardQueryOptions(filters), placeholderData: keepPreviousData });
}

export function useProductionClients(q: string) {
  return useQuery({
    queryKey: [...PRODUCTION_QUERY_KEY, 'clients', q],
    queryFn: ({ signal }) => api.get('/production/clients', { schema: productionClientList, params: { q }, signal }),
    placeholderData: keepPreviousData,
  });
}

export function useProductionMembers() {
  return useQuery({
    queryKey: [...PRODUCTION_QUERY_KEY, 'members'],
    queryFn: ({ signal }) => api.get('/production/members', { schema: productionMemberList, signal }),
    staleTime: 60_000,
  });
}

export function useProductionTask(id: string | null) {
  return useQuery({
    queryKey: [...PRODUCTION_QUERY_KEY, 'task', id],
    queryFn: ({ signal }) => api.get(`/production/tasks/${encodeURIComponent(id!)}`, { schema: productionCard, signal }),
    enabled: id !== null,
  });
}

function useInvalidateProduction() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: PRODUCTION_QUERY_KEY });
}

export function useCreateProductionTask() {
  const invalidate = useInvalidateProduction();
  return useMutation({
    mutationFn: (body: z.input<typeof createProductionTaskRequest>) => api.post('/production/tasks', { body, schema: productionCard }),
    onSuccess: invalidate,
  });
}

export function useUpdateProductionTask() {
  const invalidate = useInvalidateProduction();
  return useMutation({
    mutationFn: ({ id, ...body }: z.input<typeof updateProductionTaskRequest> & { id: string }) =>
      api.patch(`/production/tasks/${encodeURIComponent(id)}`, { body, schema: productionCard }),
    onSuccess: invalidate,
  });
}

export function useDeleteProductionTask() {
  const invalidate = useInvalidateProduction();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/production/tasks/${encodeURIComponent(id)}`),
    onSuccess: invalidate,
  });
}

export type MoveInput = { card: ProductionCard; to: ProductionColumn; index: number; afterId: string | null; beforeId: string | null };

/**
 * Moves a card: it moves in the cached board at once; a refusal (409 when someone else moved or edited it first)
 * puts the board back and reloads it.
 */
export function useMoveProductionTask(filters: BoardFilters) {
  const queryClient = useQueryClient();
  const key = getProductionBoardQueryOptions(filters).queryKey;
  return useMutation({
    mutationFn: ({ card, to, afterId, beforeId }: MoveInput) =>
      api.post(`/production/tasks/${encodeURIComponent(card.id)}/move`, { body: { column: to, afterId, beforeId, version: card.version }, schema: moveProductionTaskResponse }),
    onMutate: async (input) => {
      await queryClient.cancelQueries({ queryKey: key });
      const before = queryClient.getQueryData<ProductionBoard>(key);
      if (before) queryClient.setQueryData<ProductionBoard>(key, moveCardTo(before, input.card, input.to, input.index));
      return { before };
    },
    onError: (_error, _input, context) => {
      if (context?.before) queryClient.setQueryData(key, context.before);
    },
    onSuccess: (result) => {
      // The card's new version (and completion) from the server; a renumbered column is reloaded.
      queryClient.setQueryData<ProductionBoard>(key, (board) =>
        board ? { columns: board.columns.map((c) => ({ ...c, items: c.items.map((i) => (i.id === result.card.id ? result.card : i)) })) } : board,
      );
    },
    onSettled: (result) => {
      if (!result || result.renumbered) void queryClient.invalidateQueries({ queryKey: PRODUCTION_QUERY_KEY });
      else void queryClient.invalidateQueries({ queryKey: [...PRODUCTION_QUERY_KEY, 'task', result.card.id] });
    },
  });
}

export function useProductionFiles(taskId: string) {
  return useQuery({
    queryKey: [...PRODUCTION_QUERY_KEY, 'files', taskId],
    queryFn: ({ signal }) => api.get(`/production/tasks/${encodeURIComponent(taskId)}/files`, { schema: productionFileList, signal }),
  });
}

export function useUploadProductionFile(taskId: string) {
  const invalidate = useInvalidateProduction();
  return useMutation({
    mutationFn: (file: File) => {
      const form = new FormData();
      form.append('file', file, file.name);
      return api.post(`/production/tasks/${encodeURIComponent(taskId)}/files`, { body: form, schema: productionFile });
    },
    onSuccess: invalidate,
  });
}

export function useDeleteProductionFile(taskId: string) {
  const invalidate = useInvalidateProduction();
  return useMutation({
    mutationFn: (fileId: string) => api.delete(`/production/tasks/${encodeURIComponent(taskId)}/files/${encodeURIComponent(fileId)}`),
    onSuccess: invalidate,
  });
}

/** The download address (the session cookie authenticates it). */
export function productionFileUrl(taskId: string, fileId: string): string {
  return `${API_BASE}/production/tasks/${encodeURIComponent(taskId)}/files/${encodeURIComponent(fileId)}`;
}
