import { Card, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '@/components/page-header';
import { useSession } from '../session';

export function HomePage() {
  const { t } = useTranslation();
  const { user, currentWorkspace } = useSession();
  return (
    <>
      <PageHeader
        title={t('home.title')}
        description={currentWorkspace ? t('home.workspace', { workspace: currentWorkspace.name }) : undefined}
      />
      <Card withBorder padding="lg">
        <Text fw={600} size="lg">
          {t('home.welcome', { name: user.name })}
        </Text>
        <Text c="dimmed" mt="xs">
          {t('home.placeholder')}
        </Text>
      </Card>
    </>
  );
}
