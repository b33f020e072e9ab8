import { Anchor, Group } from '@mantine/core';
import { IconArrowLeft } from '@tabler/icons-react';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { LeadCadencesCard } from '@/features/cadences/components/lead-cadences-card';
import { LeadAssignmentHistory } from '@/features/distribution/components/lead-assignment-history';
import { LeadDetailView } from '@/features/leads/components/lead-detail-view';
import { LeadTasksCard } from '@/features/tasks/components/lead-tasks-card';
import { ReferralCard } from '@/features/referrals/components/referral-card';
import { ReferredLeadsCard } from '@/features/referrals/components/referred-leads-card';
import { LeadWebFormSubmissions } from '@/features/web-forms/components/lead-web-form-submissions';
import { useSession } from '../session';
import { LeadReferencesGate } from './leads-references';

const routeApi = getRouteApi('/_app/leads/$leadId');

export function LeadDetailPage() {
  const { t } = useTranslation();
  const { leadId } = routeApi.useParams();
  const { can } = useSession();
  return (
    <LeadReferencesGate>
      <Group mb="sm">
        <Anchor component={Link} to="/leads" size="sm">
          <Group gap={4} wrap="nowrap">
            <IconArrowLeft size={14} aria-hidden />
            {t('leads.detail.back')}
          </Group>
        </Anchor>
      </Group>
      {/* A new lead id is a new page: nothing of the previous lead's state carries over. */}
      <LeadDetailView key={leadId} leadId={leadId} />
      <LeadTasksCard key={`tasks-${leadId}`} leadId={leadId} canManage={can('tasks.manage')} seesAll={can('tasks.view_all')} />
      <LeadCadencesCard key={`cadences-${leadId}`} leadId={leadId} canManage={can('tasks.manage')} />
      <ReferralCard key={`referral-${leadId}`} leadId={leadId} canEdit={can('leads.edit')} />
      <ReferredLeadsCard key={`referred-${leadId}`} leadId={leadId} />
      <LeadWebFormSubmissions key={`web-forms-${leadId}`} leadId={leadId} />
      <LeadAssignmentHistory key={`assignments-${leadId}`} leadId={leadId} />
    </LeadReferencesGate>
  );
}
