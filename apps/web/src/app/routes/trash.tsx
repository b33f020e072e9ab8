import { useTranslation } from 'react-i18next';
import { PageHeader } from '@/components/page-header';
import { TrashList } from '@/features/leads/components/trash-list';
import { RequirePermission } from '../require-permission';

export function TrashPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('trash.title')} description={t('trash.description')} />
      <RequirePermission permission="trash.manage">
        <TrashList />
      </RequirePermission>
    </>
  );
}
