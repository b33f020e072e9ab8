import { Paper, Stack, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '@/components/page-header';
import { NotificationPreferencesSection } from '@/features/notifications/components/notification-preferences';
import { ChangePasswordForm } from '@/features/profile/components/change-password-form';
import { ProfileForm } from '@/features/profile/components/profile-form';
import { TwoFactorSection } from '@/features/profile/components/two-factor-section';
import { useSession } from '../session';

function Section({ title, children, id }: { title: string; children: ReactNode; id?: string }) {
  return (
    <Paper withBorder p={{ base: 'md', sm: 'lg' }} component="section" aria-label={title} id={id}>
      <Title order={3} mb="md">
        {title}
      </Title>
      {children}
    </Paper>
  );
}

export function ProfilePage() {
  const { t } = useTranslation();
  const { user } = useSession();
  return (
    <Stack maw={760}>
      <PageHeader title={t('profile.title')} description={user.email} />
      <Section title={t('profile.details')}>
        <ProfileForm key={user.id} user={user} />
      </Section>
      <Section title={t('notifications.prefs.title')} id="notifications">
        <NotificationPreferencesSection />
      </Section>
      <Section title={t('profile.password.title')}>
        <ChangePasswordForm />
      </Section>
      <Section title={t('profile.twoFactor.title')}>
        <TwoFactorSection enabled={user.twoFactorEnabled} />
      </Section>
    </Stack>
  );
}
