import { REFERRAL_TYPES, type ReferralType, type Referrer } from '@leadflow/shared/marketing';
import { Anchor, Badge, Button, Group, Paper, Select, Stack, Text, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { Link } from '@tanstack/react-router';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { notifyError } from '@/lib/notify';
import { useMarkReferral, useReferral, useReferrerSearch, useUnmarkReferral } from '../api/referral';

const optionValue = (r: Pick<Referrer, 'kind' | 'id'>) => `${r.kind}:${r.id}`;

function ReferralForm({ leadId, onDone }: { leadId: string; onDone: () => void }) {
  const { t } = useTranslation();
  const [type, setType] = useState<ReferralType>('regular');
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 250);
  const [picked, setPicked] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const results = useReferrerSearch(debounced, true);
  const mark = useMarkReferral(leadId);
  const options = useMemo(
    () =>
      (results.data?.referrers ?? [])
        .filter((r) => r.leadId !== leadId)
        .map((r) => ({ value: optionValue(r), label: r.kind === 'contact' ? `${r.name} (${t('referrals.contactOf', { name: r.leadName })})` : `${r.name} (${t('referrals.client')})` })),
    [results.data, leadId, t],
  );
  const save = () => {
    if (!picked) {
      setError(t('referrals.referrerHint'));
      return;
    }
    const [kind, id] = picked.split(':') as ['lead' | 'contact', string];
    mark.mutate(kind === 'lead' ? { type, referredByLeadId: id } : { type, referredByContactId: id }, {
      onSuccess: onDone,
      onError: (err) => {
        setError(err instanceof Error ? err.message : String(err));
        notifyError(err);
      },
    });
  };
  return (
    <Stack gap="xs">
      <Select
        label={t('referrals.type')}
        data={REFERRAL_TYPES.map((k) => ({ value: k, label: t(`referrals.types.${k}`) }))}
        value={type}
        onChange={(v) => setType((v as ReferralType | null) ?? 'regular')}
        allowDeselect={false}
      />
      <Select
        label={t('referrals.referrer')}
        description={t('referrals.referrerHint')}
        placeholder={t('referrals.searchReferrer')}
        searchable
        searchValue={search}
        onSearchChange={setSearch}
        filter={({ options: all }) => all}
        data={options}
        value={picked}
        onChange={setPicked}
        nothingFoundMessage={t('common.nothingFound')}
        error={error}
        data-testid="referrer-select"
      />
      <Group justify="flex-end" gap="xs">
        <Button variant="default" onClick={onDone}>
          {t('referrals.cancel')}
        </Button>
        <Button loading={mark.isPending} onClick={save}>
          {t('referrals.save')}
        </Button>
      </Group>
    </Stack>
  );
}

/** On the lead page: whether the lead came as a referral and from whom; mark, change or unmark it. */
export function ReferralCard({ leadId, canEdit }: { leadId: string; canEdit: boolean }) {
  const { t } = useTranslation();
  const referral = useReferral(leadId);
  const unmark = useUnmarkReferral(leadId);
  const [editing, setEditing] = useState(false);
  const info = referral.data?.referral ?? null;
  const referrerLeadId = info?.referrer?.leadId ?? '';
  return (
    <Paper withBorder p="md" mt="md" data-testid="referral-card">
      <Group justify="space-between" mb="xs">
        <Title order={3} size="h5">
          {t('referrals.title')}
        </Title>
        {canEdit && !editing ? (
          <Group gap="xs">
            <Button size="compact-sm" variant="default" onClick={() => setEditing(true)}>
              {info ? t('referrals.change') : t('referrals.mark')}
            </Button>
            {info ? (
              <Button size="compact-sm" variant="light" color="red" loading={unmark.isPending} onClick={() => unmark.mutate(undefined, { onError: notifyError })}>
                {t('referrals.unmark')}
              </Button>
            ) : null}
          </Group>
        ) : null}
      </Group>
      {editing ? (
        <ReferralForm leadId={leadId} onDone={() => setEditing(false)} />
      ) : info ? (
        <Group gap="xs">
          <Badge variant="light">{t(`referrals.types.${info.type}`)}</Badge>
          <Text size="sm">{t('referrals.referrer')}:</Text>
          {info.referrer ? (
            <Anchor renderRoot={(props) => <Link to="/leads/$leadId" params={{ leadId: referrerLeadId }} {...props} />} size="sm">
              {info.referrer.kind === 'contact' ? `${info.referrer.name} (${t('referrals.contactOf', { name: info.referrer.leadName })})` : info.referrer.name}
            </Anchor>
          ) : (
            <Text size="sm">—</Text>
          )}
        </Group>
      ) : (
        <Text size="sm" c="dimmed">
          {t('referrals.none')}
        </Text>
      )}
    </Paper>
  );
}
