import { webForm } from '@leadflow/shared/web-forms';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { WEB_FORMS_QUERY_KEY } from './get-web-forms';

/** Deletes a form and its submission records; the leads it brought stay. */
export function deleteWebForm(formId: string) {
  return api.delete(`/web-forms/${encodeURIComponent(formId)}`, { schema: webForm });
}

export function useDeleteWebForm() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteWebForm,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: WEB_FORMS_QUERY_KEY }),
  });
}
