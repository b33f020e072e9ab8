import { Anchor, Badge, Group, Text } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { reasonLabel } from '../utils/labels';

const REASON_COLORS: Record<string, string> = {
  rule: 'blue',
  claim: 'teal',
  sla: 'orange',
  manual: 'grape',
  existing_owner: 'cyan',
  fallback: 'yellow',
  unassigned: 'gray',
};

/** Why a lead was assigned, as a coloured badge (rule, claim, SLA missed, by hand…). */
export function ReasonBadge({ reason, size = 'sm' }: { reason: string; size?: 'xs' | 'sm' }) {
  return (
    <Badge size={size} variant="light" color={REASON_COLORS[reason] ?? 'gray'} style={{ textTransform: 'none' }}>
      {reasonLabel(reason)}
    </Badge>
  );
}

/** The lead of an assignment record: a link to its page, or its name marked "In trash" when it was deleted. */
export function LogLead({ lead, strong = false }: { lead: { id: string; name: string; deleted: boolean }; strong?: boolean }) {
  const { t } = useTranslation();
  const weight = strong ? 600 : undefined;
  if (!lead.deleted) {
    return (
      <Anchor size="sm" fw={weight} style={{ overflowWrap: 'anywhere' }} renderRoot={(props) => <Link to="/leads/$leadId" params={{ leadId: lead.id }} {...props} />}>
        {lead.name}
      </Anchor>
    );
  }
  return (
    <Group gap={6} wrap="nowrap">
      <Text size="sm" fw={weight} style={{ overflowWrap: 'anywhere' }}>
        {lead.name}
      </Text>
      <Badge size="xs" variant="light" color="gray">
        {t('distribution.log.inTrash')}
      </Badge>
    </Group>
  );
}
