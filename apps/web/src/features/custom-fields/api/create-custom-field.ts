import type { createCustomFieldRequest } from '@leadflow/shared/leads';
import { customField } from '@leadflow/shared/leads';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '@/lib/api-client';
import { CUSTOM_FIELDS_QUERY_KEY } from './get-custom-fields';

export type CreateCustomFieldInput = z.input<typeof createCustomFieldRequest>;

export function createCustomField(body: CreateCustomFieldInput) {
  return api.post('/custom-fields', { body, schema: customField });
}

export function useCreateCustomField() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createCustomField,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: CUSTOM_FIELDS_QUERY_KEY }),
  });
}
