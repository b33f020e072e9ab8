import { expect } from 'vitest';
import type { RunningServer } from './server.ts';

/**
 * The server's clock and scheduled jobs, for flows about what happens minutes later (ADR 031). The server must run
 * with `TEST_CONTROLS=true` (`startServer({ env: { TEST_CONTROLS: 'true' } })`); the browser keeps its own clock.
 */
export async function advanceServerClock(server: RunningServer, ms: number): Promise<Date> {
  const res = await fetch(`${server.baseUrl}/api/test/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ advanceMs: ms }),
  });
  const text = await res.text();
  expect(res.status, `advance the server clock: ${text}`).toBe(200);
  return new Date((JSON.parse(text) as { now: string }).now);
}

/** Sends a scheduled job (e.g. `distribution.sweep`) through the real queue now; resolves once a worker ran it. */
export async function runServerJob(server: RunningServer, name: string): Promise<void> {
  const res = await fetch(`${server.baseUrl}/api/test/jobs/${encodeURIComponent(name)}`, { method: 'POST' });
  const text = await res.text();
  expect(res.status, `run ${name}: ${text}`).toBe(200);
  expect((JSON.parse(text) as { state: string }).state, `run ${name}`).toBe('completed');
}
