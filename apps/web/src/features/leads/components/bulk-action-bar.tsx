import { Button, Group, Paper, Popover, Select, Stack, TagsInput, Text } from '@mantine/core';
import { IconArrowsExchange, IconTag, IconTagOff, IconTrash, IconUserShare, IconX } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmButton } from '@/components/confirm-button';
import { currentLanguage } from '@/lib/i18n';
import { notifyError, notifySuccess } from '@/lib/notify';
import type { BulkAction } from '../api/bulk-update-leads';
import { useBulkUpdateLeads } from '../api/bulk-update-leads';
import type { LeadListQuery } from '../api/get-leads';
import { stageOptions, useLeadReferences } from '../hooks/use-lead-references';
import { NONE_VALUE } from '../utils/filters';
import type { LeadSelection } from '../utils/lead-selection';

type BulkActionBarProps = {
  selection: LeadSelection;
  query: LeadListQuery;
  /** How many leads the current filter matches, and whether that number is exact. */
  matching: { count: number; exact: boolean } | null;
  loadedCount: number;
  canSelectAllMatching: boolean;
  onSelectAllMatching: () => void;
  onClear: () => void;
};

const inPopover = { withinPortal: false } as const;

/** Shows while leads are ticked: act on them all at once, or on every lead the filter matches. */
export function BulkActionBar({
  selection,
  query,
  matching,
  loadedCount,
  canSelectAllMatching,
  onSelectAllMatching,
  onClear,
}: BulkActionBarProps) {
  const { t } = useTranslation();
  const references = useLeadReferences();
  const bulk = useBulkUpdateLeads();
  const format = (n: number) => new Intl.NumberFormat(currentLanguage()).format(n);
  const selectedCount = selection.all ? (matching?.count ?? loadedCount) : selection.ids.size;

  const run = (action: BulkAction, done?: () => void) =>
    bulk.mutate(
      {
        selection: selection.all ? { query: { filters: query.filters, q: query.q } } : { ids: [...selection.ids] },
        action,
      },
      {
        onSuccess: ({ affected }) => {
          notifySuccess(t('leads.bulk.done', { count: affected, formatted: format(affected) }));
          done?.();
          onClear();
        },
        onError: notifyError,
      },
    );

  const summary = selection.all
    ? matching && !matching.exact
      ? t('leads.bulk.allMatchingMany', { formatted: format(matching.count) })
      : t('leads.bulk.allMatching', { count: selectedCount, formatted: format(selectedCount) })
    : t('leads.bulk.selected', { count: selectedCount, formatted: format(selectedCount) });

  return (
    <Paper withBorder p="xs" data-testid="bulk-bar" role="region" aria-label={t('leads.bulk.label')}>
      <Stack gap={6}>
        <Group gap="xs" justify="space-between" wrap="wrap">
          <Group gap="xs" wrap="wrap">
            <Text size="sm" fw={600}>
              {summary}
            </Text>
            {canSelectAllMatching && !selection.all && matching ? (
              <Button variant="subtle" size="compact-sm" onClick={onSelectAllMatching}>
                {matching.exact
                  ? t('leads.bulk.selectAllMatching', { count: matching.count, formatted: format(matching.count) })
                  : t('leads.bulk.selectAllMatchingMany', { formatted: format(matching.count) })}
              </Button>
            ) : null}
          </Group>
          <Button variant="subtle" size="compact-sm" color="gray" leftSection={<IconX size={14} />} onClick={onClear}>
            {t('leads.bulk.clear')}
          </Button>
        </Group>
        <Group gap={6} wrap="wrap">
          {references.can('leads.assign') ? (
            <ChoiceAction
              icon={<IconUserShare size={16} />}
              label={t('leads.bulk.assign')}
              fieldLabel={t('leads.fields.ownerId')}
              data={[
                { value: NONE_VALUE, label: t('leads.values.unassigned') },
                ...references.members.map((member) => ({ value: member.id, label: member.name })),
              ]}
              loading={bulk.isPending}
              onApply={(value, done) => run({ type: 'assign', ownerId: value === NONE_VALUE ? null : value }, done)}
            />
          ) : null}
          {references.can('leads.edit') && references.pipelines.length > 0 ? (
            <ChoiceAction
              icon={<IconArrowsExchange size={16} />}
              label={t('leads.bulk.stage')}
              fieldLabel={t('leads.fields.stageId')}
              data={stageOptions(references)}
              loading={bulk.isPending}
              onApply={(value, done) => run({ type: 'set_stage', stageId: value }, done)}
            />
          ) : null}
          {references.can('leads.edit') ? (
            <>
              <TagsAction
                icon={<IconTag size={16} />}
                label={t('leads.bulk.addTags')}
                loading={bulk.isPending}
                onApply={(tags, done) => run({ type: 'add_tags', tags }, done)}
              />
              <TagsAction
                icon={<IconTagOff size={16} />}
                label={t('leads.bulk.removeTags')}
                loading={bulk.isPending}
                onApply={(tags, done) => run({ type: 'remove_tags', tags }, done)}
              />
            </>
          ) : null}
          {references.can('leads.delete') ? (
            <ConfirmButton
              size="xs"
              variant="light"
              leftSection={<IconTrash size={16} />}
              title={t('leads.bulk.deleteTitle')}
              message={t('leads.bulk.deleteMessage', { count: selectedCount, formatted: format(selectedCount) })}
              confirmLabel={t('leads.bulk.deleteConfirm')}
              loading={bulk.isPending}
              onConfirm={() => run({ type: 'delete' })}
            >
              {t('common.delete')}
            </ConfirmButton>
          ) : null}
        </Group>
      </Stack>
    </Paper>
  );
}

type ChoiceData = { value: string; label: string }[] | { group: string; items: { value: string; label: string }[] }[];

function ChoiceAction({
  icon,
  label,
  fieldLabel,
  data,
  loading,
  onApply,
}: {
  icon: ReactNode;
  label: string;
  fieldLabel: string;
  data: ChoiceData;
  loading: boolean;
  onApply: (value: string, done: () => void) => void;
}) {
  const { t } = useTranslation();
  const [opened, setOpened] = useState(false);
  const [value, setValue] = useState<string | null>(null);
  return (
    <Popover opened={opened} onChange={setOpened} width={280} shadow="md" trapFocus position="bottom-start">
      <Popover.Target>
        <Button size="xs" variant="default" leftSection={icon} onClick={() => setOpened((o) => !o)}>
          {label}
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap="sm">
          <Select label={fieldLabel} data={data} value={value} onChange={setValue} searchable comboboxProps={inPopover} data-autofocus />
          <Button
            disabled={value === null}
            loading={loading}
            onClick={() => {
              if (value !== null) onApply(value, () => setOpened(false));
            }}
          >
            {t('leads.bulk.apply')}
          </Button>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}

function TagsAction({
  icon,
  label,
  loading,
  onApply,
}: {
  icon: ReactNode;
  label: string;
  loading: boolean;
  onApply: (tags: string[], done: () => void) => void;
}) {
  const { t } = useTranslation();
  const [opened, setOpened] = useState(false);
  const [tags, setTags] = useState<string[]>([]);
  return (
    <Popover opened={opened} onChange={setOpened} width={280} shadow="md" trapFocus position="bottom-start">
      <Popover.Target>
        <Button size="xs" variant="default" leftSection={icon} onClick={() => setOpened((o) => !o)}>
          {label}
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap="sm">
          <TagsInput
            label={t('leads.fields.tags')}
            description={t('leads.bulk.tagsHint')}
            value={tags}
            onChange={setTags}
            comboboxProps={inPopover}
            data-autofocus
          />
          <Button
            disabled={tags.length === 0}
            loading={loading}
            onClick={() =>
              onApply(tags, () => {
                setTags([]);
                setOpened(false);
              })
            }
          >
            {t('leads.bulk.apply')}
          </Button>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}
