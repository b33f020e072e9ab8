import type { createWebFormRequest } from '@leadflow/shared/web-forms';
import { webForm } from '@leadflow/shared/web-forms';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '@/lib/api-client';
import { WEB_FORMS_QUERY_KEY } from './get-web-forms';

export type CreateWebFormInput = z.input<typeof createWebFormRequest>;

export function createWebForm(body: CreateWebFormInput) {
  return api.post('/web-forms', { body, schema: webForm });
}

export function useCreateWebForm() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createWebForm,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: WEB_FORMS_QUERY_KEY }),
  });
}
