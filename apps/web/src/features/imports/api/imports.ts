import type { ImportSettings } from '@leadflow/shared/imports';
import {
  importDetail,
  importErrorsPage,
  importList,
  importTemplate,
  importTemplateList,
  importUploadResponse,
} from '@leadflow/shared/imports';
import { queryOptions, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api, downloadUrl } from '@/lib/api-client';

export type ImportDetail = z.output<typeof importDetail>;
export type ImportWithColumns = z.output<typeof importUploadResponse>;
export type ImportColumn = ImportWithColumns['columns'][number];
export type ImportStatus = ImportDetail['status'];
export type ImportTemplate = z.output<typeof importTemplate>;

export const IMPORTS_QUERY_KEY = ['imports'] as const;
const TEMPLATES_QUERY_KEY = ['import-templates'] as const;

/** Statuses in which the server is still working on the import: the page polls them for rate and time left. */
export const ACTIVE_STATUSES: readonly ImportStatus[] = ['uploading', 'validating', 'queued', 'running', 'undoing'];

export function isActive(status: ImportStatus): boolean {
  return ACTIVE_STATUSES.includes(status);
}

export function importQueryKey(id: string) {
  return [...IMPORTS_QUERY_KEY, 'detail', id] as const;
}

export function useImports() {
  return useQuery({
    queryKey: [...IMPORTS_QUERY_KEY, 'list'],
    queryFn: ({ signal }) => api.get('/imports', { schema: importList, signal }),
    // Running imports move on by themselves; the list follows them while any is active.
    refetchInterval: (query) => (query.state.data?.imports.some((i) => isActive(i.status)) ? 3_000 : false),
  });
}

export function getImportQueryOptions(id: string) {
  return queryOptions({
    queryKey: importQueryKey(id),
    queryFn: ({ signal }) => api.get(`/imports/${id}`, { schema: importUploadResponse, signal }),
  });
}

/** One import with its columns; polled every 2 s while the server works on it (rate and time left come from here). */
export function useImport(id: string) {
  return useQuery({
    ...getImportQueryOptions(id),
    refetchInterval: (query) => (query.state.data && isActive(query.state.data.status) ? 2_000 : false),
  });
}

export function uploadImport(input: { file: File; sheet?: string }) {
  const form = new FormData();
  form.append('file', input.file, input.file.name);
  return api.post('/imports', { body: form, params: { sheet: input.sheet?.trim() || undefined }, schema: importUploadResponse });
}

export function useUploadImport() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: uploadImport,
    onSuccess: (data) => {
      queryClient.setQueryData(importQueryKey(data.id), data);
      void queryClient.invalidateQueries({ queryKey: [...IMPORTS_QUERY_KEY, 'list'] });
    },
  });
}

/** After an action the server answers with the import without its columns: the detail is refetched. */
function useImportAction<V>(mutationFn: (vars: V) => Promise<ImportDetail>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: (data) => {
      queryClient.setQueryData<ImportWithColumns>(importQueryKey(data.id), (old) => (old ? { ...old, ...data } : old));
      void queryClient.invalidateQueries({ queryKey: IMPORTS_QUERY_KEY });
    },
  });
}

export function useDryRun() {
  return useImportAction(({ id, settings }: { id: string; settings: ImportSettings }) =>
    api.post(`/imports/${id}/dry-run`, { body: settings, schema: importDetail }),
  );
}

export function useRunImport() {
  return useImportAction(({ id, skipRejected }: { id: string; skipRejected: boolean }) =>
    api.post(`/imports/${id}/run`, { body: { skipRejected }, schema: importDetail }),
  );
}

export function useCancelImport() {
  return useImportAction((id: string) => api.post(`/imports/${id}/cancel`, { schema: importDetail }));
}

export function useUndoImport() {
  return useImportAction((id: string) => api.post(`/imports/${id}/undo`, { schema: importDetail }));
}

export const ERRORS_PAGE_SIZE = 50;

/** The dry run's row errors, a page at a time. */
export function useImportErrors(id: string, enabled: boolean) {
  return useInfiniteQuery({
    queryKey: [...IMPORTS_QUERY_KEY, 'errors', id],
    queryFn: ({ pageParam, signal }) =>
      api.get(`/imports/${id}/errors`, { schema: importErrorsPage, params: { cursor: pageParam, limit: ERRORS_PAGE_SIZE }, signal }),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled,
  });
}

/** The rejected rows as CSV (a link: see downloadUrl). */
export function rejectedCsvUrl(id: string): string {
  return downloadUrl(`/imports/${id}/rejected.csv`);
}

export function useImportTemplates() {
  return useQuery({
    queryKey: TEMPLATES_QUERY_KEY,
    queryFn: ({ signal }) => api.get('/import-templates', { schema: importTemplateList, signal }),
  });
}

export function useCreateImportTemplate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; settings: ImportSettings }) => api.post('/import-templates', { body, schema: importTemplate }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: TEMPLATES_QUERY_KEY }),
  });
}

export function useDeleteImportTemplate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/import-templates/${id}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: TEMPLATES_QUERY_KEY }),
  });
}
