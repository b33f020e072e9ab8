import { Grid, Stack } from '@mantine/core';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { LoadingScreen } from '@/components/loading-screen';
import { QueryError } from '@/components/query-error';
import { useLead } from '../api/get-lead';
import { useLeadLiveUpdates } from '../hooks/use-lead-live-updates';
import { useLeadReferences } from '../hooks/use-lead-references';
import { LeadContacts } from './lead-contacts';
import { LeadFieldsCard } from './lead-fields-card';
import { LeadFormModal } from './lead-form-modal';
import { LeadHeader } from './lead-header';
import { LeadTimeline } from './lead-timeline';
import { NoteComposer } from './note-composer';

/** One lead: who it is, how to reach them, what happened so far, and a place to write what happens next. */
export function LeadDetailView({ leadId }: { leadId: string }) {
  const references = useLeadReferences();
  const navigate = useNavigate();
  const lead = useLead(leadId);
  const [editing, setEditing] = useState(false);
  useLeadLiveUpdates(leadId);

  if (lead.isPending) return <LoadingScreen />;
  if (lead.isError) return <QueryError error={lead.error} onRetry={() => void lead.refetch()} />;

  const data = lead.data;
  const canEdit = references.can('leads.edit') && data.deletedAt === null;

  return (
    <>
      <LeadHeader lead={data} onEdit={() => setEditing(true)} onDeleted={() => void navigate({ to: '/leads' })} />
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack gap="md">
            <LeadFieldsCard lead={data} />
            <LeadContacts lead={data} canEdit={canEdit} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack gap="md">
            {canEdit ? <NoteComposer leadId={data.id} /> : null}
            <LeadTimeline leadId={data.id} canEdit={canEdit} />
          </Stack>
        </Grid.Col>
      </Grid>
      {editing ? <LeadFormModal lead={data} onClose={() => setEditing(false)} /> : null}
    </>
  );
}
