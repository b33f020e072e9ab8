import type { LeadStandardField } from '@leadflow/shared/leads';
import { Anchor, Badge, Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LeadDetail } from '../api/get-lead';
import { useLeadReferences } from '../hooks/use-lead-references';
import { EMPTY_VALUE, formatCustomValue, formatStandardValue } from '../utils/format-lead-value';
import { standardFieldLabel } from '../utils/lead-fields';

const SHOWN = [
  'firstName',
  'lastName',
  'company',
  'source',
  'sourceDetail',
  'eventId',
  'campaign',
  'city',
  'state',
  'country',
  'zip',
  'timeZone',
  'language',
  'score',
  'nextFollowUpAt',
  'lostReason',
  'origin',
  'createdAt',
  'updatedAt',
  'lastActivityAt',
] as const satisfies readonly (LeadStandardField & keyof LeadDetail)[];

function isWebUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th w="40%" style={{ fontWeight: 500, verticalAlign: 'top' }}>
        <Text size="sm" c="dimmed">
          {label}
        </Text>
      </Table.Th>
      <Table.Td style={{ overflowWrap: 'anywhere' }}>{children}</Table.Td>
    </Table.Tr>
  );
}

type FieldRow = { key: string; label: string; empty: boolean; content: ReactNode };

/** Every standard field and every custom field of a lead, with their labels; empty ones on request. */
export function LeadFieldsCard({ lead }: { lead: LeadDetail }) {
  const { t } = useTranslation();
  const references = useLeadReferences();
  const [showEmpty, setShowEmpty] = useState(false);

  const rows: FieldRow[] = [
    {
      key: 'phone',
      label: t('leads.fields.phone'),
      empty: lead.phones.length === 0,
      content: (
        <Stack gap={2}>
          {lead.phones.map((phone, index) => (
            <Group key={`${phone.raw}-${index}`} gap={6} wrap="nowrap">
              <Anchor href={`tel:${phone.e164 ?? phone.raw}`} size="sm">
                {phone.raw}
              </Anchor>
              {phone.label ? (
                <Badge size="xs" variant="default">
                  {phone.label}
                </Badge>
              ) : null}
            </Group>
          ))}
        </Stack>
      ),
    },
    {
      key: 'email',
      label: t('leads.fields.email'),
      empty: lead.emails.length === 0,
      content: (
        <Stack gap={2}>
          {lead.emails.map((email) => (
            <Anchor key={email} href={`mailto:${email}`} size="sm">
              {email}
            </Anchor>
          ))}
        </Stack>
      ),
    },
    {
      key: 'tags',
      label: t('leads.fields.tags'),
      empty: lead.tags.length === 0,
      content: (
        <Group gap={4}>
          {lead.tags.map((tag) => (
            <Badge key={tag} size="sm" variant="outline" color="gray">
              {tag}
            </Badge>
          ))}
        </Group>
      ),
    },
    ...SHOWN.map((field): FieldRow => {
      const text = formatStandardValue(field, lead[field], references);
      return { key: field, label: standardFieldLabel(field), empty: text === EMPTY_VALUE, content: <Text size="sm">{text}</Text> };
    }),
    ...references.customFields.map((field): FieldRow => {
      const value = lead.custom[field.key];
      const text = formatCustomValue(field, value, references);
      let content: ReactNode = <Text size="sm">{text}</Text>;
      if (typeof value === 'string' && value) {
        if (field.type === 'url' && isWebUrl(value)) {
          content = (
            <Anchor href={value} target="_blank" rel="noopener noreferrer" size="sm">
              {value}
            </Anchor>
          );
        } else if (field.type === 'email') {
          content = (
            <Anchor href={`mailto:${value}`} size="sm">
              {value}
            </Anchor>
          );
        } else if (field.type === 'phone') {
          content = (
            <Anchor href={`tel:${value}`} size="sm">
              {value}
            </Anchor>
          );
        } else if (field.type === 'long_text') {
          content = (
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
              {value}
            </Text>
          );
        }
      }
      return { key: field.id, label: field.label, empty: text === EMPTY_VALUE, content };
    }),
  ];
  const emptyCount = rows.filter((row) => row.empty).length;
  const shown = showEmpty ? rows : rows.filter((row) => !row.empty);

  return (
    <Card withBorder padding="md">
      <Title order={4} mb="xs">
        {t('leads.detail.fields')}
      </Title>
      <Table variant="vertical" layout="fixed" verticalSpacing={6} withRowBorders={false}>
        <Table.Tbody>
          {shown.map((row) => (
            <Row key={row.key} label={row.label}>
              {row.empty ? (
                <Text c="dimmed" size="sm">
                  {EMPTY_VALUE}
                </Text>
              ) : (
                row.content
              )}
            </Row>
          ))}
        </Table.Tbody>
      </Table>
      {emptyCount > 0 ? (
        <Group mt="xs">
          <Button variant="subtle" size="compact-sm" onClick={() => setShowEmpty((value) => !value)}>
            {showEmpty ? t('leads.detail.hideEmpty') : t('leads.detail.showEmpty', { count: emptyCount })}
          </Button>
        </Group>
      ) : null}
    </Card>
  );
}
