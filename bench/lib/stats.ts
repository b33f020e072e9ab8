export type LatencyStats = {
  count: number;
  errors: number;
  firstError: string | null;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
  /** Completed requests per second over the measured (post warm-up) wall time. */
  throughput: number;
  wallMs: number;
  /** True when the time limit stopped the run before `count` reached the requested number. */
  timedOut: boolean;
};

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export const round = (n: number, digits = 2): number => (Number.isFinite(n) ? Number(n.toFixed(digits)) : n);

export function summarize(durations: number[], errors: number, firstError: string | null, wallMs: number, timedOut: boolean): LatencyStats {
  const sorted = [...durations].sort((a, b) => a - b);
  const sum = sorted.reduce((s, d) => s + d, 0);
  return {
    count: sorted.length,
    errors,
    firstError,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    mean: round(sorted.length ? sum / sorted.length : NaN),
    max: round(sorted.length ? sorted[sorted.length - 1]! : NaN),
    throughput: round(wallMs > 0 ? (sorted.length / wallMs) * 1000 : NaN, 1),
    wallMs: Math.round(wallMs),
    timedOut,
  };
}

export type LoadOptions = { requests: number; warmup: number; concurrency: number; maxSeconds: number };

/**
 * Runs `task` `warmup` times (not measured), then `requests` times with at most `concurrency` in flight,
 * stopping early when `maxSeconds` have passed. Bounded in count and time.
 */
export async function runLoad(task: (i: number) => Promise<void>, o: LoadOptions): Promise<LatencyStats> {
  const deadline = performance.now() + o.maxSeconds * 1000;
  let next = 0;
  const warm = async () => {
    while (next < o.warmup && performance.now() < deadline) {
      const i = next++;
      await task(i).catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency, Math.max(1, o.warmup)) }, warm));

  const durations: number[] = [];
  let errors = 0;
  let firstError: string | null = null;
  let issued = 0;
  let timedOut = false;
  const started = performance.now();
  const worker = async () => {
    while (issued < o.requests) {
      if (performance.now() > deadline) {
        timedOut = true;
        return;
      }
      const i = o.warmup + issued++;
      const t0 = performance.now();
      try {
        await task(i);
        durations.push(performance.now() - t0);
      } catch (err) {
        errors++;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  return summarize(durations, errors, firstError, performance.now() - started, timedOut);
}

export function fmtMs(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  if (n >= 1000) return `${(n / 1000).toFixed(2)} s`;
  if (n >= 100) return `${n.toFixed(0)} ms`;
  if (n >= 10) return `${n.toFixed(1)} ms`;
  return `${n.toFixed(2)} ms`;
}
