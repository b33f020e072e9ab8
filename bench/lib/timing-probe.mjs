/**
 * Loaded into the benchmarked server with `node --import ./bench/lib/timing-probe.mjs`: subscribes to the app's
 * `leadflow:timing` diagnostics channel (apps/server/src/platform/timing/timing.ts) and appends each timing as a
 * JSON line `{ name, ms, count, at }` to the file named by LEADFLOW_TIMING_FILE, flushed twice a second and at exit.
 * Plain JavaScript: it is loaded before tsx.
 */
import diagnostics from 'node:diagnostics_channel';
import fs from 'node:fs';

const file = process.env.LEADFLOW_TIMING_FILE;
if (file) {
  let buffered = [];
  const flush = () => {
    if (!buffered.length) return;
    const lines = buffered.join('\n') + '\n';
    buffered = [];
    fs.appendFileSync(file, lines);
  };
  diagnostics.subscribe('leadflow:timing', (message) => {
    buffered.push(JSON.stringify({ ...message, at: Date.now() }));
  });
  setInterval(flush, 500).unref();
  process.on('exit', flush);
}
