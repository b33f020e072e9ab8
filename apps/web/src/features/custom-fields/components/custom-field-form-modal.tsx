import type { CustomField, CustomFieldType } from '@leadflow/shared/leads';
import { createCustomFieldRequest, CUSTOM_FIELD_TYPES, updateCustomFieldRequest } from '@leadflow/shared/leads';
import {
  ActionIcon,
  Button,
  Group,
  Modal,
  Select,
  Stack,
  Switch,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMediaQuery } from '@mantine/hooks';
import { IconArrowDown, IconArrowUp, IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { applyFormErrors, zodResolver } from '@/lib/form';
import { notifySuccess } from '@/lib/notify';
import { useCreateCustomField } from '../api/create-custom-field';
import { useUpdateCustomField } from '../api/update-custom-field';
import { keyFromLabel, uniqueValue } from '../utils/field-key';

type OptionRow = { value: string; label: string; color?: string; saved: boolean };

type FieldValues = {
  label: string;
  key: string;
  type: CustomFieldType;
  required: boolean;
  helpText: string;
  options: OptionRow[];
};

const CHOICE_TYPES: readonly CustomFieldType[] = ['select', 'multi_select'];

function isFieldType(value: string | null): value is CustomFieldType {
  return value !== null && (CUSTOM_FIELD_TYPES as readonly string[]).includes(value);
}

/** New options get a value from their label; saved ones keep theirs, so leads that hold them still match. */
function optionsOf(values: FieldValues) {
  if (!CHOICE_TYPES.includes(values.type)) return [];
  const taken = new Set(values.options.filter((o) => o.saved).map((o) => o.value));
  return values.options.map((option) => {
    if (option.saved) return { value: option.value, label: option.label.trim(), ...(option.color ? { color: option.color } : {}) };
    const value = uniqueValue(keyFromLabel(option.label) || 'option', taken);
    taken.add(value);
    return { value, label: option.label.trim() };
  });
}

function toCreateRequest(values: FieldValues) {
  return {
    label: values.label.trim(),
    key: values.key.trim() || undefined,
    type: values.type,
    required: values.required,
    helpText: values.helpText.trim() || null,
    options: optionsOf(values),
  };
}

function toUpdateRequest(values: FieldValues) {
  return {
    label: values.label.trim(),
    required: values.required,
    helpText: values.helpText.trim() || null,
    options: optionsOf(values),
  };
}

type CustomFieldFormModalProps = {
  /** The field to edit; without it a new field is created. */
  field?: CustomField;
  /** Where a new field goes: after the last one. */
  nextPosition: number;
  onClose: () => void;
  /** Told of a new field once it is saved (e.g. the import wizard maps a column to it). */
  onCreated?: (created: CustomField) => void;
  /** The label a new field starts with. */
  initialLabel?: string;
};

export function CustomFieldFormModal({ field, nextPosition, onClose, onCreated, initialLabel }: CustomFieldFormModalProps) {
  const { t } = useTranslation();
  const isPhone = useMediaQuery('(max-width: 36em)');
  const createField = useCreateCustomField();
  const updateField = useUpdateCustomField();
  const [keyEdited, setKeyEdited] = useState(false);
  const schemaCheck = field ? zodResolver(updateCustomFieldRequest, toUpdateRequest) : zodResolver(createCustomFieldRequest, toCreateRequest);
  const form = useForm<FieldValues>({
    initialValues: {
      label: field?.label ?? initialLabel ?? '',
      key: field?.key ?? '',
      type: field?.type ?? 'text',
      required: field?.required ?? false,
      helpText: field?.helpText ?? '',
      options: (field?.options ?? []).map((option) => ({ ...option, saved: true })),
    },
    validate: (values) => {
      const errors = schemaCheck(values);
      if (CHOICE_TYPES.includes(values.type)) {
        if (values.options.length === 0) errors.options = t('customFields.form.optionsRequired');
        values.options.forEach((option, index) => {
          if (!option.label.trim()) errors[`options.${index}.label`] = t('validation.required');
        });
      }
      return errors;
    },
  });
  const values = form.values;
  const isChoice = CHOICE_TYPES.includes(values.type);

  const submit = form.onSubmit((submitted) => {
    const callbacks = {
      onSuccess: () => {
        notifySuccess(field ? t('customFields.form.saved') : t('customFields.form.created'));
        onClose();
      },
      onError: (error: unknown) => applyFormErrors(form, error),
    };
    if (field) updateField.mutate({ fieldId: field.id, ...toUpdateRequest(submitted) }, callbacks);
    else
      createField.mutate(
        { ...toCreateRequest(submitted), position: nextPosition },
        {
          ...callbacks,
          onSuccess: (created) => {
            onCreated?.(created);
            callbacks.onSuccess();
          },
        },
      );
  });

  const moveOption = (from: number, to: number) => {
    if (to < 0 || to >= values.options.length) return;
    form.reorderListItem('options', { from, to });
  };

  return (
    <Modal
      opened
      onClose={onClose}
      title={field ? t('customFields.form.editTitle', { label: field.label }) : t('customFields.form.createTitle')}
      size="lg"
      fullScreen={isPhone}
    >
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            label={t('customFields.form.label')}
            required
            data-autofocus
            {...form.getInputProps('label')}
            onChange={(event) => {
              const label = event.currentTarget.value;
              form.setFieldValue('label', label);
              if (!field && !keyEdited) form.setFieldValue('key', keyFromLabel(label));
            }}
          />
          <TextInput
            label={t('customFields.form.key')}
            description={field ? t('customFields.form.keyLocked') : t('customFields.form.keyHint')}
            disabled={Boolean(field)}
            {...form.getInputProps('key')}
            onChange={(event) => {
              setKeyEdited(true);
              form.setFieldValue('key', event.currentTarget.value);
            }}
          />
          <Select
            label={t('customFields.form.type')}
            description={field ? t('customFields.form.typeLocked') : undefined}
            disabled={Boolean(field)}
            allowDeselect={false}
            data={CUSTOM_FIELD_TYPES.map((type) => ({ value: type, label: t(`customFields.types.${type}`) }))}
            {...form.getInputProps('type')}
            onChange={(value) => {
              if (isFieldType(value)) form.setFieldValue('type', value);
            }}
          />
          <Switch label={t('customFields.form.required')} {...form.getInputProps('required', { type: 'checkbox' })} />
          <Textarea
            label={t('customFields.form.helpText')}
            description={t('customFields.form.helpTextHint')}
            autosize
            minRows={2}
            {...form.getInputProps('helpText')}
          />
          {isChoice ? (
            <Stack gap="xs">
              <Text size="sm" fw={500}>
                {t('customFields.form.options')}
              </Text>
              {values.options.map((option, index) => (
                <Group key={index} gap={6} wrap="nowrap" align="flex-start">
                  <TextInput
                    style={{ flex: 1 }}
                    aria-label={t('customFields.form.optionLabel', { number: index + 1 })}
                    placeholder={t('customFields.form.optionPlaceholder')}
                    {...form.getInputProps(`options.${index}.label`)}
                  />
                  <ActionIcon
                    variant="default"
                    size="lg"
                    aria-label={t('customFields.form.moveOptionUp', { number: index + 1 })}
                    disabled={index === 0}
                    onClick={() => moveOption(index, index - 1)}
                  >
                    <IconArrowUp size={16} />
                  </ActionIcon>
                  <ActionIcon
                    variant="default"
                    size="lg"
                    aria-label={t('customFields.form.moveOptionDown', { number: index + 1 })}
                    disabled={index === values.options.length - 1}
                    onClick={() => moveOption(index, index + 1)}
                  >
                    <IconArrowDown size={16} />
                  </ActionIcon>
                  <ActionIcon
                    variant="light"
                    color="red"
                    size="lg"
                    aria-label={t('customFields.form.removeOption', { number: index + 1 })}
                    onClick={() => form.removeListItem('options', index)}
                  >
                    <IconTrash size={16} />
                  </ActionIcon>
                </Group>
              ))}
              {form.errors.options ? (
                <Text size="xs" c="red" role="alert">
                  {form.errors.options}
                </Text>
              ) : null}
              <Group>
                <Button
                  variant="light"
                  size="compact-sm"
                  leftSection={<IconPlus size={14} />}
                  onClick={() => form.insertListItem('options', { value: '', label: '', saved: false })}
                >
                  {t('customFields.form.addOption')}
                </Button>
              </Group>
            </Stack>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={createField.isPending || updateField.isPending}>
              {field ? t('common.save') : t('customFields.form.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
