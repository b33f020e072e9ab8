import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.ts';
import { ConfigError, loadConfig } from '../config.ts';

describe('test controls (ADR 031)', () => {
  it('are refused outside NODE_ENV=test, naming the variable, and off unless asked for', () => {
    for (const NODE_ENV of ['production', 'development']) {
      expect(() => loadConfig({ NODE_ENV, TEST_CONTROLS: 'true' })).toThrow(ConfigError);
      expect(() => loadConfig({ NODE_ENV, TEST_CONTROLS: 'true' })).toThrow(/TEST_CONTROLS: only allowed with NODE_ENV=test/);
    }
    expect(loadConfig({ NODE_ENV: 'test' }).testControls).toBe(false);
    expect(loadConfig({ NODE_ENV: 'test', TEST_CONTROLS: 'true' }).testControls).toBe(true);
  });

  describe('without TEST_CONTROLS', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp();
    });
    afterAll(async () => {
      await t?.close();
    });

    it('the routes do not exist and the clock is the real one', async () => {
      const before = t.deps.now().getTime();
      for (const [method, url, payload] of [
        ['GET', '/api/test/clock', undefined],
        ['POST', '/api/test/clock', { advanceMs: 60_000 }],
        ['POST', '/api/test/jobs/distribution.sweep', {}],
      ] as const) {
        const res = await t.app.inject({ method, url, ...(payload ? { payload } : {}) });
        expect(res.statusCode, `${method} ${url}`).toBe(404);
      }
      expect(Math.abs(t.deps.now().getTime() - before)).toBeLessThan(5_000);
      const spec = (await t.app.inject({ method: 'GET', url: '/api/docs/json' })).json<{ paths: Record<string, unknown> }>();
      expect(Object.keys(spec.paths).filter((p) => p.startsWith('/api/test'))).toEqual([]);
    });
  });

  describe('with TEST_CONTROLS=true', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ TEST_CONTROLS: 'true', JOBS_ENABLED: 'true' });
      await t.deps.jobs.start();
    });
    afterAll(async () => {
      await t?.close();
    });

    it('moves the clock every service reads forward, never back, and validates the step', async () => {
      const start = (await t.app.inject({ method: 'GET', url: '/api/test/clock' })).json<{ now: string; offsetMs: number }>();
      expect(start.offsetMs).toBe(0);
      expect(Math.abs(Date.parse(start.now) - Date.now())).toBeLessThan(5_000);

      const moved = await t.app.inject({ method: 'POST', url: '/api/test/clock', payload: { advanceMs: 6 * 60_000 } });
      expect(moved.statusCode).toBe(200);
      expect(moved.json<{ offsetMs: number }>().offsetMs).toBe(6 * 60_000);
      // deps.now() is what the services read (sessions, offers, SLA clocks, the sweep).
      expect(t.deps.now().getTime() - Date.now()).toBeGreaterThan(6 * 60_000 - 5_000);

      for (const [payload, field] of [
        [{ advanceMs: -1 }, 'advanceMs'],
        [{ advanceMs: 0 }, 'advanceMs'],
        [{ advanceMs: 1.5 }, 'advanceMs'],
        [{ advanceMs: 400 * 24 * 60 * 60_000 }, 'advanceMs'],
        [{}, 'advanceMs'],
        [{ advanceMs: 1000, back: true }, 'back'],
      ] as const) {
        const res = await t.app.inject({ method: 'POST', url: '/api/test/clock', payload });
        expect(res.statusCode, JSON.stringify(payload)).toBe(400);
        expect(res.json<{ error: { field: string } }>().error.field).toBe(field);
      }
      expect((await t.app.inject({ method: 'GET', url: '/api/test/clock' })).json<{ offsetMs: number }>().offsetMs).toBe(6 * 60_000);
    });

    it('answer only callers on the loopback address', async () => {
      for (const [method, url] of [
        ['GET', '/api/test/clock'],
        ['POST', '/api/test/jobs/distribution.sweep'],
      ] as const) {
        const res = await t.app.inject({ method, url, remoteAddress: '10.0.0.7' });
        expect(res.statusCode, `${method} ${url}`).toBe(403);
      }
      const res = await t.app.inject({ method: 'POST', url: '/api/test/clock', payload: { advanceMs: 1000 }, remoteAddress: '203.0.113.5' });
      expect(res.statusCode).toBe(403);
      expect((await t.app.inject({ method: 'GET', url: '/api/test/clock' })).json<{ offsetMs: number }>().offsetMs).toBe(6 * 60_000);
    });

    it('runs a scheduled job through the queue and answers when a worker has run it', async () => {
      const res = await t.app.inject({ method: 'POST', url: '/api/test/jobs/distribution.sweep' });
      expect(res.statusCode, res.body).toBe(200);
      const { id, state } = res.json<{ id: string; state: string }>();
      expect(state).toBe('completed');
      const { rows } = await t.deps.database.query<{ state: string }>('SELECT state FROM pgboss.job WHERE id = $1', [id]);
      expect(rows[0]?.state).toBe('completed');

      const unknown = await t.app.inject({ method: 'POST', url: '/api/test/jobs/no.such-job' });
      expect(unknown.statusCode).toBe(404);
      const bad = await t.app.inject({ method: 'POST', url: '/api/test/jobs/DROP%20TABLE' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json<{ error: { field: string } }>().error.field).toBe('name');
    });
  });
});
