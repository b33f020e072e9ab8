import type { metaFormMappingInput } from '@leadflow/shared/capture';
import { metaFormMapping } from '@leadflow/shared/capture';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '@/lib/api-client';
import { getFormMappingsQueryOptions } from './get-form-mappings';

export type FormMappingInput = z.input<typeof metaFormMappingInput>;

export function putFormMapping({ connectionId, formId, body }: { connectionId: string; formId: string; body: FormMappingInput }) {
  return api.put(`/integrations/meta/${connectionId}/forms/${formId}`, { body, schema: metaFormMapping });
}

export function usePutFormMapping() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: putFormMapping,
    onSuccess: (_data, { connectionId }) =>
      queryClient.invalidateQueries({ queryKey: getFormMappingsQueryOptions(connectionId).queryKey }),
  });
}
