import { Alert, Badge, Button, Group, Stack, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { IconBrandWhatsapp, IconMail, IconPencil, IconPhone, IconTrash, IconTrophy, IconUser } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { ConfirmButton } from '@/components/confirm-button';
import { formatDateTime } from '@/lib/format';
import { notifyError, notifySuccess } from '@/lib/notify';
import { useDeleteLead } from '../api/delete-lead';
import type { LeadDetail } from '../api/get-lead';
import { useRestoreLead } from '../api/restore-lead';
import { useLeadReferences } from '../hooks/use-lead-references';
import { LocalTime } from './local-time';
import { StageBadge } from './stage-badge';

type LeadHeaderProps = {
  lead: LeadDetail;
  onEdit: () => void;
  onDeleted: () => void;
};

/** wa.me wants the international number without the plus. */
function whatsAppUrl(e164: string): string {
  return `https://wa.me/${e164.replace(/\D/g, '')}`;
}

export function LeadHeader({ lead, onEdit, onDeleted }: LeadHeaderProps) {
  const { t } = useTranslation();
  const references = useLeadReferences();
  const deleteLead = useDeleteLead();
  const restoreLead = useRestoreLead();
  useDocumentTitle(`${lead.displayName} · LeadFlow`);

  const phone = lead.phones[0];
  const whatsApp = lead.phones.find((p) => p.e164);
  const email = lead.emails[0];
  const inTrash = lead.deletedAt !== null;

  return (
    <Stack gap="sm" mb="lg">
      {inTrash ? (
        <Alert color="gray" icon={<IconTrash size={18} />} title={t('leads.detail.inTrash')}>
          <Group justify="space-between" gap="xs">
            <Text size="sm">{t('leads.detail.inTrashSince', { date: formatDateTime(lead.deletedAt) })}</Text>
            {references.can('trash.manage') ? (
              <Button
                size="xs"
                variant="light"
                loading={restoreLead.isPending}
                onClick={() =>
                  restoreLead.mutate(lead.id, {
                    onSuccess: () => notifySuccess(t('trash.restored', { name: lead.displayName })),
                    onError: notifyError,
                  })
                }
              >
                {t('trash.restore')}
              </Button>
            ) : null}
          </Group>
        </Alert>
      ) : null}
      <Group justify="space-between" align="flex-start" gap="sm">
        <Stack gap={6} style={{ minWidth: 0, flex: '1 1 18rem' }}>
          <Group gap="sm" wrap="wrap">
            <Title order={2} style={{ overflowWrap: 'anywhere' }}>
              {lead.displayName}
            </Title>
            <StageBadge stage={lead.stage} size="lg" />
            {lead.clientSince ? (
              <Badge size="lg" variant="light" color="teal" leftSection={<IconTrophy size={14} />} data-testid="client-since">
                {t('clients.since', { date: formatDateTime(lead.clientSince) })}
              </Badge>
            ) : null}
          </Group>
          <Stack gap={2}>
            <Group gap={4} wrap="nowrap">
              <IconUser size={14} aria-hidden />
              <Text size="sm" c="dimmed">
                {lead.owner ? t('leads.detail.owner', { name: lead.owner.name }) : t('leads.values.unassigned')}
              </Text>
            </Group>
            <LocalTime timeZone={lead.timeZone} />
          </Stack>
        </Stack>
        <Group gap="xs" wrap="wrap">
          {phone ? (
            <Button component="a" href={`tel:${phone.e164 ?? phone.raw}`} variant="light" leftSection={<IconPhone size={16} />}>
              {t('leads.detail.call')}
            </Button>
          ) : null}
          {whatsApp?.e164 ? (
            <Button
              component="a"
              href={whatsAppUrl(whatsApp.e164)}
              target="_blank"
              rel="noopener noreferrer"
              variant="light"
              color="teal"
              leftSection={<IconBrandWhatsapp size={16} />}
            >
              {t('leads.detail.whatsApp')}
            </Button>
          ) : null}
          {email ? (
            <Button component="a" href={`mailto:${email}`} variant="light" leftSection={<IconMail size={16} />}>
              {t('leads.detail.email')}
            </Button>
          ) : null}
          {!inTrash && references.can('leads.edit') ? (
            <Button variant="default" leftSection={<IconPencil size={16} />} onClick={onEdit}>
              {t('common.edit')}
            </Button>
          ) : null}
          {!inTrash && references.can('leads.delete') ? (
            <ConfirmButton
              variant="light"
              leftSection={<IconTrash size={16} />}
              title={t('leads.detail.deleteTitle')}
              message={t('leads.detail.deleteMessage', { name: lead.displayName })}
              confirmLabel={t('leads.detail.deleteConfirm')}
              loading={deleteLead.isPending}
              onConfirm={() =>
                deleteLead.mutate(lead.id, {
                  onSuccess: () => {
                    notifySuccess(t('leads.detail.deleted', { name: lead.displayName }));
                    onDeleted();
                  },
                  onError: notifyError,
                })
              }
            >
              {t('common.delete')}
            </ConfirmButton>
          ) : null}
        </Group>
      </Group>
    </Stack>
  );
}
