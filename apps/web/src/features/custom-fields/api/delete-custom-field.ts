import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { CUSTOM_FIELDS_QUERY_KEY } from './get-custom-fields';

/** Lead values are kept; restoring the field brings them back. */
export function deleteCustomField(fieldId: string) {
  return api.delete(`/custom-fields/${encodeURIComponent(fieldId)}`);
}

export function useDeleteCustomField() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteCustomField,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: CUSTOM_FIELDS_QUERY_KEY }),
  });
}
