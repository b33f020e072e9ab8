import type { graphErrorBody } from '@leadflow/shared/capture';
import { Alert, Code, List, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';

type GraphErrorBody = z.infer<typeof graphErrorBody>;

const RATE_LIMIT_CODES = new Set([4, 17, 32, 613, 80001]);

/** What the admin can do about a Graph error, by its code (see docs: Meta's error codes). */
function hintKey(error: GraphErrorBody) {
  const code = error.code;
  if (code === 190) return 'integrations.graphError.hintToken' as const;
  if (code !== null && RATE_LIMIT_CODES.has(code)) return 'integrations.graphError.hintRateLimit' as const;
  if (code === 1 || code === 2 || (code === null && (error.httpStatus === null || error.httpStatus >= 500))) {
    return 'integrations.graphError.hintTemporary' as const;
  }
  if (code === 10 || (code !== null && code >= 200 && code <= 299)) return 'integrations.graphError.hintPermission' as const;
  if (code === 100) return 'integrations.graphError.hintNotFound' as const;
  return null;
}

/** Meta's error exactly as the Graph API gave it: message, type, code and subcode, trace id. */
export function GraphError({ error, title }: { error: GraphErrorBody; title?: string }) {
  const { t } = useTranslation();
  const hint = hintKey(error);
  return (
    <Alert color="red" icon={<IconAlertTriangle size={18} />} title={title ?? t('integrations.graphError.title')} role="alert">
      <Text size="sm" fw={500} data-testid="graph-error-message">
        {error.message}
      </Text>
      <List size="sm" mt="xs" spacing={2}>
        <List.Item>
          {t('integrations.graphError.code')}: <Code>{error.code ?? '—'}</Code>
          {error.subcode !== null ? (
            <>
              {' '}
              {t('integrations.graphError.subcode')}: <Code>{error.subcode}</Code>
            </>
          ) : null}
        </List.Item>
        <List.Item>
          {t('integrations.graphError.type')}: <Code>{error.type ?? '—'}</Code>
        </List.Item>
        {error.httpStatus !== null ? (
          <List.Item>
            {t('integrations.graphError.httpStatus')}: <Code>{error.httpStatus}</Code>
          </List.Item>
        ) : null}
        {error.fbtraceId ? (
          <List.Item>
            {t('integrations.graphError.trace')}: <Code>{error.fbtraceId}</Code>
          </List.Item>
        ) : null}
      </List>
      {hint ? (
        <Text size="sm" mt="xs">
          {t(hint)}
        </Text>
      ) : null}
    </Alert>
  );
}
