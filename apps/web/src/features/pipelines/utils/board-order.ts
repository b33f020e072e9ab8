/** Where a card lands: its new column, and its neighbours there (the server orders by them). */
export type CardPlacement = {
  toStageId: string;
  /** The index in the target column's loaded cards, after the move. */
  index: number;
  /** The card that will be just above it, or null at the top of the column. */
  afterLeadId: string | null;
  /** The card that will be just below it, or null at the end of the loaded cards. */
  beforeLeadId: string | null;
};

/**
 * The placement of `leadId` dropped on `overLeadId` (a card of the target column) or on the column itself
 * (`overLeadId` null: at the end). `below` says the pointer is on the lower half of the card it is over.
 */
export function placementFor(
  leadId: string,
  targetIds: readonly string[],
  toStageId: string,
  overLeadId: string | null,
  below: boolean,
): CardPlacement {
  const others = targetIds.filter((id) => id !== leadId);
  let index = others.length;
  if (overLeadId !== null && overLeadId !== leadId) {
    const overIndex = others.indexOf(overLeadId);
    if (overIndex >= 0) index = below ? overIndex + 1 : overIndex;
  } else if (overLeadId === leadId) {
    // Dropped on itself: it stays where it is.
    const own = targetIds.indexOf(leadId);
    index = own >= 0 ? own : others.length;
  }
  return {
    toStageId,
    index,
    afterLeadId: others[index - 1] ?? null,
    beforeLeadId: others[index] ?? null,
  };
}

/**
 * The move request's position: right before the card that will be below it, else right after the card above it
 * (dropped below the last loaded card: unloaded cards stay below), else the column is empty (`beforeId: null`, last).
 */
export function positionOf(placement: CardPlacement): { beforeId?: string | null; afterId?: string } {
  if (placement.beforeLeadId) return { beforeId: placement.beforeLeadId };
  if (placement.afterLeadId) return { afterId: placement.afterLeadId };
  return { beforeId: null };
}

/** Whether a placement changes nothing (same column, same place). */
export function isSamePlace(leadId: string, fromStageId: string, fromIds: readonly string[], placement: CardPlacement): boolean {
  return placement.toStageId === fromStageId && fromIds.indexOf(leadId) === placement.index;
}

/** Removes the card from its column and inserts it at the placement's index in the target (the same one or another). */
export function moveCard<T extends { id: string }>(
  from: readonly T[],
  to: readonly T[] | null,
  card: T,
  index: number,
): { from: T[]; to: T[] } {
  const nextFrom = from.filter((item) => item.id !== card.id);
  const base = to === null ? nextFrom : to.filter((item) => item.id !== card.id);
  const nextTo = [...base];
  nextTo.splice(Math.max(0, Math.min(index, nextTo.length)), 0, card);
  return to === null ? { from: nextTo, to: nextTo } : { from: nextFrom, to: nextTo };
}

const DAY_MS = 86_400_000;

/** Whole days since a moment (0 on the same day), for a card's age. */
export function daysSince(iso: string, now: number): number {
  const then = Date.parse(iso);
  return Number.isFinite(then) ? Math.max(0, Math.floor((now - then) / DAY_MS)) : 0;
}

/** Initials for an avatar: first letters of the first and last words. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const first = words[0]?.[0] ?? '';
  const last = words.length > 1 ? (words[words.length - 1]?.[0] ?? '') : '';
  return (first + last).toUpperCase() || '?';
}
