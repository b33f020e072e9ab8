import { Anchor, Group } from '@mantine/core';
import { IconArrowLeft } from '@tabler/icons-react';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { LeadDetailView } from '@/features/leads/components/lead-detail-view';
import { LeadWebFormSubmissions } from '@/features/web-forms/components/lead-web-form-submissions';
import { LeadReferencesGate } from './leads-references';

const routeApi = getRouteApi('/_app/leads/$leadId');

export function LeadDetailPage() {
  const { t } = useTranslation();
  const { leadId } = routeApi.useParams();
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
      <LeadWebFormSubmissions key={`web-forms-${leadId}`} leadId={leadId} />
    </LeadReferencesGate>
  );
}
