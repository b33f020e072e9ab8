import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { CUSTOM_FIELDS_QUERY_KEY } from './get-custom-fields';

export function restoreCustomField(fieldId: string) {
  return api.post(`/custom-fields/${encodeURIComponent(fieldId)}/restore`);
}

export function useRestoreCustomField() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: restoreCustomField,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: CUSTOM_FIELDS_QUERY_KEY }),
  });
}
