import type { Pipeline } from '@leadflow/shared/pipelines';
import type { WebForm } from '@leadflow/shared/web-forms';
import {
  Button,
  Divider,
  Grid,
  Group,
  Modal,
  NumberInput,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  TagsInput,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMediaQuery } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '@/lib/api-client';
import { applyFormErrors } from '@/lib/form';
import { notifySuccess } from '@/lib/notify';
import { useCreateWebForm } from '../api/create-web-form';
import { useUpdateWebForm } from '../api/update-web-form';
import type { AfterSubmit, OfferedCustomField, WebFormValues } from '../utils/form-values';
import { initialValues, toRequest, translateWebFormMessage, validateWebForm } from '../utils/form-values';
import { WebFormFieldsEditor } from './web-form-fields-editor';
import { WebFormPreview } from './web-form-preview';

type Props = {
  /** The form to edit; without it a new one is built. */
  webForm?: WebForm;
  pipelines: Pipeline[];
  customFields: OfferedCustomField[];
  onClose: () => void;
  /** After a new form is saved: the page shows its code. */
  onCreated: (form: WebForm) => void;
};

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Stack gap="xs">
      <Title order={5}>{title}</Title>
      {children}
    </Stack>
  );
}

/** The form builder: settings on one side, a live preview on the other (below it on a phone). */
export function WebFormEditorModal({ webForm, pipelines, customFields, onClose, onCreated }: Props) {
  const { t } = useTranslation();
  const isPhone = useMediaQuery('(max-width: 36em)');
  const createForm = useCreateWebForm();
  const updateForm = useUpdateWebForm();
  const form = useForm<WebFormValues>({
    initialValues: initialValues(t, webForm),
    validate: (values) => validateWebForm(values, t),
  });
  const values = form.values;

  const stageOptions = pipelines.map((p) => ({
    group: p.name,
    items: p.stages.filter((s) => s.kind === 'open').map((s) => ({ value: s.id, label: pipelines.length > 1 ? `${p.name} › ${s.name}` : s.name })),
  }));

  const onError = (error: unknown) => {
    // The server's web form messages get the same translations as the browser's checks.
    if (error instanceof ApiError && error.field) {
      const translated = translateWebFormMessage(error.message, t);
      if (translated) {
        form.setFieldError(error.field, translated);
        return;
      }
    }
    applyFormErrors(form, error);
  };

  const submit = form.onSubmit((submitted) => {
    const body = toRequest(submitted);
    if (webForm) {
      updateForm.mutate(
        { formId: webForm.id, ...body },
        {
          onSuccess: () => {
            notifySuccess(t('webForms.editor.saved'));
            onClose();
          },
          onError,
        },
      );
    } else {
      createForm.mutate(body, {
        onSuccess: (created) => {
          notifySuccess(t('webForms.editor.created'));
          onCreated(created);
        },
        onError,
      });
    }
  });

  return (
    <Modal
      opened
      onClose={onClose}
      title={webForm ? t('webForms.editor.editTitle', { name: webForm.name }) : t('webForms.editor.createTitle')}
      size="min(1200px, 96vw)"
      fullScreen={isPhone}
    >
      <form onSubmit={submit} noValidate>
        <Grid gap="lg">
          <Grid.Col span={{ base: 12, md: 7 }}>
            <Stack gap="lg">
              <Section title={t('webForms.editor.basics')}>
                <TextInput label={t('webForms.editor.name')} description={t('webForms.editor.nameHint')} required data-autofocus {...form.getInputProps('name')} />
                <TextInput label={t('webForms.editor.title')} description={t('webForms.editor.titleHint')} {...form.getInputProps('title')} />
                <Textarea label={t('webForms.editor.intro')} autosize minRows={2} {...form.getInputProps('intro')} />
              </Section>

              <Section title={t('webForms.editor.fields')}>
                <WebFormFieldsEditor form={form} customFields={customFields} />
              </Section>

              <Section title={t('webForms.editor.consentAndButton')}>
                <Textarea label={t('webForms.editor.consentText')} description={t('webForms.editor.consentHint')} autosize minRows={2} {...form.getInputProps('consentText')} />
                <TextInput label={t('webForms.editor.submitLabel')} placeholder={t('webForms.editor.submitDefault')} {...form.getInputProps('submitLabel')} />
              </Section>

              <Section title={t('webForms.editor.afterSubmit')}>
                <SegmentedControl
                  aria-label={t('webForms.editor.afterSubmit')}
                  data={[
                    { value: 'message', label: t('webForms.editor.showMessage') },
                    { value: 'redirect', label: t('webForms.editor.goToPage') },
                  ]}
                  value={values.afterSubmit}
                  onChange={(value) => form.setFieldValue('afterSubmit', value as AfterSubmit)}
                />
                {values.afterSubmit === 'message' ? (
                  <Textarea label={t('webForms.editor.successMessage')} placeholder={t('webForms.editor.successDefault')} autosize minRows={2} {...form.getInputProps('successMessage')} />
                ) : (
                  <TextInput label={t('webForms.editor.redirectUrl')} placeholder="https://www.example.com/thank-you" required {...form.getInputProps('redirectUrl')} />
                )}
              </Section>

              <Section title={t('webForms.editor.leads')}>
                <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
                  <TextInput label={t('webForms.editor.source')} {...form.getInputProps('source')} />
                  <TextInput label={t('webForms.editor.campaign')} description={t('webForms.editor.campaignHint')} {...form.getInputProps('campaign')} />
                </SimpleGrid>
                <TagsInput label={t('webForms.editor.tags')} clearable {...form.getInputProps('tags')} />
                <Select
                  label={t('webForms.editor.stage')}
                  placeholder={t('webForms.editor.stageDefault')}
                  data={stageOptions}
                  clearable
                  {...form.getInputProps('stageId')}
                />
              </Section>

              <Section title={t('webForms.editor.protection')}>
                <Switch label={t('webForms.editor.active')} description={t('webForms.editor.activeHint')} {...form.getInputProps('active', { type: 'checkbox' })} />
                <NumberInput
                  label={t('webForms.editor.minSeconds')}
                  description={t('webForms.editor.minSecondsHint')}
                  min={0}
                  max={600}
                  allowDecimal={false}
                  {...form.getInputProps('minSecondsToSubmit')}
                />
                <TagsInput
                  label={t('webForms.editor.allowedOrigins')}
                  description={t('webForms.editor.allowedOriginsHint')}
                  placeholder="https://www.example.com"
                  clearable
                  {...form.getInputProps('allowedOrigins')}
                />
                <Text size="xs" c="dimmed">
                  {t('webForms.editor.honeypotNote')}
                </Text>
              </Section>
            </Stack>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 5 }}>
            <div style={{ position: 'sticky', top: 0 }}>
              <WebFormPreview values={values} customFields={customFields} />
            </div>
          </Grid.Col>
        </Grid>
        <Divider my="md" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={createForm.isPending || updateForm.isPending}>
            {webForm ? t('common.save') : t('webForms.editor.create')}
          </Button>
        </Group>
      </form>
    </Modal>
  );
}
