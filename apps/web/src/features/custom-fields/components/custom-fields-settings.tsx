import type { CustomField } from '@leadflow/shared/leads';
import { ActionIcon, Badge, Button, Code, Group, Stack, Table, Text, Title } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmButton } from '@/components/confirm-button';
import { LoadingScreen } from '@/components/loading-screen';
import { QueryError } from '@/components/query-error';
import { formatDateTime } from '@/lib/format';
import { notifyError, notifySuccess } from '@/lib/notify';
import { useDeleteCustomField } from '../api/delete-custom-field';
import { useCustomFields } from '../api/get-custom-fields';
import { useRestoreCustomField } from '../api/restore-custom-field';
import { useUpdateCustomField } from '../api/update-custom-field';
import { CustomFieldFormModal } from './custom-field-form-modal';

type Editing = { field?: CustomField } | null;

export function CustomFieldsSettings() {
  const { t } = useTranslation();
  const fields = useCustomFields(true);
  const updateField = useUpdateCustomField();
  const deleteField = useDeleteCustomField();
  const restoreField = useRestoreCustomField();
  const [editing, setEditing] = useState<Editing>(null);
  const [reordering, setReordering] = useState(false);

  const all = fields.data?.fields ?? [];
  const active = all.filter((field) => !field.deletedAt).sort((a, b) => a.position - b.position);
  const deleted = all.filter((field) => field.deletedAt);
  const nextPosition = all.reduce((max, field) => Math.max(max, field.position + 1), 0);

  /** Moves a field one place and renumbers the list, so positions are distinct afterwards. */
  const move = async (index: number, to: number) => {
    const order = [...active];
    const [moved] = order.splice(index, 1);
    if (!moved) return;
    order.splice(to, 0, moved);
    setReordering(true);
    try {
      await Promise.all(
        order.flatMap((field, position) =>
          field.position === position ? [] : [updateField.mutateAsync({ fieldId: field.id, position })],
        ),
      );
    } catch (error) {
      notifyError(error);
    } finally {
      setReordering(false);
    }
  };

  if (fields.isPending) return <LoadingScreen />;
  if (fields.isError) return <QueryError error={fields.error} onRetry={() => void fields.refetch()} />;

  return (
    <Stack>
      <Group justify="flex-end">
        <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing({})}>
          {t('customFields.new')}
        </Button>
      </Group>
      {active.length === 0 ? (
        <Text c="dimmed">{t('customFields.empty')}</Text>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing="sm" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('customFields.form.label')}</Table.Th>
                <Table.Th>{t('customFields.form.type')}</Table.Th>
                <Table.Th>{t('customFields.form.required')}</Table.Th>
                <Table.Th>{t('customFields.order')}</Table.Th>
                <Table.Th>{t('common.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {active.map((field, index) => (
                <Table.Tr key={field.id} data-testid={`field-row-${field.key}`}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {field.label}
                    </Text>
                    <Code>{field.key}</Code>
                  </Table.Td>
                  <Table.Td>
                    {t(`customFields.types.${field.type}`)}
                    {field.options.length > 0 ? (
                      <Text size="xs" c="dimmed">
                        {t('customFields.optionCount', { count: field.options.length })}
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    {field.required ? (
                      <Badge size="sm" variant="light">
                        {t('customFields.requiredYes')}
                      </Badge>
                    ) : (
                      <Text size="sm" c="dimmed">
                        {t('customFields.requiredNo')}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <ActionIcon
                        variant="default"
                        aria-label={t('customFields.moveUp', { label: field.label })}
                        disabled={index === 0 || reordering}
                        onClick={() => void move(index, index - 1)}
                      >
                        <IconArrowUp size={14} />
                      </ActionIcon>
                      <ActionIcon
                        variant="default"
                        aria-label={t('customFields.moveDown', { label: field.label })}
                        disabled={index === active.length - 1 || reordering}
                        onClick={() => void move(index, index + 1)}
                      >
                        <IconArrowDown size={14} />
                      </ActionIcon>
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      <Button
                        size="compact-sm"
                        variant="default"
                        aria-label={t('customFields.editField', { label: field.label })}
                        onClick={() => setEditing({ field })}
                      >
                        {t('common.edit')}
                      </Button>
                      <ConfirmButton
                        size="compact-sm"
                        variant="light"
                        aria-label={t('customFields.deleteField', { label: field.label })}
                        title={t('customFields.deleteTitle')}
                        message={t('customFields.deleteMessage', { label: field.label })}
                        confirmLabel={t('common.delete')}
                        loading={deleteField.isPending && deleteField.variables === field.id}
                        onConfirm={() =>
                          deleteField.mutate(field.id, {
                            onSuccess: () => notifySuccess(t('customFields.deleted', { label: field.label })),
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

      {deleted.length > 0 ? (
        <Stack gap="xs" mt="lg">
          <Title order={4}>{t('customFields.deletedTitle')}</Title>
          <Text size="sm" c="dimmed">
            {t('customFields.deletedHint')}
          </Text>
          <Table.ScrollContainer minWidth={520}>
            <Table verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('customFields.form.label')}</Table.Th>
                  <Table.Th>{t('customFields.form.type')}</Table.Th>
                  <Table.Th>{t('customFields.deletedAt')}</Table.Th>
                  <Table.Th>{t('common.actions')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {deleted.map((field) => (
                  <Table.Tr key={field.id} data-testid={`deleted-field-row-${field.key}`}>
                    <Table.Td>
                      <Text size="sm">{field.label}</Text>
                      <Code>{field.key}</Code>
                    </Table.Td>
                    <Table.Td>{t(`customFields.types.${field.type}`)}</Table.Td>
                    <Table.Td>{formatDateTime(field.deletedAt)}</Table.Td>
                    <Table.Td>
                      <Button
                        size="compact-sm"
                        variant="light"
                        aria-label={t('customFields.restoreField', { label: field.label })}
                        loading={restoreField.isPending && restoreField.variables === field.id}
                        onClick={() =>
                          restoreField.mutate(field.id, {
                            onSuccess: () => notifySuccess(t('customFields.restored', { label: field.label })),
                            onError: notifyError,
                          })
                        }
                      >
                        {t('customFields.restore')}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Stack>
      ) : null}

      {editing ? (
        <CustomFieldFormModal field={editing.field} nextPosition={nextPosition} onClose={() => setEditing(null)} />
      ) : null}
    </Stack>
  );
}
