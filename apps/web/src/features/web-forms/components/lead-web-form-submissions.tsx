import { Badge, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '@/lib/format';
import { useLeadWebFormSubmissions } from '../api/get-lead-web-form-submissions';
import { SubmissionAttribution } from './web-form-submissions-drawer';

/**
 * On a lead's page: the web forms it came through, with the UTM tags, page and referrer of each visit.
 * Nothing at all for a lead that never sent one.
 */
export function LeadWebFormSubmissions({ leadId }: { leadId: string }) {
  const { t } = useTranslation();
  const submissions = useLeadWebFormSubmissions(leadId);
  const items = submissions.data?.submissions ?? [];
  if (items.length === 0) return null;
  return (
    <Card withBorder padding="md" mt="md" data-testid="lead-web-form-submissions">
      <Title order={4} mb="sm">
        {t('webForms.leadCard.title')}
      </Title>
      <Stack gap="sm">
        {items.map((s) => (
          <Stack key={s.id} gap={2}>
            <Group gap={6} wrap="wrap">
              <Text size="sm" fw={600}>
                {s.formName}
              </Text>
              <Badge size="xs" variant="light" color={s.outcome === 'created' ? 'teal' : 'blue'}>
                {t(`webForms.submissions.outcome.${s.outcome}`)}
              </Badge>
              <Text size="xs" c="dimmed">
                {formatDateTime(s.createdAt)}
              </Text>
            </Group>
            <SubmissionAttribution submission={s} />
          </Stack>
        ))}
      </Stack>
    </Card>
  );
}
