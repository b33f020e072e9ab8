import { contactInput } from '@leadflow/shared/leads';
import { Button, Group, Modal, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { applyFormErrors, zodResolver } from '@/lib/form';
import { notifySuccess } from '@/lib/notify';
import { useAddContact } from '../api/add-contact';
import type { LeadDetail } from '../api/get-lead';
import { useUpdateContact } from '../api/update-contact';

type Contact = LeadDetail['contacts'][number];
type ContactValues = { name: string; role: string; phone: string; email: string; linkedin: string };

function toRequest(values: ContactValues) {
  const blankToNull = (value: string) => value.trim() || null;
  return {
    name: values.name.trim(),
    role: blankToNull(values.role),
    phone: blankToNull(values.phone),
    email: blankToNull(values.email),
    linkedin: blankToNull(values.linkedin),
  };
}

type ContactFormModalProps = {
  leadId: string;
  /** The contact to edit; without it a new one is added. */
  contact?: Contact;
  onClose: () => void;
};

export function ContactFormModal({ leadId, contact, onClose }: ContactFormModalProps) {
  const { t } = useTranslation();
  const addContact = useAddContact();
  const updateContact = useUpdateContact();
  const form = useForm<ContactValues>({
    initialValues: {
      name: contact?.name ?? '',
      role: contact?.role ?? '',
      phone: contact?.phoneRaw ?? '',
      email: contact?.email ?? '',
      linkedin: contact?.linkedin ?? '',
    },
    validate: zodResolver(contactInput, toRequest),
  });

  const submit = form.onSubmit((values) => {
    const callbacks = {
      onSuccess: () => {
        notifySuccess(contact ? t('leads.contacts.saved') : t('leads.contacts.added'));
        onClose();
      },
      onError: (error: unknown) => applyFormErrors(form, error),
    };
    if (contact) updateContact.mutate({ leadId, contactId: contact.id, ...toRequest(values) }, callbacks);
    else addContact.mutate({ leadId, ...toRequest(values) }, callbacks);
  });

  return (
    <Modal opened onClose={onClose} title={contact ? t('leads.contacts.editTitle', { name: contact.name }) : t('leads.contacts.addTitle')} size="lg">
      <form onSubmit={submit} noValidate>
        <Stack>
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <TextInput label={t('leads.contacts.name')} required data-autofocus {...form.getInputProps('name')} />
            <TextInput label={t('leads.contacts.role')} {...form.getInputProps('role')} />
            <TextInput label={t('leads.contacts.phone')} type="tel" {...form.getInputProps('phone')} />
            <TextInput label={t('leads.contacts.email')} type="email" {...form.getInputProps('email')} />
          </SimpleGrid>
          <TextInput label={t('leads.contacts.linkedin')} type="url" placeholder="https://www.linkedin.com/in/…" {...form.getInputProps('linkedin')} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={addContact.isPending || updateContact.isPending}>
              {contact ? t('common.save') : t('leads.contacts.add')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
