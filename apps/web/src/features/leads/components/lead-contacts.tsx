import { ActionIcon, Anchor, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { IconBrandLinkedin, IconMail, IconPencil, IconPhone, IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmButton } from '@/components/confirm-button';
import { notifyError, notifySuccess } from '@/lib/notify';
import type { LeadDetail } from '../api/get-lead';
import { useRemoveContact } from '../api/remove-contact';
import { ContactFormModal } from './contact-form-modal';

type Contact = LeadDetail['contacts'][number];

function isWebUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** The people to talk to at a business lead. */
export function LeadContacts({ lead, canEdit }: { lead: LeadDetail; canEdit: boolean }) {
  const { t } = useTranslation();
  const removeContact = useRemoveContact();
  const [editing, setEditing] = useState<{ contact?: Contact } | null>(null);

  return (
    <Card withBorder padding="md">
      <Group justify="space-between" mb="xs">
        <Title order={4}>{t('leads.contacts.title')}</Title>
        {canEdit ? (
          <Button size="compact-sm" variant="light" leftSection={<IconPlus size={14} />} onClick={() => setEditing({})}>
            {t('leads.contacts.add')}
          </Button>
        ) : null}
      </Group>
      {lead.contacts.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('leads.contacts.empty')}
        </Text>
      ) : (
        <Stack gap="sm">
          {lead.contacts.map((contact) => (
            <Group key={contact.id} justify="space-between" align="flex-start" wrap="nowrap" data-testid={`contact-${contact.id}`}>
              <Stack gap={2} style={{ minWidth: 0 }}>
                <Text size="sm" fw={600}>
                  {contact.name}
                  {contact.role ? (
                    <Text span c="dimmed" fw={400}>
                      {' · '}
                      {contact.role}
                    </Text>
                  ) : null}
                </Text>
                {contact.phoneRaw ? (
                  <Group gap={4} wrap="nowrap">
                    <IconPhone size={14} aria-hidden />
                    <Anchor size="sm" href={`tel:${contact.phoneE164 ?? contact.phoneRaw}`}>
                      {contact.phoneRaw}
                    </Anchor>
                  </Group>
                ) : null}
                {contact.email ? (
                  <Group gap={4} wrap="nowrap">
                    <IconMail size={14} aria-hidden />
                    <Anchor size="sm" href={`mailto:${contact.email}`} truncate>
                      {contact.email}
                    </Anchor>
                  </Group>
                ) : null}
                {contact.linkedin && isWebUrl(contact.linkedin) ? (
                  <Group gap={4} wrap="nowrap">
                    <IconBrandLinkedin size={14} aria-hidden />
                    <Anchor size="sm" href={contact.linkedin} target="_blank" rel="noopener noreferrer" truncate>
                      {t('leads.contacts.linkedin')}
                    </Anchor>
                  </Group>
                ) : null}
              </Stack>
              {canEdit ? (
                <Group gap={4} wrap="nowrap">
                  <ActionIcon variant="subtle" aria-label={t('leads.contacts.edit', { name: contact.name })} onClick={() => setEditing({ contact })}>
                    <IconPencil size={16} />
                  </ActionIcon>
                  <ConfirmButton
                    size="compact-sm"
                    variant="subtle"
                    aria-label={t('leads.contacts.remove', { name: contact.name })}
                    title={t('leads.contacts.removeTitle')}
                    message={t('leads.contacts.removeMessage', { name: contact.name })}
                    confirmLabel={t('leads.contacts.removeConfirm')}
                    loading={removeContact.isPending && removeContact.variables?.contactId === contact.id}
                    onConfirm={() =>
                      removeContact.mutate(
                        { leadId: lead.id, contactId: contact.id },
                        { onSuccess: () => notifySuccess(t('leads.contacts.removed')), onError: notifyError },
                      )
                    }
                  >
                    {t('leads.contacts.removeShort')}
                  </ConfirmButton>
                </Group>
              ) : null}
            </Group>
          ))}
        </Stack>
      )}
      {editing ? <ContactFormModal leadId={lead.id} contact={editing.contact} onClose={() => setEditing(null)} /> : null}
    </Card>
  );
}
