import { useTranslation } from 'react-i18next';
import { PageHeader } from '@/components/page-header';
import { OutboxList } from '@/features/outbox/components/outbox-list';
import { RequirePermission } from '../require-permission';

export function OutboxSettingsPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('outbox.title')} description={t('outbox.description')} />
      <RequirePermission permission="outbox.view">
        <OutboxList />
      </RequirePermission>
    </>
  );
}
