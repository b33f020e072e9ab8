import diagnostics from 'node:diagnostics_channel';

/**
 * Named timings of hot paths, published on the Node diagnostics channel `leadflow:timing` for whoever subscribes in
 * the process (the benchmarks' probe, an APM agent). With no subscriber nothing is measured or sent.
 */
export const TIMING_CHANNEL = 'leadflow:timing';
const channel = diagnostics.channel(TIMING_CHANNEL);

export type Timing = {
  /** e.g. `distribution.step` (the distribution step inside capture's storing transaction). */
  name: string;
  ms: number;
  /** How many items the timed call handled (leads of a batch, notifications…). */
  count: number;
};

/** Runs `fn`, and publishes how long it took when someone listens. */
export async function timed<T>(name: string, count: number, fn: () => Promise<T>): Promise<T> {
  if (!channel.hasSubscribers) return fn();
  const started = performance.now();
  try {
    return await fn();
  } finally {
    channel.publish({ name, ms: performance.now() - started, count } satisfies Timing);
  }
}

/** Publishes a duration measured by the caller (a step made of parts that run apart, e.g. before and after an insert). */
export function publishTiming(name: string, ms: number, count: number): void {
  if (channel.hasSubscribers) channel.publish({ name, ms, count } satisfies Timing);
}

/** Whether anyone listens (a caller that measures by itself can skip the clock). */
export const timingWanted = (): boolean => channel.hasSubscribers;
