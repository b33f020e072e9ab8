import { describe, expect, it } from 'vitest';
import { RESTORABLE_COLUMNS, toJson, updateLeadsStatement } from './import-sql.ts';
import { PgDialect } from 'drizzle-orm/pg-core';

describe('toJson (rows for jsonb_to_recordset)', () => {
  it('drops NUL and turns a lone surrogate into U+FFFD, which PostgreSQL would refuse as text', () => {
    expect(JSON.parse(toJson(['a\u0000b']))).toEqual(['ab']);
    expect(JSON.parse(toJson(['x\uD800y', 'z\uDC00']))).toEqual(['x\uFFFDy', 'z\uFFFD']);
    expect(toJson(['x\uD800y'])).not.toMatch(/\\ud800/i);
  });

  it('keeps what is data: surrogate pairs, a backslash followed by "u0000", plain text', () => {
    const rows = [{ a: '😀 João', b: 'back\\u0000slash', c: 'C:\\ud800\\x', d: null, e: ['t1', 't2'] }];
    expect(JSON.parse(toJson(rows))).toEqual(rows);
    expect(toJson(rows)).toBe(JSON.stringify(rows));
  });
});

describe('updateLeadsStatement', () => {
  it('writes every restorable column only where a row names it, in one statement with one JSON parameter', () => {
    const at = new Date('2025-03-01T12:00:00Z');
    const q = new PgDialect().sqlToQuery(updateLeadsStatement('ws-1', [{ id: 'l1', set: { company: 'A', tags: ['x'] } }, { id: 'l2', set: { nextFollowUpAt: at } }], at, true));
    for (const key of RESTORABLE_COLUMNS) expect(q.sql).toContain(`WHEN x.s ? '${key}'`);
    expect(q.sql).toContain('last_activity_at =');
    expect(q.params).toEqual([at.toISOString(), at.toISOString(), JSON.stringify([{ id: 'l1', s: { company: 'A', tags: ['x'] } }, { id: 'l2', s: { nextFollowUpAt: at.toISOString() } }]), 'ws-1']);
    const undo = new PgDialect().sqlToQuery(updateLeadsStatement('ws-1', [{ id: 'l1', set: { company: null } }], at, false));
    expect(undo.sql).not.toContain('last_activity_at');
  });
});
