import { and, asc, eq, isNull } from 'drizzle-orm';
import type { StageKind } from '@leadflow/shared/pipelines';
import type { DbOrTx } from '../../platform/db/client.ts';
import { invalid } from '../../platform/errors.ts';
import { lostReasons, type pipelineStages } from './pipelines.table.ts';

type Stage = Pick<typeof pipelineStages.$inferSelect, 'kind'>;

export type StageRulesInput = {
  /** Kind of the stage the lead is in now (null: none). */
  fromKind: StageKind | null;
  /** When it became a client, if it is one. */
  fromClientSince?: Date | null;
  to: Stage;
  /** The reason the request gives, if any. */
  lostReasonInput: string | null | undefined;
  /** The reason the lead has now: kept when a lost lead moves to another lost stage without a new one. */
  currentLostReason: string | null;
  at: Date;
  /** Where the reason sits in the request, for the error. */
  field: string;
};

/**
 * What a lead's stage decides, the same for a board move, an edit, and leads moved off an archived stage (ADR 009):
 * - a lost stage needs a reason: one of the workspace's active lost reasons (matched whatever the case, stored as
 *   the list spells it), or any text while the list is empty; any other stage clears the reason;
 * - a won stage makes the lead a client since now (a client moving between won stages keeps its date); any other
 *   stage clears it.
 */
export async function resolveStageRules(tx: DbOrTx, workspaceId: string, input: StageRulesInput): Promise<{ lostReason: string | null; clientSince: Date | null }> {
  const clientSince = input.to.kind === 'won' ? (input.fromKind === 'won' && input.fromClientSince ? input.fromClientSince : input.at) : null;
  if (input.to.kind !== 'lost') return { lostReason: null, clientSince };

  // A lost lead that moves without a new reason keeps the one it has, even if the list changed since.
  if (input.lostReasonInput === undefined && input.fromKind === 'lost' && input.currentLostReason?.trim()) {
    return { lostReason: input.currentLostReason, clientSince };
  }
  const reason = input.lostReasonInput?.trim();
  if (!reason) throw invalid(input.field, 'Moving a lead to a lost stage needs a lost reason');
  const list = await tx
    .select({ name: lostReasons.name })
    .from(lostReasons)
    .where(and(eq(lostReasons.workspaceId, workspaceId), isNull(lostReasons.archivedAt)))
    .orderBy(asc(lostReasons.position));
  if (!list.length) return { lostReason: reason.slice(0, 200), clientSince };
  const match = list.find((r) => r.name.toLocaleLowerCase() === reason.toLocaleLowerCase());
  if (!match) throw invalid(input.field, `Use one of the workspace's lost reasons: ${list.map((r) => r.name).join(', ')}`);
  return { lostReason: match.name, clientSince };
}
