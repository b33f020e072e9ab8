import { Alert, Button, Center, Stack } from '@mantine/core';
import type { ErrorComponentProps } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '@/lib/errors';

export function RouteError({ error, reset }: ErrorComponentProps) {
  const { t } = useTranslation();
  return (
    <Center p="md" mih={240}>
      <Stack maw={480}>
        <Alert color="red" title={t('errors.title')} role="alert">
          {errorMessage(error)}
        </Alert>
        <Button variant="default" onClick={() => (reset ? reset() : window.location.reload())}>
          {t('common.retry')}
        </Button>
      </Stack>
    </Center>
  );
}
