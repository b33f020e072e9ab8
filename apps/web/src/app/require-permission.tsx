import type { Permission } from '@leadflow/shared/permissions';
import { Alert } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from './session';

/** The server refuses anyway; this only spares the user a page of errors. */
export function RequirePermission({ permission, children }: { permission: Permission; children: ReactNode }) {
  const { t } = useTranslation();
  const { can } = useSession();
  if (!can(permission)) {
    return (
      <Alert color="gray" icon={<IconLock size={18} />} title={t('errors.FORBIDDEN')}>
        {t('access.noPermission')}
      </Alert>
    );
  }
  return children;
}
