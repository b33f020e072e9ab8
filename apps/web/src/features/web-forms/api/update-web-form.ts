import type { updateWebFormRequest } from '@leadflow/shared/web-forms';
import { webForm } from '@leadflow/shared/web-forms';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '@/lib/api-client';
import { WEB_FORMS_QUERY_KEY } from './get-web-forms';

export type UpdateWebFormInput = z.input<typeof updateWebFormRequest>;

/** Changes a form; `fields` replaces the whole list, `active: false` closes it. */
export function updateWebForm({ formId, ...body }: UpdateWebFormInput & { formId: string }) {
  return api.patch(`/web-forms/${encodeURIComponent(formId)}`, { body, schema: webForm });
}

export function useUpdateWebForm() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateWebForm,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: WEB_FORMS_QUERY_KEY }),
  });
}
