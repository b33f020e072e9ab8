import type { Lead } from '@leadflow/shared/leads';
import { Anchor, Badge, Group, Text } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { useLeadReferences } from '../hooks/use-lead-references';
import { EMPTY_VALUE, leadColumnText } from '../utils/format-lead-value';
import { StageBadge } from './stage-badge';

/** One cell of the lead list: names link to the lead, stages and tags are badges, the rest is text. */
export function LeadCell({ lead, columnId }: { lead: Lead; columnId: string }) {
  const { t } = useTranslation();
  const references = useLeadReferences();
  switch (columnId) {
    case 'name':
      return (
        <Anchor
          renderRoot={(props) => <Link to="/leads/$leadId" params={{ leadId: lead.id }} {...props} />}
          size="sm"
          fw={500}
          truncate
          onClick={(event) => event.stopPropagation()}
        >
          {lead.displayName}
        </Anchor>
      );
    case 'stageId':
      return lead.stage ? <StageBadge stage={lead.stage} /> : <Text size="sm" c="dimmed">{EMPTY_VALUE}</Text>;
    case 'ownerId':
      return lead.owner ? (
        <Text size="sm" truncate>
          {lead.owner.name}
        </Text>
      ) : (
        <Text size="sm" c="dimmed" truncate>
          {t('leads.values.unassigned')}
        </Text>
      );
    case 'tags':
      return lead.tags.length > 0 ? (
        <Group gap={4} wrap="nowrap" style={{ overflow: 'hidden' }}>
          {lead.tags.slice(0, 3).map((tag) => (
            <Badge key={tag} size="sm" variant="outline" color="gray" style={{ flexShrink: 0 }}>
              {tag}
            </Badge>
          ))}
          {lead.tags.length > 3 ? (
            <Text size="xs" c="dimmed">
              +{lead.tags.length - 3}
            </Text>
          ) : null}
        </Group>
      ) : (
        <Text size="sm" c="dimmed">
          {EMPTY_VALUE}
        </Text>
      );
    default: {
      const text = leadColumnText(lead, columnId, references);
      return (
        <Text size="sm" truncate c={text === EMPTY_VALUE ? 'dimmed' : undefined}>
          {text}
          {columnId === 'phone' && lead.phones.length > 1 ? ` +${lead.phones.length - 1}` : ''}
        </Text>
      );
    }
  }
}
