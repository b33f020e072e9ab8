import { useTranslation } from 'react-i18next';
import { PageHeader } from '@/components/page-header';
import { MyQueue } from '@/features/distribution/components/my-queue';
import { useSession } from '../session';

export function MyQueuePage() {
  const { t } = useTranslation();
  const { user, can } = useSession();
  return (
    <>
      <PageHeader title={t('distribution.queue.title')} description={t('distribution.queue.description')} />
      <MyQueue userId={user.id} canAssign={can('leads.assign')} />
    </>
  );
}
