import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, setUpOwner, type TestApp, type TestClient } from '../../test/app.ts';
import { nulAt } from './nul-guard.ts';

describe('NUL characters in requests', () => {
  it('are found at their path in any parsed JSON value, keys included', () => {
    expect(nulAt({ a: 'fine', b: [1, { c: 'x\u0000y' }] })).toBe('b.1.c');
    expect(nulAt(['ok', '\u0000'])).toBe('1');
    expect(nulAt({ ['k\u0000']: 1 })).toBe('k\u0000');
    expect(nulAt('\u0000')).toBe('');
    expect(nulAt({ a: 'fine', n: null, t: true, d: 1.5 })).toBeNull();
    // Deep nesting does not overflow the stack.
    let deep: unknown = 'bottom\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(nulAt(deep)?.split('.').length).toBe(100_000);
  });

  describe('over HTTP', () => {
    let t: TestApp;
    let owner: TestClient;
    beforeAll(async () => {
      t = await createTestApp();
      owner = (await setUpOwner(t)).owner;
    }, 120_000);
    afterAll(async () => {
      await t?.close();
    });

    it('are refused with a 400 naming the field, before anything is written', async () => {
      const count = async () => (await owner.get('/api/v1/leads/count')).json().count as number;
      const before = await count();
      for (const [payload, field] of [
        [{ firstName: 'Ann\u0000' }, 'firstName'],
        [{ firstName: 'Ann', emails: ['ok@example.com', 'bad\u0000@example.com'] }, 'emails.1'],
        [{ firstName: 'Ann', ['note\u0000']: 'x' }, 'note\\u0000'],
      ] as const) {
        const res = await owner.post('/api/v1/leads', payload);
        expect(res.statusCode, res.body).toBe(400);
        expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field });
      }
      const query = await owner.get(`/api/v1/leads?cursor=${encodeURIComponent('abc\u0000')}`);
      expect(query.statusCode, query.body).toBe(400);
      expect(query.json().error.field).toBe('cursor');
      // Inside the JSON of a list query, the search text and filter values are refused by the query's own checks.
      for (const q of [{ q: 'Ann\u0000' }, { filters: [{ field: 'city', op: 'eq', value: 'Rio\u0000' }] }]) {
        const res = await owner.get(`/api/v1/leads?query=${encodeURIComponent(JSON.stringify(q))}`);
        expect(res.statusCode, res.body).toBe(400);
      }
      expect(await count()).toBe(before);
      // The same request without the character goes through.
      expect((await owner.post('/api/v1/leads', { firstName: 'Ann' })).statusCode).toBe(201);
    });
  });
});
