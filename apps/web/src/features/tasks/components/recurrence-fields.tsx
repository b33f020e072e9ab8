import { RECURRENCE_FREQUENCIES, RECURRENCE_UNITS } from '@leadflow/shared/tasks';
import { Chip, Group, NumberInput, Select, Stack, Text, TextInput } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { currentLanguage } from '@/lib/i18n';
import type { TaskItem } from '../api/tasks';
import type { RecurrenceValues } from '../utils/recurrence';

export { NO_RECURRENCE, recurrenceRule, recurrenceValues, type RecurrenceValues } from '../utils/recurrence';

function weekdayNames(language: string): string[] {
  const format = new Intl.DateTimeFormat(language, { weekday: 'short', timeZone: 'UTC' });
  // 2026-01-04 was a Sunday.
  return Array.from({ length: 7 }, (_, i) => format.format(new Date(Date.UTC(2026, 0, 4 + i, 12))));
}

/** "Every 2 weeks on Mon, Thu · until 2027-03-31". */
export function recurrenceSummary(r: NonNullable<TaskItem['recurrence']>, t: TFunction, language: string): string {
  const parts = [r.frequency === 'custom' ? t('tasks.recurrence.everyN', { count: r.interval, unit: t(`tasks.recurrence.units.${r.unit}`, { count: r.interval }) }) : t(`tasks.recurrence.${r.frequency}`)];
  if (r.unit === 'week' && r.weekdays?.length) {
    const names = weekdayNames(language);
    parts.push(t('tasks.recurrence.onWeekdays', { days: r.weekdays.map((d) => names[d]).join(', ') }));
  }
  if (r.unit === 'month' && r.monthDay) parts.push(t('tasks.recurrence.onMonthDay', { day: r.monthDay }));
  if (r.until) parts.push(t('tasks.recurrence.untilDate', { date: r.until }));
  if (r.count) parts.push(t('tasks.recurrence.times', { count: r.count }));
  return parts.join(' · ');
}

/** Repeats: none / daily / weekly (on weekdays) / monthly / custom (every N days, weeks, months); ends never, on a date, or after N. */
export function RecurrenceFields<V extends { recurrence: RecurrenceValues }>({ form }: { form: UseFormReturnType<V> }) {
  const { t } = useTranslation();
  const r = (form.values as { recurrence: RecurrenceValues }).recurrence;
  const input = (path: keyof RecurrenceValues) => form.getInputProps(`recurrence.${path}` as never);
  const err = (path: string) => (form.errors as Record<string, string | undefined>)[`recurrence.${path}`];
  const names = weekdayNames(currentLanguage());
  const weekly = r.repeat === 'weekly' || (r.repeat === 'custom' && r.unit === 'week');
  return (
    <Stack gap="xs">
      <Select
        label={t('tasks.recurrence.label')}
        allowDeselect={false}
        data={(['none', ...RECURRENCE_FREQUENCIES] as const).map((v) => ({ value: v, label: t(`tasks.recurrence.${v}`) }))}
        {...input('repeat')}
        error={err('frequency') ?? err('repeat')}
      />
      {r.repeat === 'custom' ? (
        <Group grow gap="xs" align="flex-start">
          <NumberInput label={t('tasks.recurrence.every')} min={1} max={365} allowDecimal={false} {...input('interval')} error={err('interval')} />
          <Select label={t('tasks.recurrence.unit')} allowDeselect={false} data={RECURRENCE_UNITS.map((u) => ({ value: u, label: t(`tasks.recurrence.units.${u}`, { count: r.interval }) }))} {...input('unit')} error={err('unit')} />
        </Group>
      ) : null}
      {weekly ? (
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            {t('tasks.recurrence.weekdays')}
          </Text>
          <Chip.Group multiple value={r.weekdays} onChange={(v) => form.setFieldValue('recurrence.weekdays' as never, v as never)}>
            <Group gap={4}>
              {names.map((name, i) => (
                <Chip key={i} value={String(i)} size="xs">
                  {name}
                </Chip>
              ))}
            </Group>
          </Chip.Group>
          {err('weekdays') ? (
            <Text size="xs" c="red">
              {err('weekdays')}
            </Text>
          ) : null}
        </Stack>
      ) : null}
      {r.repeat !== 'none' ? (
        <Group grow gap="xs" align="flex-start">
          <Select
            label={t('tasks.recurrence.ends')}
            allowDeselect={false}
            data={(['never', 'until', 'count'] as const).map((v) => ({ value: v, label: t(`tasks.recurrence.endsOptions.${v}`) }))}
            {...input('ends')}
          />
          {r.ends === 'until' ? <TextInput type="date" label={t('tasks.recurrence.untilLabel')} {...input('until')} error={err('until')} /> : null}
          {r.ends === 'count' ? <NumberInput label={t('tasks.recurrence.countLabel')} min={2} max={1000} allowDecimal={false} {...input('count')} error={err('count')} /> : null}
        </Group>
      ) : null}
    </Stack>
  );
}
