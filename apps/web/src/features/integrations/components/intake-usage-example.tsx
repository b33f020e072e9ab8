import { ActionIcon, Code, CopyButton, Group, Stack, Text, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

/** A request an integrator can paste into a terminal: the intake endpoint with a key and an Idempotency-Key. */
export function intakeCurlExample(origin: string, key: string): string {
  return [
    `curl -X POST ${origin}/hooks/intake \\`,
    `  -H 'Authorization: Bearer ${key}' \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -H 'Idempotency-Key: form-submission-123' \\`,
    `  -d '{"firstName":"Ana","lastName":"Silva","email":"ana@example.com","phone":"+5511987654321","source":"Website","tags":["site"]}'`,
  ].join('\n');
}

/** How to push a lead with an API key, with a copy button. */
export function IntakeUsageExample({ apiKey }: { apiKey?: string }) {
  const { t } = useTranslation();
  const example = intakeCurlExample(window.location.origin, apiKey ?? 'lf_…');
  return (
    <Stack gap={6}>
      <Group justify="space-between" gap="xs">
        <Text size="sm" fw={600}>
          {t('integrations.apiKeys.exampleTitle')}
        </Text>
        <CopyButton value={example} timeout={1500}>
          {({ copied, copy }) => (
            <Tooltip label={copied ? t('common.copied') : t('common.copy')} withArrow>
              <ActionIcon variant="subtle" color={copied ? 'teal' : 'gray'} onClick={copy} aria-label={t('integrations.apiKeys.copyExample')}>
                {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
              </ActionIcon>
            </Tooltip>
          )}
        </CopyButton>
      </Group>
      <Code block style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }} data-testid="intake-example">
        {example}
      </Code>
      <Text size="xs" c="dimmed">
        {t('integrations.apiKeys.exampleHelp')}
      </Text>
    </Stack>
  );
}
