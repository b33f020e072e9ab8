import { Anchor, Badge, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconHandGrab } from '@tabler/icons-react';
import { Link, useNavigate } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { LoadingScreen } from '@/components/loading-screen';
import { QueryError } from '@/components/query-error';
import { ApiError } from '@/lib/api-client';
import { notifyError, notifySuccess } from '@/lib/notify';
import type { LeadOffer } from '../api/distribution';
import { useClaimLead, useOffers, useSpeedToLead } from '../api/distribution';
import { useDistributionLiveUpdates } from '../hooks/use-distribution-live-updates';
import { useNow } from '../hooks/use-now';
import { formatDuration } from '../utils/labels';
import { MyAssignmentsSection } from './my-assignments';
import { UnassignedQueueSection } from './unassigned-queue';

type OfferCardProps = { offer: LeadOffer; now: number; claiming: boolean; disabled: boolean; onClaim: (offer: LeadOffer) => void };

function OfferCard({ offer, now, claiming, disabled, onClaim }: OfferCardProps) {
  const { t } = useTranslation();
  const left = Math.max(0, (new Date(offer.expiresAt).getTime() - now) / 1000);
  const details = [offer.lead.source, offer.lead.campaign, offer.lead.city].filter(Boolean).join(' · ');
  return (
    <Card withBorder padding="sm" data-testid={`offer-${offer.lead.name}`}>
      <Group justify="space-between" gap="xs" wrap="wrap">
        <Stack gap={2} style={{ flex: '1 1 12rem', minWidth: 0 }}>
          <Text fw={600} size="sm" style={{ overflowWrap: 'anywhere' }}>
            {offer.lead.name}
          </Text>
          {details ? (
            <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
              {details}
            </Text>
          ) : null}
          <Text size="xs" c="dimmed">
            {offer.ruleName ? `${offer.ruleName} · ` : ''}
            {t('distribution.offers.offeredTo', { count: offer.offeredTo.length })} · {t('distribution.offers.expiresIn', { time: formatDuration(left) })}
          </Text>
        </Stack>
        <Button
          leftSection={<IconHandGrab size={16} />}
          loading={claiming}
          disabled={disabled}
          aria-label={t('distribution.offers.claimLead', { name: offer.lead.name })}
          onClick={() => onClaim(offer)}
        >
          {t('distribution.offers.claim')}
        </Button>
      </Group>
    </Card>
  );
}

/** Leads offered to me (first to claim wins); each card disappears as soon as someone takes the lead. */
export function OffersSection() {
  const { t } = useTranslation();
  const offers = useOffers();
  const navigate = useNavigate();
  // Here, not in the card: the card goes away as soon as the lead is taken (by this very claim too), and the
  // answer must still lead to the lead's page.
  const claim = useClaimLead();
  const now = useNow(1_000);
  const open = (offers.data?.offers ?? []).filter((offer) => offer.status === 'open');
  const onClaim = (offer: LeadOffer) =>
    claim.mutate(offer.leadId, {
      onSuccess: () => {
        notifySuccess(t('distribution.offers.claimed', { name: offer.lead.name }));
        void navigate({ to: '/leads/$leadId', params: { leadId: offer.leadId } });
      },
      onError: (error) => {
        if (error instanceof ApiError && (error.status === 409 || error.status === 404)) {
          notifications.show({ color: 'yellow', message: t('distribution.offers.tooLate', { name: offer.lead.name }) });
        } else notifyError(error);
      },
    });
  return (
    <Stack gap="sm" data-testid="offers">
      <Title order={4}>{t('distribution.offers.title')}</Title>
      {offers.isPending ? <LoadingScreen /> : null}
      {offers.isError ? <QueryError error={offers.error} onRetry={() => void offers.refetch()} /> : null}
      {offers.isSuccess && open.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid="offers-empty">
          {t('distribution.offers.empty')}
        </Text>
      ) : null}
      {open.map((offer) => (
        <OfferCard
          key={offer.id}
          offer={offer}
          now={now}
          claiming={claim.isPending && claim.variables === offer.leadId}
          disabled={claim.isPending}
          onClaim={onClaim}
        />
      ))}
    </Stack>
  );
}

/** My leads that still wait for a first action (a call, a message, a note or a stage change), oldest first. */
export function NewLeadsSection({ userId }: { userId: string }) {
  const { t } = useTranslation();
  const speed = useSpeedToLead({ refetchInterval: 60_000, mine: true });
  const now = useNow();
  const mine = (speed.data?.waiting ?? []).filter((lead) => lead.ownerId === userId);
  const more = Math.max(0, (speed.data?.waitingNow ?? 0) - mine.length);
  return (
    <Stack gap="sm" data-testid="my-new-leads">
      <Title order={4}>{t('distribution.newLeads.title')}</Title>
      {speed.isPending ? <LoadingScreen /> : null}
      {speed.isError ? <QueryError error={speed.error} onRetry={() => void speed.refetch()} /> : null}
      {speed.isSuccess && mine.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid="my-new-leads-empty">
          {t('distribution.newLeads.empty')}
        </Text>
      ) : null}
      {mine.map((lead) => {
        const waited = (now - new Date(lead.assignedAt).getTime()) / 1000;
        const due = lead.slaDueAt ? (new Date(lead.slaDueAt).getTime() - now) / 1000 : null;
        return (
          <Card key={lead.leadId} withBorder padding="sm" data-testid={`new-lead-${lead.name}`}>
            <Group justify="space-between" gap="xs" wrap="wrap">
              <Anchor renderRoot={(props) => <Link to="/leads/$leadId" params={{ leadId: lead.leadId }} {...props} />} fw={600} size="sm" style={{ overflowWrap: 'anywhere' }}>
                {lead.name}
              </Anchor>
              <Group gap={6}>
                <Text size="xs" c="dimmed">
                  {t('distribution.newLeads.waiting', { time: formatDuration(waited) })}
                </Text>
                {due !== null ? (
                  <Badge size="sm" variant="light" color={due <= 0 ? 'red' : due < 120 ? 'orange' : 'blue'}>
                    {due <= 0 ? t('distribution.newLeads.slaMissed') : t('distribution.newLeads.slaLeft', { time: formatDuration(due) })}
                  </Badge>
                ) : null}
              </Group>
            </Group>
          </Card>
        );
      })}
      {more > 0 ? (
        <Text size="sm" c="dimmed" data-testid="my-new-leads-more">
          {t('distribution.newLeads.more', { count: more })}
        </Text>
      ) : null}
    </Stack>
  );
}

/**
 * The agent's queue: offers to claim, (for managers) the leads waiting for a manager, new leads waiting for a first
 * action, then their assignment history. Live.
 */
export function MyQueue({ userId, canAssign }: { userId: string; canAssign: boolean }) {
  useDistributionLiveUpdates();
  return (
    <Stack gap="xl">
      <OffersSection />
      {canAssign ? <UnassignedQueueSection /> : null}
      <NewLeadsSection userId={userId} />
      <MyAssignmentsSection userId={userId} />
    </Stack>
  );
}
