import type { WebForm, WebFormSubmission } from '@leadflow/shared/web-forms';
import { Anchor, Badge, Button, Card, Drawer, Group, Stack, Text } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { LoadingScreen } from '@/components/loading-screen';
import { QueryError } from '@/components/query-error';
import { formatDateTime } from '@/lib/format';
import { useFormSubmissions } from '../api/get-form-submissions';

/** UTM tags, page and referrer of a submission, as "label: value" lines (only those it has). */
export function SubmissionAttribution({ submission }: { submission: WebFormSubmission }) {
  const { t } = useTranslation();
  const lines: [string, string | null][] = [
    [t('webForms.attribution.utmSource'), submission.utmSource],
    [t('webForms.attribution.utmMedium'), submission.utmMedium],
    [t('webForms.attribution.utmCampaign'), submission.utmCampaign],
    [t('webForms.attribution.utmTerm'), submission.utmTerm],
    [t('webForms.attribution.utmContent'), submission.utmContent],
    [t('webForms.attribution.pageUrl'), submission.pageUrl],
    [t('webForms.attribution.referrer'), submission.referrer],
  ];
  const present = lines.filter((l): l is [string, string] => l[1] !== null);
  if (!present.length) return null;
  return (
    <Stack gap={0}>
      {present.map(([label, value]) => (
        <Text key={label} size="xs" style={{ overflowWrap: 'anywhere' }}>
          <Text span fw={600} inherit>
            {label}:
          </Text>{' '}
          {value}
        </Text>
      ))}
    </Stack>
  );
}

/** The answers in the form's order (labels the form no longer has come last). */
function SubmissionAnswers({ answers, order }: { answers: Record<string, string>; order: string[] }) {
  const rank = (label: string) => (order.includes(label) ? order.indexOf(label) : order.length);
  const entries = Object.entries(answers).sort(([a], [b]) => rank(a) - rank(b));
  return (
    <Stack gap={0} mb={4}>
      {entries.map(([label, value]) => (
        <Text key={label} size="sm" style={{ overflowWrap: 'anywhere' }}>
          <Text span c="dimmed" inherit>
            {label}:
          </Text>{' '}
          {value}
        </Text>
      ))}
    </Stack>
  );
}

/** What a form brought lately: who, when, and where they came from. */
export function WebFormSubmissionsDrawer({ form, onClose }: { form: WebForm; onClose: () => void }) {
  const { t } = useTranslation();
  const submissions = useFormSubmissions(form.id);
  const items = submissions.data?.pages.flatMap((p) => p.submissions) ?? [];
  return (
    <Drawer opened onClose={onClose} position="right" size="md" title={t('webForms.submissions.title', { name: form.name })}>
      {submissions.isPending ? (
        <LoadingScreen />
      ) : submissions.isError ? (
        <QueryError error={submissions.error} onRetry={() => void submissions.refetch()} />
      ) : items.length === 0 ? (
        <Text c="dimmed" size="sm">
          {t('webForms.submissions.empty')}
        </Text>
      ) : (
        <Stack gap="sm">
          {items.map(({ leadId, ...s }) => (
            <Card key={s.id} withBorder padding="sm" data-testid="web-form-submission">
              <Group justify="space-between" gap="xs" mb={4}>
                <Text size="sm" fw={600}>
                  {formatDateTime(s.createdAt)}
                </Text>
                <Badge size="sm" variant="light" color={s.outcome === 'created' ? 'teal' : 'blue'}>
                  {t(`webForms.submissions.outcome.${s.outcome}`)}
                </Badge>
              </Group>
              <SubmissionAnswers answers={s.answers} order={form.fields.map((f) => f.label)} />
              <SubmissionAttribution submission={{ ...s, leadId }} />
              {leadId ? (
                <Anchor renderRoot={(props) => <Link to="/leads/$leadId" params={{ leadId }} {...props} />} size="sm" mt={4}>
                  {t('webForms.submissions.openLead')}
                </Anchor>
              ) : (
                <Text size="sm" c="dimmed" mt={4}>
                  {t('webForms.submissions.leadGone')}
                </Text>
              )}
            </Card>
          ))}
          {submissions.hasNextPage ? (
            <Button variant="default" loading={submissions.isFetchingNextPage} onClick={() => void submissions.fetchNextPage()}>
              {t('webForms.submissions.loadMore')}
            </Button>
          ) : null}
        </Stack>
      )}
    </Drawer>
  );
}
