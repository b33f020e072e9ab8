import diagnostics from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import { TIMING_CHANNEL, timed, type Timing } from './timing.ts';

describe('timed', () => {
  const heard: Timing[] = [];
  const listener = (m: unknown) => heard.push(m as Timing);
  afterEach(() => {
    diagnostics.unsubscribe(TIMING_CHANNEL, listener);
    heard.length = 0;
  });

  it('publishes the name, the count and the time taken to a subscriber, and passes the result through', async () => {
    diagnostics.subscribe(TIMING_CHANNEL, listener);
    const result = await timed('test.step', 3, async () => {
      await new Promise((r) => setTimeout(r, 20));
      return 'done';
    });
    expect(result).toBe('done');
    expect(heard).toHaveLength(1);
    expect(heard[0]).toMatchObject({ name: 'test.step', count: 3 });
    expect(heard[0]!.ms).toBeGreaterThanOrEqual(15);
  });

  it('publishes a failed call too, and rethrows its error', async () => {
    diagnostics.subscribe(TIMING_CHANNEL, listener);
    await expect(timed('test.fail', 1, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(heard.map((t) => t.name)).toEqual(['test.fail']);
  });

  it('measures nothing without a subscriber', async () => {
    expect(await timed('test.quiet', 1, async () => 42)).toBe(42);
    expect(heard).toHaveLength(0);
  });
});
