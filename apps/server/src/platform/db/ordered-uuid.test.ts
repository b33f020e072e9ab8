import { describe, expect, it } from 'vitest';
import { orderedUuid } from './ordered-uuid.ts';

describe('orderedUuid', () => {
  it('is a version 7, RFC variant UUID carrying the millisecond it was made', () => {
    const at = Date.UTC(2026, 11, 6, 4, 0, 0, 123);
    const id = orderedUuid(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
  });

  it('sorts in creation order, within one millisecond too and past 4,096 ids in it', () => {
    const at = Date.UTC(2030, 0, 1);
    const ids = Array.from({ length: 10_000 }, () => orderedUuid(at));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    // A clock that steps back does not break the order either.
    const later = orderedUuid(at - 5_000);
    expect(later > ids[ids.length - 1]!).toBe(true);
  });
});
