import type { ProductionBoard, ProductionCard, ProductionColumn } from '@leadflow/shared/production';

/** Where a dropped card lands: its index in the target column (without it) and its neighbours there. */
export type Placement = { to: ProductionColumn; index: number; afterId: string | null; beforeId: string | null };

/**
 * The placement of `cardId` dropped on `overId` (a card of the target column; `below` when on its lower half) or on
 * the column itself (`overId` null: at the end of the loaded cards).
 */
export function placementFor(cardId: string, targetIds: readonly string[], to: ProductionColumn, overId: string | null, below: boolean): Placement {
  const others = targetIds.filter((id) => id !== cardId);
  let index = others.length;
  if (overId !== null && overId !== cardId) {
    const at = others.indexOf(overId);
    if (at >= 0) index = below ? at + 1 : at;
  } else if (overId === cardId) {
    const own = targetIds.indexOf(cardId);
    index = own >= 0 ? own : others.length;
  }
  return { to, index, afterId: others[index - 1] ?? null, beforeId: others[index] ?? null };
}

/** Whether a placement leaves the card where it is. */
export function isSamePlace(card: ProductionCard, board: ProductionBoard, p: Placement): boolean {
  if (card.column !== p.to) return false;
  const ids = board.columns.find((c) => c.column === p.to)?.items.map((i) => i.id) ?? [];
  return ids.indexOf(card.id) === p.index;
}

/** The board with the card taken out of its column and put at `index` of `to` (counts follow). */
export function moveCardTo(board: ProductionBoard, card: ProductionCard, to: ProductionColumn, index: number): ProductionBoard {
  const moved: ProductionCard = { ...card, column: to, openColumn: to === 'done' ? card.openColumn : to };
  return {
    columns: board.columns.map((column) => {
      const had = column.items.some((i) => i.id === card.id);
      let items = column.items.filter((i) => i.id !== card.id);
      let count = had ? column.count - 1 : column.count;
      if (column.column === to) {
        items = [...items];
        items.splice(Math.max(0, Math.min(index, items.length)), 0, moved);
        count += 1;
      }
      return { ...column, items, count };
    }),
  };
}
