import { savedViewInput } from '@leadflow/shared/leads';
import {
  ActionIcon,
  Badge,
  Button,
  Checkbox,
  Divider,
  Group,
  Modal,
  Popover,
  ScrollArea,
  Stack,
  Text,
  TextInput,
  UnstyledButton,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconBookmark, IconDeviceFloppy, IconTrash, IconUsers } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { applyFormErrors, zodResolver } from '@/lib/form';
import { notifyError, notifySuccess } from '@/lib/notify';
import { useCreateSavedView } from '../api/create-saved-view';
import { useDeleteSavedView } from '../api/delete-saved-view';
import type { SavedView } from '../api/get-saved-views';
import { useSavedViews } from '../api/get-saved-views';
import { useUpdateSavedView } from '../api/update-saved-view';
import type { LeadListState } from '../hooks/use-lead-list-state';

type SavedViewsMenuProps = {
  state: LeadListState;
  onApply: (view: SavedView) => void;
  onSaved: (view: SavedView) => void;
  onDeleted: (viewId: string) => void;
  compact: boolean;
};

/** What a view stores: the query (filters, search, sort) and the columns. */
function viewContent(state: LeadListState) {
  return {
    query: { filters: state.filters, q: state.q.trim() || undefined, sort: state.sort ?? undefined },
    columns: state.columns,
  };
}

export function SavedViewsMenu({ state, onApply, onSaved, onDeleted, compact }: SavedViewsMenuProps) {
  const { t } = useTranslation();
  const views = useSavedViews();
  const updateView = useUpdateSavedView();
  const deleteView = useDeleteSavedView();
  const [opened, setOpened] = useState(false);
  const [saving, setSaving] = useState(false);
  const [deleting, setDeleting] = useState<SavedView | null>(null);

  const list = views.data?.views ?? [];
  const current = list.find((view) => view.id === state.viewId) ?? null;
  const label = current ? current.name : t('leads.views.button');

  const saveChanges = (view: SavedView) =>
    updateView.mutate(
      { viewId: view.id, ...viewContent(state) },
      {
        onSuccess: (saved) => {
          notifySuccess(t('leads.views.updated', { name: saved.name }));
          setOpened(false);
        },
        onError: notifyError,
      },
    );

  return (
    <>
      <Popover opened={opened} onChange={setOpened} position="bottom-start" width={300} shadow="md" trapFocus>
        <Popover.Target>
          {compact ? (
            <ActionIcon variant="default" size="lg" aria-label={t('leads.views.button')} onClick={() => setOpened((o) => !o)}>
              <IconBookmark size={18} />
            </ActionIcon>
          ) : (
            <Button
              variant="default"
              leftSection={<IconBookmark size={16} />}
              onClick={() => setOpened((o) => !o)}
              aria-label={current ? t('leads.views.current', { name: current.name }) : undefined}
              maw={240}
            >
              <Text span truncate inherit>
                {label}
              </Text>
            </Button>
          )}
        </Popover.Target>
        <Popover.Dropdown p="xs">
          <Stack gap={4}>
            {views.isError ? (
              <Text size="sm" c="red">
                {t('leads.views.loadFailed')}
              </Text>
            ) : list.length === 0 ? (
              <Text size="sm" c="dimmed" p="xs">
                {views.isPending ? t('common.loading') : t('leads.views.empty')}
              </Text>
            ) : (
              <ScrollArea.Autosize mah={280} type="auto">
                <Stack gap={2} role="list" aria-label={t('leads.views.listLabel')}>
                  {list.map((view) => (
                    <Group key={view.id} gap={4} wrap="nowrap" role="listitem">
                      <UnstyledButton
                        onClick={() => {
                          onApply(view);
                          setOpened(false);
                        }}
                        px="xs"
                        py={6}
                        style={{ flex: 1, minWidth: 0, borderRadius: 'var(--mantine-radius-sm)' }}
                        bg={view.id === state.viewId ? 'var(--mantine-primary-color-light)' : undefined}
                        aria-label={t('leads.views.open', { name: view.name })}
                      >
                        <Group gap={6} wrap="nowrap">
                          <Text size="sm" truncate>
                            {view.name}
                          </Text>
                          {view.shared ? (
                            <Badge size="xs" variant="light" leftSection={<IconUsers size={10} />}>
                              {t('leads.views.shared')}
                            </Badge>
                          ) : null}
                        </Group>
                      </UnstyledButton>
                      {view.mine ? (
                        <ActionIcon
                          variant="subtle"
                          color="red"
                          aria-label={t('leads.views.delete', { name: view.name })}
                          onClick={() => {
                            setOpened(false);
                            setDeleting(view);
                          }}
                        >
                          <IconTrash size={14} />
                        </ActionIcon>
                      ) : null}
                    </Group>
                  ))}
                </Stack>
              </ScrollArea.Autosize>
            )}
            <Divider my={4} />
            {current?.mine ? (
              <Button
                variant="subtle"
                justify="flex-start"
                leftSection={<IconDeviceFloppy size={16} />}
                loading={updateView.isPending}
                onClick={() => saveChanges(current)}
              >
                <Text span truncate inherit>
                  {t('leads.views.saveChanges', { name: current.name })}
                </Text>
              </Button>
            ) : null}
            <Button
              variant="subtle"
              justify="flex-start"
              leftSection={<IconBookmark size={16} />}
              onClick={() => {
                setOpened(false);
                setSaving(true);
              }}
            >
              {t('leads.views.saveAs')}
            </Button>
          </Stack>
        </Popover.Dropdown>
      </Popover>

      {saving ? (
        <SaveViewModal
          state={state}
          onClose={() => setSaving(false)}
          onSaved={(view) => {
            setSaving(false);
            onSaved(view);
          }}
        />
      ) : null}

      <Modal opened={deleting !== null} onClose={() => setDeleting(null)} title={t('leads.views.deleteTitle')} centered>
        <Text size="sm">{t('leads.views.deleteMessage', { name: deleting?.name ?? '' })}</Text>
        <Group justify="flex-end" mt="lg">
          <Button variant="default" onClick={() => setDeleting(null)}>
            {t('common.cancel')}
          </Button>
          <Button
            color="red"
            loading={deleteView.isPending}
            onClick={() => {
              if (!deleting) return;
              const view = deleting;
              deleteView.mutate(view.id, {
                onSuccess: () => {
                  notifySuccess(t('leads.views.deleted', { name: view.name }));
                  setDeleting(null);
                  onDeleted(view.id);
                },
                onError: notifyError,
              });
            }}
          >
            {t('common.delete')}
          </Button>
        </Group>
      </Modal>
    </>
  );
}

type SaveViewValues = { name: string; shared: boolean };

function SaveViewModal({ state, onClose, onSaved }: { state: LeadListState; onClose: () => void; onSaved: (view: SavedView) => void }) {
  const { t } = useTranslation();
  const createView = useCreateSavedView();
  const content = viewContent(state);
  const form = useForm<SaveViewValues>({
    initialValues: { name: '', shared: false },
    validate: zodResolver(savedViewInput, (values: SaveViewValues) => ({ ...values, ...content })),
  });

  const submit = form.onSubmit((values) =>
    createView.mutate(
      { name: values.name.trim(), shared: values.shared, ...content },
      {
        onSuccess: (view) => {
          notifySuccess(t('leads.views.saved', { name: view.name }));
          onSaved(view);
        },
        onError: (error) => applyFormErrors(form, error),
      },
    ),
  );

  return (
    <Modal opened onClose={onClose} title={t('leads.views.saveTitle')} centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput label={t('leads.views.name')} required data-autofocus {...form.getInputProps('name')} />
          <Checkbox
            label={t('leads.views.share')}
            description={t('leads.views.shareHint')}
            {...form.getInputProps('shared', { type: 'checkbox' })}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={createView.isPending}>
              {t('leads.views.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
