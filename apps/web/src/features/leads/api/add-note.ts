import { timelineItem } from '@leadflow/shared/leads';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { getLeadQueryOptions } from './get-lead';
import { getLeadTimelineQueryOptions } from './get-lead-timeline';

/** A markdown note; `@[Name](user:<id>)` mentions a member. */
export function addNote({ leadId, body }: { leadId: string; body: string }) {
  return api.post(`/leads/${encodeURIComponent(leadId)}/notes`, { body: { body }, schema: timelineItem });
}

export function useAddNote() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: addNote,
    onSuccess: (_item, { leadId }) =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: getLeadTimelineQueryOptions(leadId).queryKey }),
        queryClient.invalidateQueries({ queryKey: getLeadQueryOptions(leadId).queryKey }),
      ]),
  });
}
