import { useNavigate } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { AuthCard } from '@/components/auth-card';
import { SetupForm } from '@/features/auth/components/setup-form';

export function SetupPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <AuthCard title={t('setup.title')} description={t('setup.description')}>
      <SetupForm onSuccess={() => void navigate({ to: '/' })} />
    </AuthCard>
  );
}
