import { ActionIcon, Button, Checkbox, Group, Input, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { IconPlus, IconX } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { nextRange } from '../utils/hours';
import { weekdayName } from '../utils/labels';
import type { GroupHours } from '../utils/rule-form';
import { HOUR_DAYS, OFFICE_HOURS } from '../utils/rule-form';

type GroupHoursEditorProps = {
  /** null = any time. */
  value: GroupHours | null;
  onChange: (next: GroupHours | null) => void;
  /** Errors by path under workingHours: `<day>.<i>.end`. */
  errors: Record<string, string>;
};

/** The group's working hours per weekday (workspace time zone): outside them the rule's fallback applies. */
export function GroupHoursEditor({ value, onChange, errors }: GroupHoursEditorProps) {
  const { t } = useTranslation();
  const setDay = (day: (typeof HOUR_DAYS)[number], ranges: { start: string; end: string }[]) => {
    if (value) onChange({ ...value, [day]: ranges });
  };
  return (
    <Input.Wrapper label={t('distribution.editor.groupHours')} description={t('distribution.editor.groupHoursHint')}>
      <SegmentedControl
        mt={6}
        fullWidth
        value={value ? 'set' : 'any'}
        onChange={(next) =>
          onChange(next === 'any' ? null : (Object.fromEntries(HOUR_DAYS.map((d) => [d, Number(d) <= 5 ? [{ ...OFFICE_HOURS }] : []])) as GroupHours))
        }
        data={[
          { value: 'any', label: t('distribution.availability.anyTime') },
          { value: 'set', label: t('distribution.availability.setHours') },
        ]}
      />
      {value ? (
        <Stack gap={6} mt="xs" data-testid="group-hours">
          {HOUR_DAYS.map((day) => {
            const ranges = value[day];
            const name = weekdayName(Number(day));
            return (
              <Group key={day} align="flex-start" gap="xs" wrap="nowrap">
                <Checkbox w={120} mt={8} label={name} checked={ranges.length > 0} onChange={(event) => setDay(day, event.currentTarget.checked ? [{ ...OFFICE_HOURS }] : [])} />
                <Stack gap={4} style={{ flex: 1, minWidth: 0 }}>
                  {ranges.length === 0 ? (
                    <Text size="sm" c="dimmed" mt={8}>
                      {t('distribution.availability.dayOff')}
                    </Text>
                  ) : null}
                  {ranges.map((range, index) => (
                    <Group key={index} gap={4} wrap="nowrap" align="flex-start">
                      {(['start', 'end'] as const).map((part) => (
                        <TextInput
                          key={part}
                          type="time"
                          size="xs"
                          aria-label={t(part === 'start' ? 'distribution.availability.from' : 'distribution.availability.until', { day: name })}
                          style={{ flex: 1, minWidth: 0 }}
                          value={range[part]}
                          error={errors[`${day}.${index}.${part}`]}
                          onChange={(event) => {
                            const text = event.currentTarget.value;
                            setDay(day, ranges.map((r, i) => (i === index ? { ...r, [part]: text } : r)));
                          }}
                        />
                      ))}
                      <ActionIcon
                        variant="subtle"
                        color="gray"
                        mt={2}
                        aria-label={t('distribution.availability.removeRange', { day: name })}
                        onClick={() => setDay(day, ranges.filter((_, i) => i !== index))}
                      >
                        <IconX size={14} />
                      </ActionIcon>
                    </Group>
                  ))}
                  {ranges.length > 0 && ranges.length < 6 ? (
                    <Button
                      variant="subtle"
                      size="compact-xs"
                      leftSection={<IconPlus size={12} />}
                      style={{ alignSelf: 'flex-start' }}
                      onClick={() => setDay(day, [...ranges, nextRange(ranges)])}
                    >
                      {t('distribution.availability.addRange')}
                    </Button>
                  ) : null}
                </Stack>
              </Group>
            );
          })}
        </Stack>
      ) : null}
    </Input.Wrapper>
  );
}
