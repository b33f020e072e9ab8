import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '@/lib/format';
import { CopyableValue } from './copyable-value';

type LinkModalProps = {
  opened: boolean;
  onClose: () => void;
  title: string;
  description: string;
  url: string;
  expiresAt?: string | null;
};

/** Shows a one-time link (password reset, invitation) for an admin to hand over. */
export function LinkModal({ opened, onClose, title, description, url, expiresAt }: LinkModalProps) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={onClose} title={title} centered size="lg">
      <Stack>
        <Text size="sm">{description}</Text>
        <CopyableValue label={t('common.link')} value={url} />
        {expiresAt ? (
          <Text size="sm" c="dimmed">
            {t('common.expiresAt', { date: formatDateTime(expiresAt) })}
          </Text>
        ) : null}
        <Group justify="flex-end">
          <Button onClick={onClose}>{t('common.done')}</Button>
        </Group>
      </Stack>
    </Modal>
  );
}
