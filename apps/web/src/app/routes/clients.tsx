import type { LeadFilter } from '@leadflow/shared/leads';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '@/components/page-header';
import { LeadsView } from '@/features/leads/components/leads-view';
import { RequirePermission } from '../require-permission';
import { LeadReferencesGate } from './leads-references';

/** A client is a lead that reached a won stage: it keeps its whole history, so the list is the lead list. */
const CLIENTS_ONLY: LeadFilter[] = [{ field: 'clientSince', op: 'not_empty' }];

export function ClientsPage() {
  const { t } = useTranslation();
  return (
    <RequirePermission permission="clients.view">
      <LeadReferencesGate>
        <PageHeader title={t('clients.title')} description={t('clients.description')} />
        <LeadsView fixedFilters={CLIENTS_ONLY} list="clients" emptyText={t('clients.empty')} />
      </LeadReferencesGate>
    </RequirePermission>
  );
}
