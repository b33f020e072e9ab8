import { presetApplyResult, presetList, presetPreview } from '@leadflow/shared/presets';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

export function usePresets() {
  return useQuery({ queryKey: ['presets'], queryFn: ({ signal }) => api.get('/presets', { schema: presetList, signal }) });
}

/** What applying a preset would add, item by item. */
export function usePresetPreview(key: string | null) {
  return useQuery({
    queryKey: ['presets', key],
    queryFn: ({ signal }) => api.get(`/presets/${encodeURIComponent(key!)}`, { schema: presetPreview, signal }),
    enabled: key !== null,
  });
}

/** Applying changes fields, pipelines, sources, tags and reasons: everything cached is refetched. */
export function useApplyPreset() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (key: string) => api.post(`/presets/${encodeURIComponent(key)}/apply`, { body: {}, schema: presetApplyResult }),
    onSuccess: () => queryClient.invalidateQueries(),
  });
}
