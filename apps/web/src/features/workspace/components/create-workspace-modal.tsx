import type { PresetKey } from '@leadflow/shared/presets';
import type { WorkspaceSettings } from '@leadflow/shared/workspace';
import { createWorkspaceRequest } from '@leadflow/shared/workspace';
import { Button, Group, Modal, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { PresetSelect } from '@/components/preset-select';
import { applyFormErrors, zodResolver } from '@/lib/form';
import type { CreateWorkspaceInput } from '../api/create-workspace';
import { useCreateWorkspace } from '../api/create-workspace';
import { useSwitchWorkspace } from '../api/switch-workspace';

type CreateWorkspaceValues = { name: string; slug: string; preset: PresetKey };

const toRequest = (values: CreateWorkspaceValues): CreateWorkspaceInput => ({
  name: values.name,
  slug: values.slug.trim() ? values.slug : undefined,
  preset: values.preset,
});

type CreateWorkspaceModalProps = {
  opened: boolean;
  onClose: () => void;
  onCreated?: (workspace: WorkspaceSettings) => void;
};

/** Creates a workspace owned by the current user and switches to it. */
export function CreateWorkspaceModal({ opened, onClose, onCreated }: CreateWorkspaceModalProps) {
  const { t } = useTranslation();
  const createWorkspace = useCreateWorkspace();
  const switchWorkspace = useSwitchWorkspace();
  const form = useForm<CreateWorkspaceValues>({
    initialValues: { name: '', slug: '', preset: 'blank' },
    validate: zodResolver(createWorkspaceRequest, toRequest),
  });

  const close = () => {
    form.reset();
    onClose();
  };

  const submit = form.onSubmit((values) =>
    createWorkspace.mutate(toRequest(values), {
      onSuccess: (workspace) => {
        close();
        switchWorkspace.mutate(workspace.id, { onSuccess: () => onCreated?.(workspace) });
      },
      onError: (error) => applyFormErrors(form, error),
    }),
  );

  return (
    <Modal opened={opened} onClose={close} title={t('workspace.create.title')} centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput label={t('workspace.name')} required data-autofocus {...form.getInputProps('name')} />
          <TextInput
            label={t('workspace.slug')}
            description={t('workspace.create.slugHint')}
            autoCapitalize="none"
            {...form.getInputProps('slug')}
          />
          <PresetSelect label={t('presets.field')} {...form.getInputProps('preset')} />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={createWorkspace.isPending}>
              {t('workspace.create.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
