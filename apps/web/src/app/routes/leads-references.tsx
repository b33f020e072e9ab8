import type { Permission } from '@leadflow/shared/permissions';
import type { ReactNode } from 'react';
import { useCallback, useMemo } from 'react';
import { LoadingScreen } from '@/components/loading-screen';
import { QueryError } from '@/components/query-error';
import { useCustomFields } from '@/features/custom-fields/api/get-custom-fields';
import { usePipelines } from '@/features/leads/api/get-pipelines';
import { useEvents } from '@/features/marketing/api/get-events';
import { useLeadSources } from '@/features/marketing/api/get-lead-sources';
import { useReferrerReport } from '@/features/marketing/api/get-referrer-report';
import { useWorkspaceTags } from '@/features/marketing/api/get-tags';
import type { LeadReferences } from '@/features/leads/hooks/use-lead-references';
import { LeadReferencesProvider } from '@/features/leads/hooks/use-lead-references';
import { useMembers } from '@/features/users/api/get-members';
import { useWorkspace } from '@/features/workspace/api/get-workspace';
import { ApiError } from '@/lib/api-client';
import { useSession } from '../session';

/**
 * Loads what lead pages look things up in (custom fields, stages, members, currency) and hands it down.
 * Listing members needs users.view: without it, or when the server refuses, the user alone is offered.
 */
export function LeadReferencesGate({ children }: { children: ReactNode }) {
  const { me: session, user } = useSession();
  // Stable while the session is, so the references (and every list cell) do not change on each render.
  const permissions = session.permissions;
  const can = useCallback((permission: Permission) => permissions.includes(permission), [permissions]);
  const canListMembers = can('users.view');
  const customFields = useCustomFields();
  const pipelines = usePipelines();
  const members = useMembers('active', { enabled: canListMembers });
  const workspace = useWorkspace();
  // Optional: the lead form offers them when loaded; pages do not wait for them.
  const sources = useLeadSources();
  const events = useEvents();
  const tags = useWorkspaceTags();
  const referrers = useReferrerReport(can('reports.view') || can('leads.view_all'));
  const membersRefused = members.error instanceof ApiError && members.error.status === 403;

  const sortedFields = useMemo(
    () => (customFields.data ? [...customFields.data.fields].sort((a, b) => a.position - b.position) : null),
    [customFields.data],
  );

  const references = useMemo<LeadReferences | null>(() => {
    if (!sortedFields || !pipelines.data) return null;
    const me = { id: user.id, name: user.name };
    const listed = canListMembers && members.data ? members.data.members.map((m) => ({ id: m.userId, name: m.name })) : null;
    return {
      customFields: sortedFields,
      members: listed ?? [me],
      canListMembers: listed !== null,
      me,
      pipelines: pipelines.data.pipelines,
      currency: workspace.data?.currency ?? 'USD',
      can,
      sources: sources.data?.sources,
      events: events.data?.events,
      referrers: referrers.data?.rows,
      tags: tags.data?.tags.map((tag) => tag.name),
    };
  }, [sortedFields, pipelines.data, members.data, workspace.data, canListMembers, user.id, user.name, can, sources.data, events.data, referrers.data, tags.data]);

  if (customFields.isError) return <QueryError error={customFields.error} onRetry={() => void customFields.refetch()} />;
  if (pipelines.isError) return <QueryError error={pipelines.error} onRetry={() => void pipelines.refetch()} />;
  const waitingForMembers = canListMembers && members.isPending && !membersRefused;
  if (!references || waitingForMembers || workspace.isPending) return <LoadingScreen />;
  return <LeadReferencesProvider value={references}>{children}</LeadReferencesProvider>;
}
