/**
 * Loaded into the benchmarked server with `node --import ./bench/lib/timing-probe.mjs`: subscribes to the app's
 * `leadflow:timing` diagnostics channel (apps/server/src/platform/timing/timing.ts) and appends each timing as a
 * JSON line `{ name, ms, count, at }` to the file named by LEADFLOW_TIMING_FILE, flushed twice a second and at exit.
 * It also records what any timing of the process waits behind: `server.event_loop_stall`, the longest event-loop delay
 * of each second, and `server.gc_pause`, each garbage collection's pause (both stop every callback of the process).
 * Plain JavaScript: it is loaded before tsx.
 */
import diagnostics from 'node:diagnostics_channel';
import fs from 'node:fs';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

const file = process.env.LEADFLOW_TIMING_FILE;
if (file) {
  let buffered = [];
  const flush = () => {
    if (!buffered.length) return;
    const lines = buffered.join('\n') + '\n';
    buffered = [];
    fs.appendFileSync(file, lines);
  };
  const record = (message) => buffered.push(JSON.stringify({ ...message, at: Date.now() }));
  diagnostics.subscribe('leadflow:timing', record);
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  setInterval(() => {
    record({ name: 'server.event_loop_stall', ms: delay.max / 1e6, count: 1 });
    delay.reset();
  }, 1000).unref();
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) record({ name: 'server.gc_pause', ms: e.duration, count: 1 });
  }).observe({ entryTypes: ['gc'] });
  setInterval(flush, 500).unref();
  process.on('exit', flush);
}
