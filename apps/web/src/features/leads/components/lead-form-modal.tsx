import { createLeadRequest, updateLeadRequest } from '@leadflow/shared/leads';
import {
  ActionIcon,
  Alert,
  Autocomplete,
  Button,
  Divider,
  Group,
  Modal,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  TagsInput,
  Text,
  TextInput,
} from '@mantine/core';
import type { FormErrors } from '@mantine/form';
import { useForm } from '@mantine/form';
import { useMediaQuery } from '@mantine/hooks';
import { IconAlertTriangle, IconPlus, IconTrash } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { TimeZoneSelect } from '@/components/time-zone-select';
import { ApiError } from '@/lib/api-client';
import { applyFormErrors, zodResolver } from '@/lib/form';
import { notifyError, notifySuccess } from '@/lib/notify';
import { useCreateLead } from '../api/create-lead';
import type { LeadDetail } from '../api/get-lead';
import { getLeadQueryOptions } from '../api/get-lead';
import { useUpdateLead } from '../api/update-lead';
import { findStage, stageOptions, useLeadReferences } from '../hooks/use-lead-references';
import { NONE_VALUE } from '../utils/filters';
import type { LeadFormValues } from '../utils/lead-form-values';
import { createLeadBody, isEmptyCustomValue, leadFormValues, updateLeadBody, withoutBlankRows } from '../utils/lead-form-values';
import { CountrySelect } from './country-select';
import { CustomFieldInput } from './custom-field-input';
import { LanguageSelect } from './language-select';

type LeadFormModalProps = {
  /** The lead to edit; without it a new lead is created. */
  lead?: LeadDetail;
  onClose: () => void;
  onSaved?: (lead: LeadDetail) => void;
};

function Section({ title }: { title: string }) {
  return <Divider label={title} labelPosition="left" mt="xs" styles={{ label: { fontWeight: 600, fontSize: 'var(--mantine-font-size-sm)' } }} />;
}

export function LeadFormModal({ lead, onClose, onSaved }: LeadFormModalProps) {
  const { t } = useTranslation();
  const references = useLeadReferences();
  const queryClient = useQueryClient();
  const isPhone = useMediaQuery('(max-width: 36em)');
  const createLead = useCreateLead();
  const updateLead = useUpdateLead();
  const [base, setBase] = useState<LeadDetail | null>(lead ?? null);
  const [conflict, setConflict] = useState(false);
  const [reloading, setReloading] = useState(false);
  const customFields = references.customFields;

  const schemaCheck = base
    ? zodResolver(updateLeadRequest, (values: LeadFormValues) => ({
        ...updateLeadBody(values, leadFormValues(base, customFields), customFields),
        version: base.version,
      }))
    : zodResolver(createLeadRequest, (values: LeadFormValues) => createLeadBody(values, customFields));

  const form = useForm<LeadFormValues>({
    initialValues: leadFormValues(base, customFields),
    validate: (values) => {
      const errors: FormErrors = schemaCheck(values);
      for (const field of customFields) {
        const value = values.custom[field.key];
        if (field.required && field.type !== 'boolean' && isEmptyCustomValue(value)) {
          errors[`custom.${field.key}`] = t('validation.required');
        }
      }
      return errors;
    },
  });
  const values = form.values;
  // The workspace's sources and events (Settings › Sources and events); the source stays free text.
  const activeSources = (references.sources ?? []).filter((s) => !s.archived);
  const chosenSource = activeSources.find((s) => s.name.toLowerCase() === values.source.trim().toLowerCase());
  const detailOptions = chosenSource?.subtypes ?? [];
  const eventOptions = (references.events ?? [])
    .filter((e) => !e.archived || e.id === values.eventId)
    .map((e) => ({ value: e.id, label: e.name }));

  const formRef = useRef<HTMLFormElement>(null);
  // Long forms scroll: bring the first field in error (or the conflict notice) into view.
  const revealProblem = () =>
    requestAnimationFrame(() => {
      const target = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"], [role="alert"]');
      target?.scrollIntoView({ block: 'center' });
      if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement) target.focus();
    });

  const onError = (error: unknown) => {
    if (error instanceof ApiError && error.code === 'CONFLICT' && error.field === 'version') setConflict(true);
    else applyFormErrors(form, error);
    revealProblem();
  };

  const save = (submitted: LeadFormValues) => {
    if (base) {
      const body = updateLeadRequest.parse({
        ...updateLeadBody(submitted, leadFormValues(base, customFields), customFields),
        version: base.version,
      });
      updateLead.mutate(
        { leadId: base.id, ...body },
        {
          onSuccess: (saved) => {
            notifySuccess(t('leads.form.saved'));
            onSaved?.(saved);
            onClose();
          },
          onError,
        },
      );
    } else {
      createLead.mutate(createLeadRequest.parse(createLeadBody(submitted, customFields)), {
        onSuccess: (created) => {
          notifySuccess(t('leads.form.created', { name: created.displayName }));
          onSaved?.(created);
          onClose();
        },
        onError,
      });
    }
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    form.setValues(withoutBlankRows(form.getValues()));
    if (form.validate().hasErrors) revealProblem();
    else save(form.getValues());
  };

  const reload = async () => {
    if (!base) return;
    setReloading(true);
    try {
      const fresh = await queryClient.fetchQuery({ ...getLeadQueryOptions(base.id), staleTime: 0 });
      setBase(fresh);
      const next = leadFormValues(fresh, customFields);
      form.setInitialValues(next);
      form.setValues(next);
      form.clearErrors();
      setConflict(false);
    } catch (error) {
      notifyError(error);
    } finally {
      setReloading(false);
    }
  };

  const owners = [
    { value: NONE_VALUE, label: t('leads.values.unassigned') },
    ...references.members.map((member) => ({ value: member.id, label: member.name })),
  ];
  if (base?.owner && !references.members.some((member) => member.id === base.owner?.id)) {
    owners.push({ value: base.owner.id, label: base.owner.name });
  }
  const stage = values.stageId ? findStage(references, values.stageId)?.stage : null;
  const showLostReason = stage?.kind === 'lost' || values.lostReason.trim() !== '';
  const pending = createLead.isPending || updateLead.isPending;

  return (
    <Modal
      opened
      onClose={onClose}
      title={base ? t('leads.form.editTitle', { name: base.displayName }) : t('leads.form.createTitle')}
      size="xl"
      fullScreen={isPhone}
    >
      <form ref={formRef} onSubmit={submit} noValidate>
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <TextInput label={t('leads.fields.firstName')} data-autofocus {...form.getInputProps('firstName')} />
            <TextInput label={t('leads.fields.lastName')} {...form.getInputProps('lastName')} />
            <TextInput label={t('leads.fields.company')} {...form.getInputProps('company')} />
          </SimpleGrid>

          <Section title={t('leads.form.contactSection')} />
          <Stack gap={6}>
            {values.phones.map((_, index) => (
              <Group key={index} gap={6} wrap="nowrap" align="flex-start">
                <TextInput
                  style={{ flex: 2, minWidth: 0 }}
                  type="tel"
                  label={index === 0 ? t('leads.fields.phone') : undefined}
                  aria-label={index === 0 ? undefined : t('leads.form.phoneNumber', { number: index + 1 })}
                  {...form.getInputProps(`phones.${index}.raw`)}
                />
                <TextInput
                  style={{ flex: 1, minWidth: 0 }}
                  label={index === 0 ? t('leads.form.phoneLabel') : undefined}
                  aria-label={index === 0 ? undefined : t('leads.form.phoneLabelNumber', { number: index + 1 })}
                  placeholder={t('leads.form.phoneLabelPlaceholder')}
                  {...form.getInputProps(`phones.${index}.label`)}
                />
                <ActionIcon
                  variant="subtle"
                  color="red"
                  size="lg"
                  mt={index === 0 ? 25 : 0}
                  aria-label={t('leads.form.removePhone', { number: index + 1 })}
                  onClick={() => form.removeListItem('phones', index)}
                >
                  <IconTrash size={16} />
                </ActionIcon>
              </Group>
            ))}
            <Group>
              <Button
                variant="subtle"
                size="compact-sm"
                leftSection={<IconPlus size={14} />}
                onClick={() => form.insertListItem('phones', { raw: '', label: '' })}
                disabled={values.phones.length >= 10}
              >
                {t('leads.form.addPhone')}
              </Button>
            </Group>
            {values.emails.map((_, index) => (
              <Group key={index} gap={6} wrap="nowrap" align="flex-start">
                <TextInput
                  style={{ flex: 1, minWidth: 0 }}
                  type="email"
                  label={index === 0 ? t('leads.fields.email') : undefined}
                  aria-label={index === 0 ? undefined : t('leads.form.emailNumber', { number: index + 1 })}
                  {...form.getInputProps(`emails.${index}`)}
                />
                <ActionIcon
                  variant="subtle"
                  color="red"
                  size="lg"
                  mt={index === 0 ? 25 : 0}
                  aria-label={t('leads.form.removeEmail', { number: index + 1 })}
                  onClick={() => form.removeListItem('emails', index)}
                >
                  <IconTrash size={16} />
                </ActionIcon>
              </Group>
            ))}
            <Group>
              <Button
                variant="subtle"
                size="compact-sm"
                leftSection={<IconPlus size={14} />}
                onClick={() => form.insertListItem('emails', '')}
                disabled={values.emails.length >= 10}
              >
                {t('leads.form.addEmail')}
              </Button>
            </Group>
          </Stack>

          <Section title={t('leads.form.originSection')} />
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <Autocomplete
              label={t('leads.fields.source')}
              data={activeSources.map((s) => s.name)}
              data-testid="lead-source-input"
              {...form.getInputProps('source')}
            />
            {detailOptions.length ? (
              <Autocomplete label={t('leads.fields.sourceDetail')} data={detailOptions} {...form.getInputProps('sourceDetail')} />
            ) : values.sourceDetail ? (
              <TextInput label={t('leads.fields.sourceDetail')} {...form.getInputProps('sourceDetail')} />
            ) : null}
            {eventOptions.length ? (
              <Select
                label={t('leads.fields.eventId')}
                data={eventOptions}
                clearable
                searchable
                placeholder={t('leadSource.noEvent')}
                {...form.getInputProps('eventId')}
              />
            ) : null}
            <TextInput label={t('leads.fields.campaign')} {...form.getInputProps('campaign')} />
          </SimpleGrid>

          <Section title={t('leads.form.locationSection')} />
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <TextInput label={t('leads.fields.city')} {...form.getInputProps('city')} />
            <TextInput label={t('leads.fields.state')} {...form.getInputProps('state')} />
            <CountrySelect label={t('leads.fields.country')} {...form.getInputProps('country')} />
            <TextInput label={t('leads.fields.zip')} {...form.getInputProps('zip')} />
            <TimeZoneSelect
              label={t('leads.fields.timeZone')}
              description={t('leads.form.timeZoneHint')}
              clearable
              allowDeselect
              {...form.getInputProps('timeZone')}
            />
            <LanguageSelect label={t('leads.fields.language')} {...form.getInputProps('language')} />
          </SimpleGrid>

          <Section title={t('leads.form.workSection')} />
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <Select
              label={t('leads.fields.ownerId')}
              placeholder={base ? undefined : t('leads.form.ownerDefault')}
              data={owners}
              searchable
              disabled={!references.can('leads.assign')}
              description={references.can('leads.assign') ? undefined : t('leads.form.ownerLocked')}
              {...form.getInputProps('ownerId')}
            />
            <Select
              label={t('leads.fields.stageId')}
              placeholder={base ? undefined : t('leads.form.stageDefault')}
              data={stageOptions(references)}
              searchable
              clearable
              {...form.getInputProps('stageId')}
            />
            <NumberInput label={t('leads.fields.score')} min={0} max={100} allowDecimal={false} {...form.getInputProps('score')} />
            <TextInput type="datetime-local" label={t('leads.fields.nextFollowUpAt')} {...form.getInputProps('nextFollowUpAt')} />
            {showLostReason ? <TextInput label={t('leads.fields.lostReason')} {...form.getInputProps('lostReason')} /> : null}
          </SimpleGrid>
          <TagsInput label={t('leads.fields.tags')} description={t('leads.form.tagsHint')} data={references.tags ?? []} clearable {...form.getInputProps('tags')} />

          {customFields.length > 0 ? (
            <>
              <Section title={t('leads.form.customSection')} />
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
                {customFields.map((field) => (
                  <CustomFieldInput
                    key={field.id}
                    field={field}
                    input={form.getInputProps(`custom.${field.key}`, { type: field.type === 'boolean' ? 'checkbox' : 'input' })}
                    members={references.members}
                    currency={references.currency}
                  />
                ))}
              </SimpleGrid>
            </>
          ) : null}

          {conflict ? (
            <Alert color="orange" icon={<IconAlertTriangle size={18} />} title={t('leads.form.conflictTitle')} role="alert">
              <Text size="sm">{t('leads.form.conflictMessage')}</Text>
              <Button mt="xs" size="xs" color="orange" loading={reloading} onClick={() => void reload()}>
                {t('leads.form.reload')}
              </Button>
            </Alert>
          ) : null}

          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={pending} disabled={conflict}>
              {base ? t('common.save') : t('leads.form.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
