import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from './paths.ts';

/** How long a starting server may take to answer /readyz; E2E_READY_TIMEOUT_MS raises it on a loaded machine. */
const READY_TIMEOUT_MS = Number(process.env.E2E_READY_TIMEOUT_MS) || 60_000;
const STOP_TIMEOUT_MS = 20_000;
const OUTPUT_TAIL_LINES = 200;

export type RunningServer = {
  baseUrl: string;
  dataDir: string;
  /** The server's recent stdout/stderr, for failure messages. */
  output(): string;
  /** SIGTERM, wait for a clean exit, remove the data folder. Throws if the server did not shut down cleanly. */
  stop(): Promise<void>;
};

export type StartServerOptions = {
  /** Extra or overriding environment variables for the server process. */
  env?: Record<string, string>;
};

/**
 * Starts the real server (`node --import tsx apps/server/src/main.ts`) on a free
 * port with a fresh data folder (embedded PGlite), and waits until /readyz says 200.
 * It serves the built web app, so `npm run build` must have run first.
 */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'leadflow-e2e-'));

  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
    cwd: repoRoot,
    env: {
      ...inheritedEnv(),
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: baseUrl,
      DATA_DIR: dataDir,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  const tail: string[] = [];
  const collect = (stream: NodeJS.ReadableStream) => {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        tail.push(line);
        // At LOG_LEVEL=warn anything the server prints is worth seeing in the test log.
        process.stderr.write(`[server:${port}] ${line}\n`);
      }
      tail.splice(0, Math.max(0, tail.length - OUTPUT_TAIL_LINES));
    });
  };
  if (child.stdout) collect(child.stdout);
  if (child.stderr) collect(child.stderr);
  const output = () => tail.join('\n');

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const spawnFailed = new Promise<never>((_, reject) => child.once('error', reject));
  // If the test process dies without calling stop(), do not leave a server behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const cleanUp = async () => {
    process.off('exit', killOnExit);
    await rm(dataDir, { recursive: true, force: true });
  };

  try {
    await Promise.race([
      waitForReady(baseUrl),
      spawnFailed,
      exited.then(({ code, signal }) => {
        throw new Error(`server exited before it was ready (code ${code}, signal ${signal})`);
      }),
    ]);
  } catch (err) {
    await terminate(child, exited);
    await cleanUp();
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`startServer: ${message}\n--- server output ---\n${output()}`, { cause: err });
  }

  let stopped = false;
  return {
    baseUrl,
    dataDir,
    output,
    async stop() {
      if (stopped) return;
      stopped = true;
      const result = await terminate(child, exited);
      await cleanUp();
      if (result.code !== 0) {
        throw new Error(
          `server did not shut down cleanly on SIGTERM (code ${result.code}, signal ${result.signal})\n` +
            `--- server output ---\n${output()}`,
        );
      }
    },
  };
}

async function waitForReady(baseUrl: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = 'no response yet';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(5_000) });
      if (res.status === 200) return;
      last = `GET /readyz -> ${res.status} ${await res.text()}`;
    } catch (err) {
      last = `GET /readyz failed: ${err instanceof Error ? err.message : String(err)}`;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`not ready after ${READY_TIMEOUT_MS / 1000} s (${last})`);
}

async function terminate(
  child: ChildProcess,
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}

/** The test runner's environment minus what would point the server elsewhere or confuse it. */
function inheritedEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('VITEST')) continue;
    // Each e2e server gets its own embedded database; a developer's DATABASE_URL must not leak in.
    if (key === 'DATABASE_URL' || key === 'TEST_DATABASE_URL') continue;
    env[key] = value;
  }
  return env;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error('could not pick a free port'))));
    });
  });
}
