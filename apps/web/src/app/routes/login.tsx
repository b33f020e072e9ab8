import { Alert, Stack } from '@mantine/core';
import { IconClockExclamation } from '@tabler/icons-react';
import { getRouteApi, useNavigate, useRouter } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { AuthCard } from '@/components/auth-card';
import { LoginForm } from '@/features/auth/components/login-form';

const routeApi = getRouteApi('/_public/login');

/** Only same-site paths are followed after login, never another origin. */
function safeRedirect(target: string | undefined): string {
  return target && target.startsWith('/') && !target.startsWith('//') ? target : '/';
}

export function LoginPage() {
  const { t } = useTranslation();
  const search = routeApi.useSearch();
  const router = useRouter();
  const navigate = useNavigate();
  return (
    <AuthCard title={t('login.title')} description={t('login.description')}>
      <Stack>
        {search.reason === 'expired' ? (
          <Alert color="yellow" icon={<IconClockExclamation size={18} />} role="status">
            {t('login.sessionExpired')}
          </Alert>
        ) : null}
        <LoginForm
          defaultEmail={search.email}
          onSuccess={() => router.history.push(safeRedirect(search.redirect))}
          onPendingApproval={() => void navigate({ to: '/awaiting-approval' })}
        />
      </Stack>
    </AuthCard>
  );
}
