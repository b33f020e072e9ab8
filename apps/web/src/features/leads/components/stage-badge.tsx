import type { Lead } from '@leadflow/shared/leads';
import { Badge } from '@mantine/core';
import { findStage, useLeadReferences } from '../hooks/use-lead-references';

const KIND_COLORS = { open: 'blue', won: 'teal', lost: 'red' } as const;

export function StageBadge({ stage, size = 'sm' }: { stage: Lead['stage']; size?: 'xs' | 'sm' | 'md' | 'lg' }) {
  const references = useLeadReferences();
  if (!stage) return null;
  const color = findStage(references, stage.id)?.stage.color ?? KIND_COLORS[stage.kind];
  return (
    <Badge size={size} variant="light" color={color} style={{ maxWidth: '100%' }}>
      {stage.name}
    </Badge>
  );
}
