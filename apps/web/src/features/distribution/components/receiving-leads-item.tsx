import { Menu, Switch } from '@mantine/core';
import { IconPlayerPause } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { notifyError, notifySuccess } from '@/lib/notify';
import { useAvailability, useUpdateAvailability } from '../api/distribution';

/** The signed-in user's own availability (everyone may read and pause themself). */
export function useMyAvailability(userId: string) {
  const availability = useAvailability();
  return availability.data?.agents.find((agent) => agent.userId === userId) ?? null;
}

/** "Receiving leads" in the user menu: an agent pauses new leads (a break, the end of the day) and resumes. */
export function ReceivingLeadsItem({ userId }: { userId: string }) {
  const { t } = useTranslation();
  const mine = useMyAvailability(userId);
  const update = useUpdateAvailability();
  if (!mine) return null;
  const receiving = !mine.paused;
  const toggle = () =>
    update.mutate(
      { userId, paused: receiving },
      {
        onSuccess: (saved) => notifySuccess(saved.paused ? t('distribution.pausedNotice') : t('distribution.resumedNotice')),
        onError: notifyError,
      },
    );
  return (
    <Menu.Item
      closeMenuOnClick={false}
      leftSection={<IconPlayerPause size={16} />}
      rightSection={<Switch size="xs" checked={receiving} readOnly tabIndex={-1} aria-hidden style={{ pointerEvents: 'none' }} />}
      onClick={toggle}
      disabled={update.isPending}
      role="menuitemcheckbox"
      aria-checked={receiving}
      data-testid="receiving-leads"
    >
      {t('distribution.receivingLeads')}
    </Menu.Item>
  );
}
