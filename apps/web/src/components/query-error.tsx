import { Alert, Button } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage, reportUnexpected } from '@/lib/errors';

type QueryErrorProps = { error: unknown; onRetry?: () => void };

export function QueryError({ error, onRetry }: QueryErrorProps) {
  const { t } = useTranslation();
  useEffect(() => reportUnexpected(error), [error]);
  return (
    <Alert color="red" icon={<IconAlertTriangle size={18} />} title={t('errors.title')} role="alert">
      {errorMessage(error)}
      {onRetry ? (
        <div>
          <Button variant="subtle" color="red" size="compact-sm" mt="xs" onClick={onRetry}>
            {t('common.retry')}
          </Button>
        </div>
      ) : null}
    </Alert>
  );
}
