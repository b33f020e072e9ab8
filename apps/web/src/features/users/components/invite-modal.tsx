import type { Role } from '@leadflow/shared/workspace';
import { createInvitationRequest } from '@leadflow/shared/workspace';
import { Button, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { CopyableValue } from '@/components/copyable-value';
import { applyFormErrors, zodResolver } from '@/lib/form';
import { roleLabel } from '@/lib/labels';
import type { CreateInvitationInput } from '../api/create-invitation';
import { useCreateInvitation } from '../api/create-invitation';

type InviteModalProps = { opened: boolean; onClose: () => void; roles: Role[] };

export function InviteModal({ opened, onClose, roles }: InviteModalProps) {
  const { t } = useTranslation();
  const createInvitation = useCreateInvitation();
  const defaultRole = roles.find((role) => role.key === 'agent') ?? roles.find((role) => role.key !== 'owner');
  const form = useForm<CreateInvitationInput>({
    initialValues: { email: '', roleId: defaultRole?.id ?? '' },
    validate: zodResolver(createInvitationRequest),
  });

  const close = () => {
    form.reset();
    createInvitation.reset();
    onClose();
  };

  const created = createInvitation.data;

  return (
    <Modal opened={opened} onClose={close} title={t('users.invitations.inviteTitle')} centered>
      {created ? (
        <Stack>
          <Text size="sm">{t('users.invitations.created', { email: created.email })}</Text>
          <CopyableValue label={t('users.invitations.acceptUrl')} value={created.acceptUrl} />
          <Group justify="flex-end">
            <Button onClick={close}>{t('common.done')}</Button>
          </Group>
        </Stack>
      ) : (
        <form
          noValidate
          onSubmit={form.onSubmit((values) =>
            createInvitation.mutate(values, { onError: (error) => applyFormErrors(form, error) }),
          )}
        >
          <Stack>
            <TextInput label={t('auth.email')} type="email" required data-autofocus {...form.getInputProps('email')} />
            <Select
              label={t('users.members.role')}
              data={roles.map((role) => ({ value: role.id, label: roleLabel(role) }))}
              allowDeselect={false}
              required
              {...form.getInputProps('roleId')}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                {t('common.cancel')}
              </Button>
              <Button type="submit" loading={createInvitation.isPending}>
                {t('users.invitations.send')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
