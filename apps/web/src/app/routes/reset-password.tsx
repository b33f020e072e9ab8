import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { AuthCard } from '@/components/auth-card';
import { ResetPasswordForm } from '@/features/auth/components/reset-password-form';
import { notifySuccess } from '@/lib/notify';

const routeApi = getRouteApi('/_public/reset-password');

export function ResetPasswordPage() {
  const { t } = useTranslation();
  const { token } = routeApi.useSearch();
  const navigate = useNavigate();
  return (
    <AuthCard title={t('resetPassword.title')} description={t('resetPassword.description')}>
      <ResetPasswordForm
        token={token ?? ''}
        onSuccess={() => {
          notifySuccess(t('resetPassword.done'));
          void navigate({ to: '/login' });
        }}
      />
    </AuthCard>
  );
}
