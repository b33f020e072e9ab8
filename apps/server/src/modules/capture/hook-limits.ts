/**
 * Per-key budgets for the public `/hooks/*` endpoints, in memory per instance (a one-minute window that opens with its first use).
 *
 * What is counted is chosen so that a legitimate burst is never refused: on `/hooks/meta` only *rejected*
 * deliveries (no or wrong signature, malformed body, a page nobody connected) spend an address's budget, so
 * Meta's bursts for a connected page — however large — always pass; on `/hooks/intake` a key's budget is
 * generous and a refused caller gets 429 with Retry-After (Zapier and similar tools retry on it), while
 * unauthenticated attempts per address have a small budget of their own.
 */
export type HookLimiter = {
  /** True when the key has spent its budget in the current window. */
  exhausted(key: string): boolean;
  /** Spends one unit; true when this took the key over its budget. */
  spend(key: string): boolean;
  /** Seconds until the current window ends. */
  retryAfterSeconds(): number;
};

export function createHookLimiter(options: { perMinute: number; now?: () => number; maxKeys?: number }): HookLimiter {
  const now = options.now ?? Date.now;
  const maxKeys = options.maxKeys ?? 50_000;
  let windowStart = 0;
  let counts = new Map<string, number>();

  const roll = () => {
    const t = now();
    if (t - windowStart >= 60_000) {
      windowStart = t;
      counts = new Map();
    }
  };

  return {
    exhausted(key) {
      roll();
      return (counts.get(key) ?? 0) >= options.perMinute;
    },
    spend(key) {
      roll();
      // A flood of distinct addresses must not grow the map without bound: past the cap, only known keys count.
      if (!counts.has(key) && counts.size >= maxKeys) return false;
      const n = (counts.get(key) ?? 0) + 1;
      counts.set(key, n);
      return n > options.perMinute;
    },
    retryAfterSeconds() {
      roll();
      return Math.max(1, Math.ceil((windowStart + 60_000 - now()) / 1000));
    },
  };
}
