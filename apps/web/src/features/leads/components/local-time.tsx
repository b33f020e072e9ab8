import { Group, Text } from '@mantine/core';
import { IconClock } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { currentLanguage } from '@/lib/i18n';

/** The current time, refreshed at the turn of every minute. */
function useNow(): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    let interval: ReturnType<typeof setInterval> | undefined;
    const timeout = setTimeout(() => {
      setNow(new Date());
      interval = setInterval(() => setNow(new Date()), 60_000);
    }, 60_000 - (Date.now() % 60_000));
    return () => {
      clearTimeout(timeout);
      if (interval) clearInterval(interval);
    };
  }, []);
  return now;
}

function formatInZone(date: Date, timeZone: string): string | null {
  try {
    return new Intl.DateTimeFormat(currentLanguage(), { timeZone, weekday: 'short', hour: 'numeric', minute: '2-digit' }).format(date);
  } catch {
    return null;
  }
}

/** "Local time: Tue 14:32 (America/Sao_Paulo)" — to know whether it is a good moment to call. */
export function LocalTime({ timeZone }: { timeZone: string | null }) {
  const { t } = useTranslation();
  const now = useNow();
  const time = timeZone ? formatInZone(now, timeZone) : null;
  return (
    <Group gap={4} wrap="nowrap" data-testid="lead-local-time">
      <IconClock size={14} aria-hidden />
      <Text size="sm" c="dimmed">
        {time && timeZone ? t('leads.detail.localTime', { time, timeZone }) : t('leads.detail.localTimeUnknown')}
      </Text>
    </Group>
  );
}
