import { Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconHourglass } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

type AwaitingApprovalProps = { workspaceName?: string; children?: ReactNode };

/** Shown to users whose sign-up or membership an admin has not approved yet. */
export function AwaitingApproval({ workspaceName, children }: AwaitingApprovalProps) {
  const { t } = useTranslation();
  return (
    <Stack align="center" ta="center" gap="sm" py="xl" maw={480} mx="auto">
      <ThemeIcon size={56} radius="xl" variant="light">
        <IconHourglass size={30} />
      </ThemeIcon>
      <Title order={2}>{t('awaitingApproval.title')}</Title>
      <Text>
        {workspaceName
          ? t('awaitingApproval.bodyWorkspace', { workspace: workspaceName })
          : t('awaitingApproval.body')}
      </Text>
      <Text size="sm" c="dimmed">
        {t('awaitingApproval.hint')}
      </Text>
      {children}
    </Stack>
  );
}
