import type { updateCustomFieldRequest } from '@leadflow/shared/leads';
import { customField } from '@leadflow/shared/leads';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '@/lib/api-client';
import { CUSTOM_FIELDS_QUERY_KEY } from './get-custom-fields';

export type UpdateCustomFieldInput = z.input<typeof updateCustomFieldRequest>;

/** Label, required, options, help text and position change; type and key never do. */
export function updateCustomField({ fieldId, ...body }: UpdateCustomFieldInput & { fieldId: string }) {
  return api.patch(`/custom-fields/${encodeURIComponent(fieldId)}`, { body, schema: customField });
}

export function useUpdateCustomField() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateCustomField,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: CUSTOM_FIELDS_QUERY_KEY }),
  });
}
