import { timelineItem } from '@leadflow/shared/leads';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { getLeadTimelineQueryOptions } from './get-lead-timeline';

export function updateNote({ leadId, noteId, body }: { leadId: string; noteId: string; body: string }) {
  return api.patch(`/leads/${encodeURIComponent(leadId)}/notes/${encodeURIComponent(noteId)}`, {
    body: { body },
    schema: timelineItem,
  });
}

/** Its author, or a manager, may change a note. */
export function useUpdateNote() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateNote,
    onSuccess: (_item, { leadId }) =>
      queryClient.invalidateQueries({ queryKey: getLeadTimelineQueryOptions(leadId).queryKey }),
  });
}
