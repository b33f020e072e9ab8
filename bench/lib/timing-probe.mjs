/**
 * Loaded into the benchmarked server with `node --import ./bench/lib/timing-probe.mjs`: subscribes to the app's
 * `leadflow:timing` diagnostics channel (apps/server/src/platform/timing/timing.ts) and appends each timing as a
 * JSON line `{ name, ms, count, at }` to the file named by LEADFLOW_TIMING_FILE, flushed twice a second and at exit.
 * It also records what any timing of the process waits behind: `server.event_loop_stall`, the longest event-loop delay
 * of each second, and `server.gc_pause`, each garbage collection's pause (both stop every callback of the process).
 * With LEADFLOW_ROUND_TRIP_PROBE_MS and DATABASE_URL set, it also measures the floor under any PostgreSQL work of the
 * process: every that many ms, on a connection of its own, two `SELECT 1` one after the other, as the app's awaits
 * do (`server.round_trip`: the first; `server.two_round_trips`: both). They wait behind the same event loop, the same
 * cores and the same PostgreSQL as the app's statements, and do nothing else.
 * The same pair also runs in a worker thread of the server (`server.round_trip.thread`, `server.two_round_trips.thread`):
 * its own event loop and heap, so it waits behind the cores and PostgreSQL but not the app's JavaScript or GCs.
 * Plain JavaScript: it is loaded before tsx.
 */
import diagnostics from 'node:diagnostics_channel';
import fs from 'node:fs';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

const file = process.env.LEADFLOW_TIMING_FILE;
if (!isMainThread && workerData?.leadflowProbe) {
  // The same floor from a thread of its own: what a round trip costs when nothing else shares its event loop.
  // The thread keeps itself alive (nothing unref'd); the main thread's `worker.unref()` lets the process exit.
  probeRoundTrips(workerData.connectionString, workerData.every, (m) => parentPort.postMessage({ ...m, name: `${m.name}.thread` }), false);
} else if (file && isMainThread) {
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
  const every = Number(process.env.LEADFLOW_ROUND_TRIP_PROBE_MS ?? 0);
  if (every > 0 && process.env.DATABASE_URL) {
    // Without it the report has no floor line; the server's log says why.
    probeRoundTrips(process.env.DATABASE_URL, every, record).catch((err) => process.emitWarning(`round-trip probe stopped: ${err?.message ?? err}`));
    const worker = new Worker(new URL(import.meta.url), { workerData: { leadflowProbe: true, connectionString: process.env.DATABASE_URL, every } });
    worker.on('message', record);
    worker.on('error', (err) => process.emitWarning(`round-trip thread stopped: ${err?.message ?? err}`));
    worker.unref();
  }
}

/** Two bare round trips every `every` ms on a connection of the probe's own, until the process exits. */
async function probeRoundTrips(connectionString, every, record, unref = true) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString, application_name: 'leadflow-bench-probe' });
  client.on('error', () => undefined);
  await client.connect();
  // Neither the socket nor the timer keeps the server alive when it shuts down.
  if (unref) client.connection.stream.unref();
  await client.query('SELECT 1'); // warm: the first statement of a session is not the floor
  for (;;) {
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, every);
      if (unref) timer.unref();
    });
    const started = performance.now();
    await client.query('SELECT 1');
    const first = performance.now();
    await client.query('SELECT 1');
    const both = performance.now();
    record({ name: 'server.round_trip', ms: first - started, count: 1 });
    record({ name: 'server.two_round_trips', ms: both - started, count: 1 });
  }
}
