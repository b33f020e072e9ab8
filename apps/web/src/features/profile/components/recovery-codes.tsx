import { Alert, Button, Code, CopyButton, Group, SimpleGrid, Stack } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

type RecoveryCodesProps = { codes: string[]; onDone: () => void };

/** Recovery codes are shown once, right after they are made. */
export function RecoveryCodes({ codes, onDone }: RecoveryCodesProps) {
  const { t } = useTranslation();
  return (
    <Stack>
      <Alert color="yellow" title={t('profile.twoFactor.recoveryTitle')}>
        {t('profile.twoFactor.recoveryHelp')}
      </Alert>
      <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="xs" aria-label={t('profile.twoFactor.recoveryTitle')}>
        {codes.map((code) => (
          <Code key={code} block ta="center" fz="sm">
            {code}
          </Code>
        ))}
      </SimpleGrid>
      <Group justify="space-between">
        <CopyButton value={codes.join('\n')}>
          {({ copied, copy }) => (
            <Button
              variant="default"
              leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
              onClick={copy}
            >
              {copied ? t('common.copied') : t('profile.twoFactor.copyCodes')}
            </Button>
          )}
        </CopyButton>
        <Button onClick={onDone}>{t('profile.twoFactor.savedCodes')}</Button>
      </Group>
    </Stack>
  );
}
