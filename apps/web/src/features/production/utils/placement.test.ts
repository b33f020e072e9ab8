import type { ProductionBoard, ProductionCard } from '@leadflow/shared/production';
import { describe, expect, it } from 'vitest';
import { isSamePlace, moveCardTo, placementFor } from './placement';

const card = (id: string, column: ProductionCard['column']): ProductionCard => ({
  id, title: id, priority: 'normal', column, openColumn: column === 'done' ? 'review' : column, position: 0, dueAt: '2026-12-24T10:00:00Z', allDay: false,
  assignee: null, lead: null, description: null, fileCount: 0, completedAt: null, createdAt: '', updatedAt: '', version: 1,
});
const board = (): ProductionBoard => ({
  columns: [
    { column: 'todo', count: 3, items: [card('a', 'todo'), card('b', 'todo'), card('c', 'todo')], nextCursor: null },
    { column: 'doing', count: 0, items: [], nextCursor: null },
    { column: 'review', count: 0, items: [], nextCursor: null },
    { column: 'done', count: 1, items: [card('d', 'done')], nextCursor: null },
  ],
});

describe('placement', () => {
  it('names the neighbours above and below the drop', () => {
    expect(placementFor('a', ['a', 'b', 'c'], 'todo', 'c', false)).toEqual({ to: 'todo', index: 1, afterId: 'b', beforeId: 'c' });
    expect(placementFor('a', ['a', 'b', 'c'], 'todo', 'c', true)).toEqual({ to: 'todo', index: 2, afterId: 'c', beforeId: null });
    expect(placementFor('x', ['d'], 'done', 'd', false)).toEqual({ to: 'done', index: 0, afterId: null, beforeId: 'd' });
    expect(placementFor('x', [], 'doing', null, false)).toEqual({ to: 'doing', index: 0, afterId: null, beforeId: null });
    expect(placementFor('b', ['a', 'b', 'c'], 'todo', 'b', true)).toMatchObject({ index: 1 });
  });

  it('recognises a drop that changes nothing', () => {
    const b = board();
    expect(isSamePlace(b.columns[0]!.items[1]!, b, placementFor('b', ['a', 'b', 'c'], 'todo', 'b', false))).toBe(true);
    expect(isSamePlace(b.columns[0]!.items[1]!, b, placementFor('b', ['a', 'b', 'c'], 'todo', 'a', false))).toBe(false);
  });

  it('moves a card between columns with the counts, keeping its open column when done', () => {
    const next = moveCardTo(board(), card('a', 'todo'), 'done', 1);
    expect(next.columns.map((c) => [c.column, c.count, c.items.map((i) => i.id).join('')])).toEqual([
      ['todo', 2, 'bc'], ['doing', 0, ''], ['review', 0, ''], ['done', 2, 'da'],
    ]);
    expect(next.columns[3]!.items[1]).toMatchObject({ column: 'done', openColumn: 'todo' });
    const within = moveCardTo(board(), card('c', 'todo'), 'todo', 0);
    expect(within.columns[0]!.items.map((i) => i.id)).toEqual(['c', 'a', 'b']);
    expect(within.columns[0]!.count).toBe(3);
  });
});
