import type { Pipeline } from '@leadflow/shared/pipelines';
import type { WebForm } from '@leadflow/shared/web-forms';
import { Anchor, Button, Group, Stack, Switch, Table, Text } from '@mantine/core';
import { IconCode, IconExternalLink, IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmButton } from '@/components/confirm-button';
import { LoadingScreen } from '@/components/loading-screen';
import { QueryError } from '@/components/query-error';
import { formatDateTime } from '@/lib/format';
import { notifyError, notifySuccess } from '@/lib/notify';
import { useDeleteWebForm } from '../api/delete-web-form';
import { useWebForms } from '../api/get-web-forms';
import { useUpdateWebForm } from '../api/update-web-form';
import { useWebFormsLiveUpdates } from '../hooks/use-web-forms-live-updates';
import type { OfferedCustomField } from '../utils/form-values';
import { WebFormCodeModal } from './web-form-code-modal';
import { WebFormEditorModal } from './web-form-editor-modal';
import { WebFormSubmissionsDrawer } from './web-form-submissions-drawer';

type Props = { pipelines: Pipeline[]; customFields: OfferedCustomField[] };

type Open = { kind: 'edit'; form?: WebForm } | { kind: 'code'; form: WebForm } | { kind: 'submissions'; form: WebForm } | null;

/** Settings › Web forms: every form with its state and counts, and the builder, code and submissions of each. */
export function WebFormsSettings({ pipelines, customFields }: Props) {
  const { t } = useTranslation();
  const forms = useWebForms();
  const updateForm = useUpdateWebForm();
  const deleteForm = useDeleteWebForm();
  const [open, setOpen] = useState<Open>(null);
  useWebFormsLiveUpdates();

  if (forms.isPending) return <LoadingScreen />;
  if (forms.isError) return <QueryError error={forms.error} onRetry={() => void forms.refetch()} />;
  const list = forms.data.webForms;

  const toggle = (form: WebForm, active: boolean) =>
    updateForm.mutate(
      { formId: form.id, active },
      {
        onSuccess: () => notifySuccess(active ? t('webForms.list.turnedOn', { name: form.name }) : t('webForms.list.turnedOff', { name: form.name })),
        onError: notifyError,
      },
    );

  return (
    <Stack>
      <Group justify="flex-end">
        <Button leftSection={<IconPlus size={16} />} onClick={() => setOpen({ kind: 'edit' })}>
          {t('webForms.list.new')}
        </Button>
      </Group>
      {list.length === 0 ? (
        <Text c="dimmed">{t('webForms.list.empty')}</Text>
      ) : (
        <Table.ScrollContainer minWidth={720}>
          <Table verticalSpacing="sm" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('webForms.list.name')}</Table.Th>
                <Table.Th>{t('webForms.list.accepting')}</Table.Th>
                <Table.Th>{t('webForms.list.submissions')}</Table.Th>
                <Table.Th>{t('common.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((form) => (
                <Table.Tr key={form.id} data-testid={`web-form-row-${form.name}`}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {form.name}
                    </Text>
                    <Anchor href={form.hostedUrl} target="_blank" rel="noopener" size="xs">
                      <Group gap={4} wrap="nowrap">
                        {t('webForms.list.hostedPage')}
                        <IconExternalLink size={12} aria-hidden />
                      </Group>
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <Switch
                      checked={form.active}
                      onChange={(event) => toggle(form, event.currentTarget.checked)}
                      aria-label={t('webForms.list.acceptingOf', { name: form.name })}
                      label={form.active ? t('webForms.list.on') : t('webForms.list.off')}
                      disabled={updateForm.isPending && updateForm.variables?.formId === form.id}
                    />
                  </Table.Td>
                  <Table.Td>
                    <Button
                      size="compact-sm"
                      variant="subtle"
                      onClick={() => setOpen({ kind: 'submissions', form })}
                      aria-label={t('webForms.list.submissionsOf', { name: form.name, count: form.submissionCount })}
                    >
                      {t('webForms.list.submissionCount', { count: form.submissionCount })}
                    </Button>
                    {form.lastSubmissionAt ? (
                      <Text size="xs" c="dimmed">
                        {t('webForms.list.last', { date: formatDateTime(form.lastSubmissionAt) })}
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      <Button size="compact-sm" variant="default" onClick={() => setOpen({ kind: 'edit', form })} aria-label={t('webForms.list.editForm', { name: form.name })}>
                        {t('common.edit')}
                      </Button>
                      <Button
                        size="compact-sm"
                        variant="light"
                        leftSection={<IconCode size={14} />}
                        onClick={() => setOpen({ kind: 'code', form })}
                        aria-label={t('webForms.list.codeOf', { name: form.name })}
                      >
                        {t('webForms.list.code')}
                      </Button>
                      <ConfirmButton
                        size="compact-sm"
                        variant="subtle"
                        color="red"
                        aria-label={t('webForms.list.deleteForm', { name: form.name })}
                        title={t('webForms.list.deleteTitle')}
                        message={t('webForms.list.deleteMessage', { name: form.name })}
                        confirmLabel={t('common.delete')}
                        loading={deleteForm.isPending && deleteForm.variables === form.id}
                        onConfirm={() =>
                          deleteForm.mutate(form.id, {
                            onSuccess: () => notifySuccess(t('webForms.list.deleted', { name: form.name })),
                            onError: notifyError,
                          })
                        }
                      >
                        {t('common.delete')}
                      </ConfirmButton>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}

      {open?.kind === 'edit' ? (
        <WebFormEditorModal
          webForm={open.form}
          pipelines={pipelines}
          customFields={customFields}
          onClose={() => setOpen(null)}
          onCreated={(form) => setOpen({ kind: 'code', form })}
        />
      ) : null}
      {open?.kind === 'code' ? <WebFormCodeModal form={open.form} onClose={() => setOpen(null)} /> : null}
      {open?.kind === 'submissions' ? <WebFormSubmissionsDrawer form={open.form} onClose={() => setOpen(null)} /> : null}
    </Stack>
  );
}
