import type { moveLeadRequest } from '@leadflow/shared/pipelines';
import { moveLeadResponse } from '@leadflow/shared/pipelines';
import type { z } from 'zod';
import { api } from '@/lib/api-client';

export type MoveLeadInput = z.input<typeof moveLeadRequest>;

/** Moves a lead to a stage and a place in its column; a stale `version` is refused with 409 CONFLICT. */
export function moveLead({ leadId, ...body }: MoveLeadInput & { leadId: string }) {
  return api.post(`/leads/${encodeURIComponent(leadId)}/move`, { body, schema: moveLeadResponse });
}
