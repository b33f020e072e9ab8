import type { CustomField } from '@leadflow/shared/leads';
import type { Pipeline } from '@leadflow/shared/pipelines';
import { Alert, Button, Group, Modal, Select, Stack, Stepper, Text, TextInput } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconArrowLeft, IconArrowRight, IconDeviceFloppy, IconListCheck } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { currentLanguage } from '@/lib/i18n';
import { notifyError, notifySuccess } from '@/lib/notify';
import type { ImportWithColumns } from '../api/imports';
import { importQueryKey, useCreateImportTemplate, useDryRun, useImportTemplates } from '../api/imports';
import { useImportProgress } from '../hooks/use-import-progress';
import { applyTemplate, initialValues, toSettings, valuesProblems, type WizardValues } from '../utils/wizard';
import { DryRunView } from './dry-run-view';
import { MappingStep } from './mapping-step';
import { OptionsStep } from './options-step';
import { ImportReport, RunProgress } from './run-view';
import { UploadStep } from './upload-step';

export const WIZARD_STEPS = ['upload', 'mapping', 'options', 'check', 'import'] as const;
type Step = (typeof WIZARD_STEPS)[number];

function StepHeader({ step }: { step: Step }) {
  const { t } = useTranslation();
  const isPhone = useMediaQuery('(max-width: 36em)');
  const active = WIZARD_STEPS.indexOf(step);
  if (isPhone) {
    return (
      <Text fw={600} mb="md">
        {t('imports.wizard.stepOf', { n: active + 1, total: WIZARD_STEPS.length, name: t(`imports.wizard.steps.${step}`) })}
      </Text>
    );
  }
  return (
    <Stepper active={active} size="sm" mb="lg" allowNextStepsSelect={false}>
      {WIZARD_STEPS.map((s) => (
        <Stepper.Step key={s} label={t(`imports.wizard.steps.${s}`)} />
      ))}
    </Stepper>
  );
}

/** A new import: only the upload step, until the server has the file. */
export function NewImportWizard() {
  return (
    <>
      <StepHeader step="upload" />
      <UploadStep />
    </>
  );
}

function TemplatesBar({ values, onApply }: { values: WizardValues; onApply: (settings: Record<string, unknown>) => void }) {
  const { t } = useTranslation();
  const templates = useImportTemplates();
  const create = useCreateImportTemplate();
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  const list = templates.data?.templates ?? [];
  return (
    <Group gap="sm" align="flex-end" wrap="wrap">
      <Select
        label={t('imports.templates.apply')}
        placeholder={list.length ? t('imports.templates.choose') : t('imports.templates.none')}
        disabled={!list.length}
        data={list.map((tpl) => ({ value: tpl.id, label: tpl.name }))}
        value={null}
        onChange={(id) => {
          const tpl = list.find((x) => x.id === id);
          if (tpl) {
            onApply(tpl.settings);
            notifySuccess(t('imports.templates.applied', { name: tpl.name }));
          }
        }}
        style={{ flex: '1 1 14rem' }}
      />
      <Button variant="default" leftSection={<IconDeviceFloppy size={16} />} onClick={() => setNaming(true)}>
        {t('imports.templates.save')}
      </Button>
      <Modal opened={naming} onClose={() => setNaming(false)} title={t('imports.templates.saveTitle')} centered>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            create.mutate(
              { name: name.trim(), settings: toSettings(values) },
              {
                onSuccess: () => {
                  notifySuccess(t('imports.templates.saved'));
                  setNaming(false);
                  setName('');
                },
                onError: notifyError,
              },
            );
          }}
        >
          <Stack>
            <TextInput label={t('imports.templates.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus required />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setNaming(false)}>
                {t('common.cancel')}
              </Button>
              <Button type="submit" disabled={!name.trim()} loading={create.isPending}>
                {t('common.save')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </Group>
  );
}

type ImportWizardProps = { detail: ImportWithColumns; pipelines: readonly Pipeline[]; customFields: readonly CustomField[] };

/**
 * An uploaded import: the step follows its status (mapping and options until the dry run starts, the check while it
 * runs and after, progress while it imports, the report at the end). Going back from the check re-opens the mapping.
 */
export function ImportWizard({ detail, pipelines, customFields }: ImportWizardProps) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const dryRun = useDryRun();
  useImportProgress();
  const [values, setValues] = useState<WizardValues>(() =>
    initialValues(detail.columns, detail.settings, currentLanguage().startsWith('en') ? 'MDY' : 'DMY'),
  );
  const [editing, setEditing] = useState<'mapping' | 'options' | null>(detail.status === 'uploaded' ? 'mapping' : null);
  /** Columns the user chose a target for: a new suggestion does not overwrite them. */
  const [touched, setTouched] = useState<Set<string>>(() => new Set());

  const status = detail.status;
  const step: Step =
    editing && (status === 'uploaded' || status === 'validated') ? editing
    : status === 'uploaded' ? 'mapping'
    : status === 'validating' || status === 'validated' ? 'check'
    : 'import';

  const patch = (p: Partial<WizardValues>) => setValues((v) => ({ ...v, ...p }));
  const setTarget = (header: string, target: string | null) => {
    setTouched((s) => new Set(s).add(header));
    setValues((v) => ({ ...v, mapping: { ...v.mapping, [header]: target } }));
  };

  /** After a custom field is made on the spot, the server suggests again: untouched, unmapped columns take the new suggestion. */
  const onFieldCreated = async (header: string, field: CustomField) => {
    setTarget(header, `custom.${field.key}`);
    try {
      await queryClient.invalidateQueries({ queryKey: importQueryKey(detail.id) });
      const fresh = queryClient.getQueryData<ImportWithColumns>(importQueryKey(detail.id));
      if (!fresh) return;
      setValues((v) => {
        const mapping = { ...v.mapping };
        for (const c of fresh.columns) if (c.header !== header && !touched.has(c.header) && mapping[c.header] === null && c.suggested) mapping[c.header] = c.suggested;
        return { ...v, mapping };
      });
    } catch (error) {
      notifyError(error);
    }
  };

  const problems = valuesProblems(values);
  const startDryRun = () =>
    dryRun.mutate({ id: detail.id, settings: toSettings(values) }, { onSuccess: () => setEditing(null), onError: notifyError });

  return (
    <>
      <StepHeader step={step} />
      <Text size="sm" c="dimmed" mb="md" data-testid="import-file">
        {t('imports.wizard.file', { name: detail.fileName, count: detail.rowCount, formatted: detail.rowCount.toLocaleString() })}
        {detail.sheet ? ` · ${t('imports.wizard.sheet', { sheet: detail.sheet })}` : ''}
      </Text>

      {step === 'mapping' ? (
        <Stack gap="md">
          <TemplatesBar values={values} onApply={(settings) => setValues((v) => applyTemplate(v, settings))} />
          <MappingStep columns={detail.columns} customFields={customFields} mapping={values.mapping} onChange={setTarget} onFieldCreated={(h, f) => void onFieldCreated(h, f)} />
          {problems.includes('nothingMapped') ? <Alert color="yellow">{t('imports.problems.nothingMapped')}</Alert> : null}
          <Group>
            <Button
              rightSection={<IconArrowRight size={16} />}
              disabled={problems.includes('nothingMapped') || problems.includes('duplicateTarget')}
              onClick={() => setEditing('options')}
            >
              {t('imports.wizard.next')}
            </Button>
          </Group>
        </Stack>
      ) : null}

      {step === 'options' ? (
        <Stack gap="md">
          <OptionsStep values={values} onChange={patch} pipelines={pipelines} customFields={customFields} />
          {problems.length ? (
            <Alert color="yellow" data-testid="import-problems">
              {problems.map((p) => (
                <div key={p}>{t(`imports.problems.${p}`)}</div>
              ))}
            </Alert>
          ) : null}
          <Group gap="sm">
            <Button variant="default" leftSection={<IconArrowLeft size={16} />} onClick={() => setEditing('mapping')}>
              {t('imports.wizard.back')}
            </Button>
            <Button leftSection={<IconListCheck size={16} />} disabled={problems.length > 0} loading={dryRun.isPending} onClick={startDryRun}>
              {t('imports.wizard.dryRun')}
            </Button>
          </Group>
        </Stack>
      ) : null}

      {step === 'check' ? <DryRunView detail={detail} onBack={() => setEditing('mapping')} /> : null}

      {step === 'import' ? status === 'running' || status === 'queued' ? <RunProgress detail={detail} /> : <ImportReport detail={detail} /> : null}
    </>
  );
}
