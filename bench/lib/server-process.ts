/**
 * The app server as its own process for a benchmark: a free loopback port, `apps/server/src/main.ts` under tsx,
 * its last log lines kept for error reports, ready when `/readyz` answers 200. Shared by the board and ingest sets.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { ApiClient } from './http.ts';
import { assertBenchDatabaseName, withAdmin } from './sql.ts';
import { round } from './stats.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export type ServerProcess = { child: ChildProcess; base: string; log: string[]; startupMs: number };

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Drops and creates a `leadflow_bench*` database (the name is checked first). */
export async function recreateDatabase(url: string): Promise<void> {
  const name = assertBenchDatabaseName(url);
  await withAdmin(url, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  });
}

/** Resident memory of a process in MB (Linux /proc), or null. */
export function rssMb(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? round(Number(m[1]) / 1024, 1) : null;
  } catch {
    return null;
  }
}

/** CPU seconds a process has used (user + system), from `/proc/<pid>/stat`; null where there is no /proc. */
export function processCpuSeconds(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/**
 * Pins processes to CPUs with `taskset` (util-linux), every thread of each: `server` gets `serverCpus`, this harness
 * and every PostgreSQL process (the postmaster too, so the backends it forks later inherit it) get `otherCpus`.
 * Measures the server as if it had its cores to itself, as it has in a deployment where the database runs elsewhere.
 * Changing another user's processes needs root. Returns an undo that gives every one of them all CPUs again.
 */
export function pinProcesses(serverPid: number, serverCpus: string, otherCpus: string): () => void {
  const all = `0-${os.cpus().length - 1}`;
  const postgres = () => execFileSync('pgrep', ['-x', 'postgres'], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  const pin = (pid: number, cpus: string) => {
    try {
      execFileSync('taskset', ['-a', '-cp', cpus, String(pid)], { stdio: 'ignore' });
    } catch {
      // The process ended meanwhile (a PostgreSQL backend).
    }
  };
  pin(serverPid, serverCpus);
  for (const pid of [process.pid, ...postgres()]) pin(pid, otherCpus);
  // Backends forked since inherited the pinning from the postmaster: look them up again.
  return () => {
    for (const pid of [process.pid, ...postgres()]) pin(pid, all);
  };
}

/** CPU seconds the whole machine has been busy (all cores, everything but idle and iowait), from `/proc/stat`. */
export function machineBusyCpuSeconds(): number | null {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const [, ...ticks] = line.trim().split(/\s+/);
    const n = ticks.map(Number);
    const total = n.slice(0, 8).reduce((a, b) => a + b, 0);
    return (total - n[3]! - n[4]!) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** Linux reports CPU times in clock ticks of 1/100 s (USER_HZ) on every architecture we run on. */
const CLOCK_TICKS = 100;

/**
 * Starts the server on `databaseUrl` in production mode with `env` on top (JOBS_ENABLED, LOG_LEVEL…) and waits up
 * to 90 s for it to be ready; `nodeArgs` go before the entry (e.g. `--cpu-prof`). `databaseUrl` null: the embedded
 * PGlite database in `env.DATA_DIR` (no DATABASE_URL at all, as a user runs it without PostgreSQL).
 */
export async function startServerProcess(databaseUrl: string | null, env: Record<string, string>, nodeArgs: string[] = []): Promise<ServerProcess> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const log: string[] = [];
  const spawnedAt = performance.now();
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: base, LOG_LEVEL: 'warn', ...env };
  if (databaseUrl === null) delete childEnv.DATABASE_URL;
  else childEnv.DATABASE_URL = databaseUrl;
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'apps/server/src/main.ts'], {
    cwd: ROOT,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) log.push(line.slice(0, 500));
    if (log.length > 200) log.splice(0, log.length - 200);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const deadline = Date.now() + 90_000;
  const probe = new ApiClient(base);
  try {
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`The server exited (${child.exitCode}):\n${log.slice(-20).join('\n')}`);
      const res = await probe.get('/readyz', { timeoutMs: 2000 }).catch(() => null);
      if (res?.status === 200) return { child, base, log, startupMs: performance.now() - spawnedAt };
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    probe.close();
  }
  child.kill('SIGKILL');
  throw new Error(`The server did not become ready within 90 s:\n${log.slice(-20).join('\n')}`);
}

/** SIGTERM (graceful shutdown), SIGKILL after 15 s. */
export async function stopServerProcess(s: ServerProcess | undefined): Promise<void> {
  if (!s || s.child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => s.child.once('exit', () => resolve()));
  s.child.kill('SIGTERM');
  const timer = setTimeout(() => s.child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}
