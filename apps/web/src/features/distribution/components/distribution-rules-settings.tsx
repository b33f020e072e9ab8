import { Alert, Button, Grid, Group, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LoadingScreen } from '@/components/loading-screen';
import { QueryError } from '@/components/query-error';
import { useLeadReferences } from '@/features/leads/hooks/use-lead-references';
import type { DistributionRule } from '../api/distribution';
import { useDistributionRules } from '../api/distribution';
import { missingFieldConditions } from '../utils/rule-form';
import { RuleEditorModal } from './rule-editor-modal';
import { RulesList } from './rules-list';
import { SimulatorPanel } from './simulator-panel';

/** Settings › Distribution › Rules: the rules in priority order, their editor, and the simulator. */
export function DistributionRulesSettings({ canEdit }: { canEdit: boolean }) {
  const { t } = useTranslation();
  const references = useLeadReferences();
  const rules = useDistributionRules();
  // undefined: closed; null: a new rule.
  const [editing, setEditing] = useState<DistributionRule | null | undefined>(undefined);
  if (rules.isPending) return <LoadingScreen />;
  if (rules.isError) return <QueryError error={rules.error} onRetry={() => void rules.refetch()} />;
  const list = rules.data.rules;
  const broken = list.filter((rule) => missingFieldConditions(rule.conditions, references.customFields).length > 0);
  const enabled = list.filter((rule) => rule.enabled);
  const hasDefault = enabled.some((rule) => rule.conditions.length === 0);

  return (
    <Grid gap="lg">
      <Grid.Col span={{ base: 12, lg: 7 }}>
        <Stack gap="sm">
          <Group justify="space-between" gap="xs">
            <Text size="sm" c="dimmed" style={{ flex: '1 1 14rem' }}>
              {t('distribution.rulesHint')}
            </Text>
            {canEdit ? (
              <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing(null)}>
                {t('distribution.addRule')}
              </Button>
            ) : null}
          </Group>
          {broken.length > 0 ? (
            <Alert color="red" icon={<IconAlertTriangle size={18} />} title={t('distribution.brokenTitle')} data-testid="rules-broken">
              {t('distribution.brokenMessage', { names: broken.map((rule) => rule.name).join(', ') })}
            </Alert>
          ) : null}
          {list.length === 0 ? (
            <Alert color="gray" data-testid="rules-empty">
              {t('distribution.empty')}
            </Alert>
          ) : (
            <RulesList rules={list} canEdit={canEdit} onEdit={setEditing} />
          )}
          {list.length > 0 && !hasDefault ? (
            <Text size="xs" c="dimmed" data-testid="rules-no-default">
              {t('distribution.noDefault')}
            </Text>
          ) : null}
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, lg: 5 }}>
        <SimulatorPanel />
      </Grid.Col>
      {editing !== undefined ? <RuleEditorModal rule={editing} rules={list} onClose={() => setEditing(undefined)} /> : null}
    </Grid>
  );
}
