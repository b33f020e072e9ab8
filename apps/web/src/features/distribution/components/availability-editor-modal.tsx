import { availabilityPatch } from '@leadflow/shared/distribution';
import { ActionIcon, Button, Checkbox, Group, Input, Modal, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMediaQuery } from '@mantine/hooks';
import { IconPlus, IconX } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { applyFormErrors, zodResolver } from '@/lib/form';
import { notifySuccess } from '@/lib/notify';
import type { AgentAvailability } from '../api/distribution';
import { useUpdateAvailability } from '../api/distribution';
import { nextRange } from '../utils/hours';
import { weekdayName } from '../utils/labels';

const DAYS = ['1', '2', '3', '4', '5', '6', '7'] as const;
type Day = (typeof DAYS)[number];
type Range = { start: string; end: string };

type Values = {
  anyTime: boolean;
  workingHours: Record<Day, Range[]>;
  outOfOffice: { from: string; to: string }[];
};

const OFFICE_HOURS: Range = { start: '09:00', end: '18:00' };

function toValues(agent: AgentAvailability): Values {
  const hours = agent.workingHours;
  const workingHours = Object.fromEntries(
    DAYS.map((day) => [day, hours ? (hours[day] ?? []).map((r) => ({ ...r })) : Number(day) <= 5 ? [{ ...OFFICE_HOURS }] : []]),
  ) as Record<Day, Range[]>;
  return { anyTime: hours === null, workingHours, outOfOffice: agent.outOfOffice.map((o) => ({ ...o })) };
}

function toRequest(values: Values) {
  return {
    workingHours: values.anyTime ? null : values.workingHours,
    outOfOffice: values.outOfOffice,
  };
}

type AvailabilityEditorModalProps = { agent: AgentAvailability; onClose: () => void };

/** A manager sets an agent's working hours per weekday (in the workspace time zone) and out-of-office days. */
export function AvailabilityEditorModal({ agent, onClose }: AvailabilityEditorModalProps) {
  const { t } = useTranslation();
  const phone = useMediaQuery('(max-width: 36em)');
  const update = useUpdateAvailability();
  const form = useForm<Values>({
    initialValues: toValues(agent),
    validate: (values) => {
      const errors = zodResolver<Values>(availabilityPatch, toRequest)(values);
      if (!values.anyTime) {
        for (const day of DAYS) {
          values.workingHours[day].forEach((r, i) => {
            if (r.start && r.end && r.end <= r.start) errors[`workingHours.${day}.${i}.end`] = t('distribution.availability.endBeforeStart');
          });
        }
      }
      values.outOfOffice.forEach((o, i) => {
        if (o.from && o.to && o.to < o.from) errors[`outOfOffice.${i}.to`] = t('distribution.availability.lastDayBeforeFirst');
      });
      return errors;
    },
  });
  const values = form.values;

  const submit = form.onSubmit((v) =>
    update.mutate(
      { userId: agent.userId, ...toRequest(v) },
      {
        onSuccess: () => {
          notifySuccess(t('distribution.availability.saved', { name: agent.name }));
          onClose();
        },
        onError: (error) => applyFormErrors(form, error),
      },
    ),
  );

  return (
    <Modal opened onClose={onClose} title={t('distribution.availability.editTitle', { name: agent.name })} size="lg" fullScreen={phone} centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          <Input.Wrapper label={t('distribution.availability.workingHours')} description={t('distribution.availability.workingHoursHint')}>
            <SegmentedControl
              mt={6}
              fullWidth
              value={values.anyTime ? 'any' : 'set'}
              onChange={(next) => form.setFieldValue('anyTime', next === 'any')}
              data={[
                { value: 'any', label: t('distribution.availability.anyTime') },
                { value: 'set', label: t('distribution.availability.setHours') },
              ]}
            />
          </Input.Wrapper>
          {!values.anyTime ? (
            <Stack gap={6} data-testid="working-hours">
              {DAYS.map((day) => {
                const ranges = values.workingHours[day];
                const name = weekdayName(Number(day));
                return (
                  <Group key={day} align="flex-start" gap="xs" wrap="nowrap">
                    <Checkbox
                      w={120}
                      mt={8}
                      label={name}
                      checked={ranges.length > 0}
                      onChange={(event) => form.setFieldValue(`workingHours.${day}`, event.currentTarget.checked ? [{ ...OFFICE_HOURS }] : [])}
                    />
                    <Stack gap={4} style={{ flex: 1, minWidth: 0 }}>
                      {ranges.length === 0 ? (
                        <Text size="sm" c="dimmed" mt={8}>
                          {t('distribution.availability.dayOff')}
                        </Text>
                      ) : null}
                      {ranges.map((_, index) => (
                        <Group key={index} gap={4} wrap="nowrap" align="flex-start">
                          <TextInput
                            type="time"
                            size="xs"
                            aria-label={t('distribution.availability.from', { day: name })}
                            style={{ flex: 1, minWidth: 0 }}
                            {...form.getInputProps(`workingHours.${day}.${index}.start`)}
                          />
                          <TextInput
                            type="time"
                            size="xs"
                            aria-label={t('distribution.availability.until', { day: name })}
                            style={{ flex: 1, minWidth: 0 }}
                            {...form.getInputProps(`workingHours.${day}.${index}.end`)}
                          />
                          <ActionIcon
                            variant="subtle"
                            color="gray"
                            mt={2}
                            aria-label={t('distribution.availability.removeRange', { day: name })}
                            onClick={() => form.removeListItem(`workingHours.${day}`, index)}
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
                          onClick={() => form.insertListItem(`workingHours.${day}`, nextRange(ranges))}
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
          <Input.Wrapper label={t('distribution.availability.outOfOffice')} description={t('distribution.availability.outOfOfficeHint')}>
            <Stack gap={6} mt={6} data-testid="out-of-office">
              {values.outOfOffice.map((_, index) => (
                <Group key={index} gap={4} wrap="nowrap" align="flex-start">
                  <TextInput type="date" size="xs" aria-label={t('distribution.availability.firstDay')} style={{ flex: 1, minWidth: 0 }} {...form.getInputProps(`outOfOffice.${index}.from`)} />
                  <TextInput type="date" size="xs" aria-label={t('distribution.availability.lastDay')} style={{ flex: 1, minWidth: 0 }} {...form.getInputProps(`outOfOffice.${index}.to`)} />
                  <ActionIcon variant="subtle" color="gray" mt={2} aria-label={t('distribution.availability.removeAbsence')} onClick={() => form.removeListItem('outOfOffice', index)}>
                    <IconX size={14} />
                  </ActionIcon>
                </Group>
              ))}
              <Button
                variant="default"
                size="compact-sm"
                leftSection={<IconPlus size={14} />}
                style={{ alignSelf: 'flex-start' }}
                onClick={() => form.insertListItem('outOfOffice', { from: '', to: '' })}
              >
                {t('distribution.availability.addAbsence')}
              </Button>
            </Stack>
          </Input.Wrapper>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={update.isPending}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
