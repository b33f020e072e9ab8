import { useTranslation } from 'react-i18next';
import { AuthCard } from '@/components/auth-card';
import { SignupForm } from '@/features/auth/components/signup-form';

export function SignupPage() {
  const { t } = useTranslation();
  return (
    <AuthCard title={t('signup.title')} description={t('signup.description')}>
      <SignupForm />
    </AuthCard>
  );
}
