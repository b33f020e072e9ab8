import { Anchor, Badge, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { useReferredLeads } from '../api/referral';

/** On a client's page: the people it referred, directly or through one of its contacts. */
export function ReferredLeadsCard({ leadId }: { leadId: string }) {
  const { t } = useTranslation();
  const referred = useReferredLeads(leadId);
  const rows = referred.data?.leads ?? [];
  return (
    <Paper withBorder p="md" mt="md" data-testid="referred-leads">
      <Title order={3} size="h5" mb="xs">
        {t('referrals.referredTitle')}
      </Title>
      {rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('referrals.referredEmpty')}
        </Text>
      ) : (
        <Stack gap={6}>
          {rows.map((row) => (
            <Group key={row.id} gap="xs" wrap="wrap">
              <Anchor renderRoot={(props) => <Link to="/leads/$leadId" params={{ leadId: row.id }} {...props} />} size="sm">
                {row.displayName}
              </Anchor>
              <Badge variant="light" size="sm">
                {t(`referrals.types.${row.type}`)}
              </Badge>
              {row.stage ? (
                <Badge variant="outline" size="sm">
                  {row.stage.name}
                </Badge>
              ) : null}
              {row.isClient ? (
                <Badge color="green" size="sm">
                  {t('referrals.isClient')}
                </Badge>
              ) : null}
              {row.via.kind === 'contact' ? (
                <Text size="xs" c="dimmed">
                  {t('referrals.via', { name: row.via.name })}
                </Text>
              ) : null}
            </Group>
          ))}
        </Stack>
      )}
    </Paper>
  );
}
