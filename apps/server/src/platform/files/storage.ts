import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Config } from '../config.ts';

/**
 * Where uploaded and generated files live (ADR 021). Keys are `/`-separated paths of letters, digits, `.`, `_` and
 * `-` (no `..`); by convention they start with the workspace id: `<workspaceId>/<area>/<id>`. The database row that
 * names a key is the authority on who may read it — the storage itself knows nothing of workspaces or users.
 */
export interface FileStorage {
  readonly kind: 'local';
  /**
   * Stores the bytes under `key` (replacing what was there only once all of them arrived). With `maxBytes`, a body
   * longer than that fails with FileTooLargeError and nothing is kept. `head` is the first bytes, for sniffing.
   */
  put(key: string, body: Readable | Buffer, options?: { maxBytes?: number }): Promise<{ sizeBytes: number; head: Buffer }>;
  /** The bytes, as a stream; FileMissingError when there is no such file. */
  get(key: string): Promise<{ stream: Readable; sizeBytes: number }>;
  /** Removes the file; no error when it is already gone. */
  delete(key: string): Promise<void>;
}

export class FileTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`The file is larger than ${maxBytes} bytes`);
  }
}
export class FileMissingError extends Error {}

const KEY = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;
const HEAD_BYTES = 4096;

export function assertKey(key: string): void {
  if (!KEY.test(key) || key.length > 500 || key.split('/').some((s) => s === '..' || s === '.')) throw new Error(`Bad storage key: ${key}`);
}

/** Counts the bytes going through, keeps the first few and stops past the limit. */
function meter(maxBytes: number | undefined) {
  let size = 0;
  const head: Buffer[] = [];
  let headLength = 0;
  const transform = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (maxBytes !== undefined && size > maxBytes) return done(new FileTooLargeError(maxBytes));
      if (headLength < HEAD_BYTES) {
        head.push(chunk.subarray(0, HEAD_BYTES - headLength));
        headLength += Math.min(chunk.length, HEAD_BYTES - headLength);
      }
      done(null, chunk);
    },
  });
  return { transform, result: () => ({ sizeBytes: size, head: Buffer.concat(head) }) };
}

/** Files in a folder (default `<DATA_DIR>/files`): written to a temporary name and renamed, so a reader never sees half a file. */
export function createLocalFileStorage(root: string): FileStorage {
  const resolve = (key: string) => {
    assertKey(key);
    const full = path.resolve(root, key);
    if (!full.startsWith(path.resolve(root) + path.sep)) throw new Error(`Bad storage key: ${key}`);
    return full;
  };
  return {
    kind: 'local',
    async put(key, body, options = {}) {
      const target = resolve(key);
      await fsp.mkdir(path.dirname(target), { recursive: true });
      const temp = `${target}.part-${randomBytes(6).toString('hex')}`;
      const m = meter(options.maxBytes);
      try {
        await pipeline(Buffer.isBuffer(body) ? Readable.from([body]) : body, m.transform, fs.createWriteStream(temp, { flags: 'wx' }));
        await fsp.rename(temp, target);
      } catch (err) {
        await fsp.rm(temp, { force: true });
        // Drain what the client still sends, so the request can be answered.
        if (!Buffer.isBuffer(body)) body.resume();
        throw err;
      }
      return m.result();
    },
    async get(key) {
      const full = resolve(key);
      try {
        const stat = await fsp.stat(full);
        return { stream: fs.createReadStream(full), sizeBytes: stat.size };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new FileMissingError(key);
        throw err;
      }
    },
    async delete(key) {
      await fsp.rm(resolve(key), { force: true });
    },
  };
}

/** The storage the configuration asks for: today the local folder `<DATA_DIR>/files`. */
export function createFileStorage(config: Pick<Config, 'dataDir'>): FileStorage {
  return createLocalFileStorage(path.join(config.dataDir, 'files'));
}
