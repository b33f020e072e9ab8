import { metaFormMappingInput } from '@leadflow/shared/capture';
import type { Pipeline } from '@leadflow/shared/pipelines';
import {
  ActionIcon,
  Box,
  Button,
  Code,
  Group,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  TagsInput,
  Text,
  TextInput,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlus, IconX } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmButton } from '@/components/confirm-button';
import { translateMessage } from '@/lib/errors';
import { formatDateTime } from '@/lib/format';
import { notifyError, notifySuccess } from '@/lib/notify';
import { useDeleteFormMapping } from '../api/delete-form-mapping';
import type { MetaFormMapping } from '../api/get-form-mappings';
import { usePutFormMapping } from '../api/put-form-mapping';
import { AUTOMATIC_FIELD_MAP, MAPPABLE_LEAD_FIELDS, STANDARD_QUESTIONS, fieldMapToSave, targetOf } from '../utils/automatic-mapping';
import { MetaSyncControls } from './meta-sync-controls';

export type FormQuestion = { key: string; label?: string | null; type?: string | null };
export type LeadForm = { id: string; name: string | null; status: string | null; questions?: FormQuestion[] };
export type MappableCustomField = { key: string; label: string };

/** Select values can't be empty: this one means "keep it as a form answer only". */
const ANSWER = '__answer__';
const DEFAULT_SOURCE = 'Facebook Lead Ads';
const MAX_QUESTION_LENGTH = 200;

type FormMappingEditorProps = {
  connectionId: string;
  form: LeadForm;
  mapping: MetaFormMapping | undefined;
  pipelines: Pipeline[];
  customFields: MappableCustomField[];
  /** A broken connection can't sync until it is repaired. */
  connectionBroken: boolean;
};

/** The questions to map: the form's own when Meta listed them, else Meta's standard ones and those already mapped. */
function initialQuestions(form: LeadForm, mapping: MetaFormMapping | undefined): string[] {
  if (form.questions?.length) return form.questions.map((q) => q.key);
  return [...new Set([...STANDARD_QUESTIONS, ...Object.keys(mapping?.fieldMap ?? {})])];
}

/** One lead form: each question → a lead field (standard or custom), and where its leads land. */
export function FormMappingEditor({ connectionId, form, mapping, pipelines, customFields, connectionBroken }: FormMappingEditorProps) {
  const { t } = useTranslation();
  const put = usePutFormMapping();
  const remove = useDeleteFormMapping();
  const [questions, setQuestions] = useState<string[]>(() => initialQuestions(form, mapping));
  const [added, setAdded] = useState<string[]>([]);
  const [choices, setChoices] = useState<Record<string, string>>(() =>
    Object.fromEntries(initialQuestions(form, mapping).map((q) => [q, targetOf(q, mapping?.fieldMap)])),
  );
  const [pipelineId, setPipelineId] = useState<string | null>(mapping?.pipelineId ?? null);
  const [stageId, setStageId] = useState<string | null>(mapping?.stageId ?? null);
  const [source, setSource] = useState(mapping?.source ?? '');
  const [tags, setTags] = useState<string[]>(mapping?.tags ?? []);
  const [newQuestion, setNewQuestion] = useState('');
  const [newQuestionError, setNewQuestionError] = useState<string | null>(null);

  const enabled = mapping?.enabled ?? true;

  /** Turns the form on or off at once, keeping its saved mapping (or the automatic one). */
  const setEnabled = (next: boolean) =>
    put.mutate(
      {
        connectionId,
        formId: form.id,
        body: {
          name: form.name,
          fieldMap: mapping?.fieldMap ?? {},
          pipelineId: mapping?.pipelineId ?? null,
          stageId: mapping?.stageId ?? null,
          source: mapping?.source ?? null,
          tags: mapping?.tags ?? [],
          enabled: next,
        },
      },
      {
        onSuccess: () =>
          notifySuccess(next ? t('integrations.mapping.enabledDone', { form: form.name ?? form.id }) : t('integrations.mapping.disabledDone', { form: form.name ?? form.id })),
        onError: notifyError,
      },
    );

  const labelOf = new Map((form.questions ?? []).map((q) => [q.key, q.label ?? null]));
  const pipeline = pipelines.find((p) => p.id === pipelineId);
  const targetData = [
    { group: t('integrations.mapping.keepGroup'), items: [{ value: ANSWER, label: t('integrations.mapping.keepAsAnswer') }] },
    {
      group: t('integrations.mapping.leadFields'),
      items: MAPPABLE_LEAD_FIELDS.map((field) => ({ value: field, label: t(`integrations.mapping.targets.${field}`) })),
    },
    ...(customFields.length
      ? [
          {
            group: t('integrations.mapping.customFields'),
            items: customFields.map((field) => ({ value: `custom.${field.key}`, label: field.label })),
          },
        ]
      : []),
  ];

  const addQuestion = () => {
    const key = newQuestion.trim();
    if (!key) return setNewQuestionError(t('validation.required'));
    if (key.length > MAX_QUESTION_LENGTH) return setNewQuestionError(t('validation.tooLong', { count: MAX_QUESTION_LENGTH }));
    if (questions.includes(key)) return setNewQuestionError(t('integrations.mapping.questionExists'));
    setQuestions((current) => [...current, key]);
    setAdded((current) => [...current, key]);
    setChoices((current) => ({ ...current, [key]: targetOf(key, mapping?.fieldMap) }));
    setNewQuestion('');
    setNewQuestionError(null);
  };

  const dropQuestion = (key: string) => {
    setQuestions((current) => current.filter((q) => q !== key));
    setAdded((current) => current.filter((q) => q !== key));
    setChoices(({ [key]: _dropped, ...rest }) => rest);
  };

  const save = () => {
    const body = {
      name: form.name,
      fieldMap: fieldMapToSave(Object.fromEntries(questions.map((q) => [q, choices[q] ?? '']))),
      pipelineId,
      stageId,
      source: source.trim() || null,
      tags,
      enabled,
    };
    const parsed = metaFormMappingInput.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      notifications.show({
        color: 'red',
        title: t('errors.title'),
        message: `${issue?.path.join('.') ?? ''}: ${(issue && translateMessage(issue.message)) ?? t('validation.invalid')}`,
      });
      return;
    }
    put.mutate(
      { connectionId, formId: form.id, body },
      { onSuccess: () => notifySuccess(t('integrations.mapping.saved', { form: form.name ?? form.id })), onError: notifyError },
    );
  };

  return (
    <Stack gap="sm" data-testid={`form-mapping-${form.id}`}>
      <Group justify="space-between" gap="sm" align="flex-start">
        <Switch
          label={t('integrations.mapping.enabled')}
          description={enabled ? t('integrations.mapping.enabledHelp') : t('integrations.mapping.disabledHelp')}
          checked={enabled}
          disabled={put.isPending}
          onChange={(event) => setEnabled(event.currentTarget.checked)}
        />
        <Text size="xs" c="dimmed" data-testid="form-last-sync">
          {t('integrations.mapping.lastSync', { date: formatDateTime(mapping?.lastSyncedAt) })}
        </Text>
      </Group>
      <MetaSyncControls connectionId={connectionId} formId={form.id} disabled={!enabled || connectionBroken} />
      <Text size="sm" c="dimmed">
        {form.questions?.length ? t('integrations.mapping.help') : t('integrations.mapping.helpNoQuestions')}
      </Text>
      <Stack gap={0} role="list" aria-label={t('integrations.mapping.questions')}>
        <Group gap="sm" pb={4} visibleFrom="xs" wrap="nowrap">
          <Text size="sm" fw={600} style={{ flex: '1 1 12rem' }}>
            {t('integrations.mapping.question')}
          </Text>
          <Text size="sm" fw={600} style={{ flex: '1 1 14rem' }}>
            {t('integrations.mapping.leadField')}
          </Text>
        </Group>
        {questions.map((question) => {
          const automatic = AUTOMATIC_FIELD_MAP[question];
          return (
            <Group
              key={question}
              role="listitem"
              gap="xs"
              py={6}
              wrap="wrap"
              style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}
            >
              <Box style={{ flex: '1 1 12rem', minWidth: 0 }}>
                {labelOf.get(question) ? (
                  <Text size="sm" fw={500}>
                    {labelOf.get(question)}
                  </Text>
                ) : null}
                <Code style={{ overflowWrap: 'anywhere' }}>{question}</Code>
                {automatic && choices[question] === automatic ? (
                  <Text size="xs" c="dimmed">
                    {t('integrations.mapping.automatic')}
                  </Text>
                ) : null}
              </Box>
              <Group gap={4} wrap="nowrap" style={{ flex: '1 1 14rem', minWidth: 0 }}>
                <Select
                  aria-label={t('integrations.mapping.targetFor', { question })}
                  data={targetData}
                  value={choices[question] || ANSWER}
                  onChange={(next) => setChoices((current) => ({ ...current, [question]: !next || next === ANSWER ? '' : next }))}
                  allowDeselect={false}
                  searchable
                  style={{ flex: 1, minWidth: 0 }}
                />
                {added.includes(question) ? (
                  <ActionIcon
                    variant="subtle"
                    color="gray"
                    aria-label={t('integrations.mapping.removeQuestion', { question })}
                    onClick={() => dropQuestion(question)}
                  >
                    <IconX size={14} />
                  </ActionIcon>
                ) : null}
              </Group>
            </Group>
          );
        })}
      </Stack>
      <Group gap="xs" align="flex-start">
        <TextInput
          label={t('integrations.mapping.addQuestion')}
          description={t('integrations.mapping.addQuestionHelp')}
          value={newQuestion}
          error={newQuestionError}
          onChange={(event) => {
            setNewQuestion(event.currentTarget.value);
            setNewQuestionError(null);
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter') {
              event.preventDefault();
              addQuestion();
            }
          }}
          style={{ flex: '1 1 14rem' }}
        />
        <Button variant="default" leftSection={<IconPlus size={16} />} mt={{ base: 0, xs: 46 }} onClick={addQuestion}>
          {t('integrations.mapping.add')}
        </Button>
      </Group>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        <Select
          label={t('leads.fields.pipelineId')}
          placeholder={t('integrations.mapping.defaultPipeline')}
          data={pipelines.map((p) => ({ value: p.id, label: p.name }))}
          value={pipelineId}
          onChange={(value) => {
            setPipelineId(value);
            setStageId(null);
          }}
          clearable
        />
        <Select
          label={t('leads.fields.stageId')}
          placeholder={t('integrations.mapping.firstStage')}
          data={(pipeline?.stages ?? []).map((s) => ({ value: s.id, label: s.name }))}
          value={stageId}
          onChange={setStageId}
          disabled={!pipeline}
          clearable
        />
        <TextInput
          label={t('leads.fields.source')}
          placeholder={DEFAULT_SOURCE}
          value={source}
          maxLength={100}
          onChange={(event) => setSource(event.currentTarget.value)}
        />
        <TagsInput label={t('leads.fields.tags')} value={tags} onChange={setTags} maxTags={50} clearable />
      </SimpleGrid>
      <Group justify="flex-end" gap="xs">
        {mapping ? (
          <ConfirmButton
            variant="subtle"
            color="gray"
            title={t('integrations.mapping.resetTitle')}
            message={t('integrations.mapping.resetMessage')}
            confirmLabel={t('integrations.mapping.reset')}
            loading={remove.isPending}
            onConfirm={() =>
              remove.mutate(
                { connectionId, formId: form.id },
                {
                  onSuccess: () => {
                    notifySuccess(t('integrations.mapping.resetDone'));
                    setChoices(Object.fromEntries(questions.map((q) => [q, targetOf(q, undefined)])));
                    setPipelineId(null);
                    setStageId(null);
                    setSource('');
                    setTags([]);
                  },
                  onError: notifyError,
                },
              )
            }
          >
            {t('integrations.mapping.reset')}
          </ConfirmButton>
        ) : null}
        <Button onClick={save} loading={put.isPending}>
          {t('integrations.mapping.save')}
        </Button>
      </Group>
    </Stack>
  );
}
