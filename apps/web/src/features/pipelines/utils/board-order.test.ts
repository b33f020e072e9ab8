import { describe, expect, it } from 'vitest';
import { daysSince, initials, isSamePlace, moveCard, placementFor, positionOf } from './board-order';

const ids = ['a', 'b', 'c'];

describe('placementFor', () => {
  it('drops above the card under the pointer on its upper half', () => {
    expect(placementFor('x', ids, 's2', 'b', false)).toEqual({ toStageId: 's2', index: 1, afterLeadId: 'a', beforeLeadId: 'b' });
  });

  it('drops below it on its lower half', () => {
    expect(placementFor('x', ids, 's2', 'b', true)).toEqual({ toStageId: 's2', index: 2, afterLeadId: 'b', beforeLeadId: 'c' });
  });

  it('drops at the end on the column itself', () => {
    expect(placementFor('x', ids, 's2', null, false)).toEqual({ toStageId: 's2', index: 3, afterLeadId: 'c', beforeLeadId: null });
  });

  it('reorders within a column without counting the card itself', () => {
    expect(placementFor('a', ids, 's1', 'c', true)).toEqual({ toStageId: 's1', index: 2, afterLeadId: 'c', beforeLeadId: null });
    expect(placementFor('c', ids, 's1', 'a', false)).toEqual({ toStageId: 's1', index: 0, afterLeadId: null, beforeLeadId: 'a' });
  });

  it('keeps a card dropped on itself where it is', () => {
    const placement = placementFor('b', ids, 's1', 'b', true);
    expect(placement.index).toBe(1);
    expect(isSamePlace('b', 's1', ids, placement)).toBe(true);
  });
});

describe('positionOf', () => {
  it('names the card below, else the card above, else asks for the end of an empty column', () => {
    expect(positionOf(placementFor('x', ids, 's', 'b', false))).toEqual({ beforeId: 'b' });
    expect(positionOf(placementFor('x', ids, 's', null, false))).toEqual({ afterId: 'c' });
    expect(positionOf(placementFor('x', [], 's', null, false))).toEqual({ beforeId: null });
  });
});

describe('moveCard', () => {
  const card = (id: string) => ({ id });
  it('moves between columns', () => {
    expect(moveCard([card('a'), card('b')], [card('c')], card('a'), 0)).toEqual({ from: [card('b')], to: [card('a'), card('c')] });
  });

  it('reorders within one column', () => {
    const { from, to } = moveCard([card('a'), card('b'), card('c')], null, card('a'), 2);
    expect(to.map((c) => c.id)).toEqual(['b', 'c', 'a']);
    expect(from).toBe(to);
  });
});

describe('card facts', () => {
  const now = Date.parse('2026-03-10T12:00:00Z');
  it('counts whole days and makes initials', () => {
    expect(daysSince('2026-03-08T13:00:00Z', now)).toBe(1);
    expect(initials('Ana Maria Souza')).toBe('AS');
    expect(initials('bob')).toBe('B');
    expect(initials('  ')).toBe('?');
  });
});
