import { Paper, Radio, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LoadingScreen } from '@/components/loading-screen';
import { QueryError } from '@/components/query-error';
import { notifyError, notifySuccess } from '@/lib/notify';
import type { CaptureSettings } from '../api/get-capture-settings';
import { useCaptureSettings } from '../api/get-capture-settings';
import { useUpdateCaptureSettings } from '../api/update-capture-settings';

type DuplicatePolicy = CaptureSettings['duplicatePolicy'];

function isPolicy(value: string): value is DuplicatePolicy {
  return value === 'merge' || value === 'always_create';
}

/** What happens when a captured lead is a person the workspace already has (same phone or email). */
export function CaptureSettingsCard() {
  const { t } = useTranslation();
  const settings = useCaptureSettings();
  const update = useUpdateCaptureSettings();
  // The choice shows at once, in the render of the click itself: a controlled radio whose value changed only when
  // the mutation's pending state arrived a moment later was put back by React first (it flickered to the old choice).
  const [chosen, setChosen] = useState<DuplicatePolicy | null>(null);

  if (settings.isPending) return <LoadingScreen />;
  if (settings.isError) return <QueryError error={settings.error} onRetry={() => void settings.refetch()} />;

  return (
    <Paper withBorder p="md" radius="md">
      <Stack gap="sm">
        <Title order={3}>{t('integrations.capture.title')}</Title>
        <Text size="sm" c="dimmed">
          {t('integrations.capture.description')}
        </Text>
        <Radio.Group
          label={t('integrations.capture.duplicates')}
          value={chosen ?? settings.data.duplicatePolicy}
          onChange={(value) => {
            if (!isPolicy(value) || value === settings.data.duplicatePolicy) return;
            setChosen(value);
            update.mutate(
              { duplicatePolicy: value },
              {
                onSuccess: () => notifySuccess(t('integrations.capture.saved')),
                onError: notifyError,
                // Saved: the settings query holds the new choice; failed: back to what is saved.
                onSettled: () => setChosen(null),
              },
            );
          }}
        >
          <Stack gap="sm" mt="xs">
            <Radio
              value="merge"
              disabled={update.isPending}
              label={t('integrations.capture.merge')}
              description={t('integrations.capture.mergeHelp')}
            />
            <Radio
              value="always_create"
              disabled={update.isPending}
              label={t('integrations.capture.alwaysCreate')}
              description={t('integrations.capture.alwaysCreateHelp')}
            />
          </Stack>
        </Radio.Group>
      </Stack>
    </Paper>
  );
}
