import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { getFormMappingsQueryOptions } from './get-form-mappings';

export function deleteFormMapping({ connectionId, formId }: { connectionId: string; formId: string }) {
  return api.delete(`/integrations/meta/${connectionId}/forms/${formId}`);
}

/** Back to the automatic mapping for a form. */
export function useDeleteFormMapping() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteFormMapping,
    onSuccess: (_data, { connectionId }) =>
      queryClient.invalidateQueries({ queryKey: getFormMappingsQueryOptions(connectionId).queryKey }),
  });
}
