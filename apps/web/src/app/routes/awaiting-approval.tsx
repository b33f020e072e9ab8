import { Anchor } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { AwaitingApproval } from '@/features/auth/components/awaiting-approval';

export function AwaitingApprovalPage() {
  const { t } = useTranslation();
  useDocumentTitle(`${t('awaitingApproval.title')} · LeadFlow`);
  return (
    <AwaitingApproval>
      <Anchor component={Link} to="/login" mt="md">
        {t('auth.backToLogin')}
      </Anchor>
    </AwaitingApproval>
  );
}
