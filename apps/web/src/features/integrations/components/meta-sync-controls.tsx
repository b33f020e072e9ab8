import type { metaSyncResult } from '@leadflow/shared/capture';
import { Alert, Button, Group, NumberInput, Stack } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { notifyError } from '@/lib/notify';
import { useSyncMetaConnection } from '../api/sync-meta-connection';
import { GraphError } from './graph-error';

type SyncResult = z.infer<typeof metaSyncResult>;

const MAX_BACKFILL_DAYS = 90;

type MetaSyncControlsProps = {
  connectionId: string;
  /** One form's leads only; without it, every form of the page. */
  formId?: string;
  disabled: boolean;
};

/** Sync now (the leads since the last sync, and a retry of failed ones) and a backfill of the last N days. */
export function MetaSyncControls({ connectionId, formId, disabled }: MetaSyncControlsProps) {
  const { t } = useTranslation();
  const sync = useSyncMetaConnection();
  const [days, setDays] = useState<number>(7);
  const [result, setResult] = useState<SyncResult | null>(null);
  const running = sync.isPending ? (sync.variables.days === undefined ? 'sync' : 'backfill') : null;

  const run = (backfillDays?: number) => {
    setResult(null);
    sync.mutate({ id: connectionId, formId, days: backfillDays }, { onSuccess: setResult, onError: notifyError });
  };

  return (
    <Stack gap="xs">
      <Group gap="xs" align="flex-end">
        <Button
          variant="default"
          leftSection={<IconRefresh size={16} />}
          loading={running === 'sync'}
          disabled={disabled || running === 'backfill'}
          onClick={() => run()}
        >
          {formId ? t('integrations.sync.nowForm') : t('integrations.sync.now')}
        </Button>
        <Group gap={6} align="flex-end" wrap="nowrap">
          <NumberInput
            label={t('integrations.sync.days')}
            min={1}
            max={MAX_BACKFILL_DAYS}
            clampBehavior="strict"
            allowDecimal={false}
            value={days}
            onChange={(value) => setDays(typeof value === 'number' ? value : 1)}
            w={110}
          />
          <Button
            variant="default"
            loading={running === 'backfill'}
            disabled={disabled || running === 'sync'}
            onClick={() => run(Math.min(Math.max(days, 1), MAX_BACKFILL_DAYS))}
          >
            {t('integrations.sync.backfill', { count: days })}
          </Button>
        </Group>
      </Group>
      {result?.error ? <GraphError error={result.error} title={t('integrations.sync.failed')} /> : null}
      {result && !result.error ? (
        <Alert color={result.failed > 0 ? 'yellow' : 'teal'} role="status" data-testid="meta-sync-result">
          {t('integrations.sync.result', {
            fetched: result.fetched,
            created: result.created,
            cameBack: result.cameBack,
            failed: result.failed,
          })}
        </Alert>
      ) : null}
    </Stack>
  );
}
