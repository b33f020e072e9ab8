import { Button } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '@/components/page-header';
import { LeadFormModal } from '@/features/leads/components/lead-form-modal';
import { LeadsView } from '@/features/leads/components/leads-view';
import { useSession } from '../session';
import { LeadReferencesGate } from './leads-references';

export function LeadsPage() {
  const { t } = useTranslation();
  const { can } = useSession();
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  return (
    <LeadReferencesGate>
      <PageHeader
        title={t('leads.title')}
        actions={
          can('leads.create') ? (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
              {t('leads.new')}
            </Button>
          ) : null
        }
      />
      <LeadsView />
      {creating ? (
        <LeadFormModal
          onClose={() => setCreating(false)}
          onSaved={(lead) => void navigate({ to: '/leads/$leadId', params: { leadId: lead.id } })}
        />
      ) : null}
    </LeadReferencesGate>
  );
}
