import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { getLeadTimelineQueryOptions } from './get-lead-timeline';

export function deleteNote({ leadId, noteId }: { leadId: string; noteId: string }) {
  return api.delete(`/leads/${encodeURIComponent(leadId)}/notes/${encodeURIComponent(noteId)}`);
}

export function useDeleteNote() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteNote,
    onSuccess: (_result, { leadId }) =>
      queryClient.invalidateQueries({ queryKey: getLeadTimelineQueryOptions(leadId).queryKey }),
  });
}
