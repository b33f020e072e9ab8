import type { CustomField } from '@leadflow/shared/leads';
import type { Permission } from '@leadflow/shared/permissions';
import type { Pipeline, PipelineStage } from '@leadflow/shared/pipelines';
import type { ReactNode } from 'react';
import { createContext, useContext } from 'react';

export type MemberOption = { id: string; name: string };

/** What lead pages look things up in: custom fields, members, stages and the workspace's currency. */
export type LeadReferences = {
  /** Active custom fields, in display order. */
  customFields: CustomField[];
  /** Active members; only the signed-in user when their role may not list members. */
  members: MemberOption[];
  canListMembers: boolean;
  me: MemberOption;
  pipelines: Pipeline[];
  currency: string;
  can: (permission: Permission) => boolean;
  /** Marketing events and lead sources, when the page loaded them (the lead form and filters offer them). */
  events?: { id: string; name: string; archived: boolean }[];
  sources?: { id: string; name: string; kind: string; subtypes: string[]; archived: boolean }[];
  /** Tag names the workspace offers (its tag list); leads may carry others. */
  tags?: string[];
  /** Clients and contacts that referred someone (from the leads-by-referrer report, when the role may read it). */
  referrers?: { kind: 'lead' | 'contact'; id: string; name: string; leadName: string }[];
};

/** Options of a reference field other than stages: pipelines, events, referrers. */
export function referenceOptions(references: LeadReferences, fieldId: string): { value: string; label: string }[] {
  switch (fieldId) {
    case 'eventId':
      return (references.events ?? []).map((event) => ({ value: event.id, label: event.name }));
    case 'referredByLeadId':
      return (references.referrers ?? []).filter((r) => r.kind === 'lead').map((r) => ({ value: r.id, label: r.name }));
    case 'referredByContactId':
      return (references.referrers ?? []).filter((r) => r.kind === 'contact').map((r) => ({ value: r.id, label: `${r.name} (${r.leadName})` }));
    default:
      return references.pipelines.map((pipeline) => ({ value: pipeline.id, label: pipeline.name }));
  }
}

const LeadReferencesContext = createContext<LeadReferences | null>(null);

export function LeadReferencesProvider({ value, children }: { value: LeadReferences; children: ReactNode }) {
  return <LeadReferencesContext.Provider value={value}>{children}</LeadReferencesContext.Provider>;
}

export function useLeadReferences(): LeadReferences {
  const references = useContext(LeadReferencesContext);
  if (!references) throw new Error('useLeadReferences needs a LeadReferencesProvider');
  return references;
}

export function memberName(references: LeadReferences, userId: string): string | null {
  return references.members.find((member) => member.id === userId)?.name ?? null;
}

export function findStage(references: LeadReferences, stageId: string): { stage: PipelineStage; pipeline: Pipeline } | null {
  for (const pipeline of references.pipelines) {
    const stage = pipeline.stages.find((s) => s.id === stageId);
    if (stage) return { stage, pipeline };
  }
  return null;
}

/** Stage options grouped by pipeline, for selects. */
export function stageOptions(references: LeadReferences) {
  return references.pipelines.map((pipeline) => ({
    group: pipeline.name,
    items: pipeline.stages.map((stage) => ({ value: stage.id, label: stage.name })),
  }));
}
