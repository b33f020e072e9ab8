import { Center, Loader } from '@mantine/core';
import { useTranslation } from 'react-i18next';

export function LoadingScreen({ fullHeight = false }: { fullHeight?: boolean }) {
  const { t } = useTranslation();
  return (
    <Center h={fullHeight ? '100dvh' : 200} role="status" aria-label={t('common.loading')}>
      <Loader />
    </Center>
  );
}
