import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkContentType } from './content-type.ts';
import { createLocalFileStorage, FileMissingError, FileTooLargeError, type FileStorage } from './storage.ts';

let root: string;
let storage: FileStorage;
beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'lf-files-'));
  storage = createLocalFileStorage(root);
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

const read = async (s: Readable) => {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
};

describe('local file storage', () => {
  it('stores a stream, reads it back with its size and head, and deletes it (twice without error)', async () => {
    const body = Buffer.alloc(10_000, 7);
    const put = await storage.put('ws-1/area/file-1', Readable.from([body.subarray(0, 3000), body.subarray(3000)]));
    expect(put.sizeBytes).toBe(10_000);
    expect(put.head.length).toBe(4096);
    const got = await storage.get('ws-1/area/file-1');
    expect(got.sizeBytes).toBe(10_000);
    expect((await read(got.stream)).equals(body)).toBe(true);
    await storage.delete('ws-1/area/file-1');
    await storage.delete('ws-1/area/file-1');
    await expect(storage.get('ws-1/area/file-1')).rejects.toBeInstanceOf(FileMissingError);
  });

  it('refuses a body over the limit and keeps nothing, not even a partial file', async () => {
    await expect(storage.put('ws/big', Readable.from([Buffer.alloc(600), Buffer.alloc(600)]), { maxBytes: 1000 })).rejects.toBeInstanceOf(FileTooLargeError);
    expect(await fs.readdir(path.join(root, 'ws'))).toEqual([]);
    // Exactly at the limit is fine.
    expect((await storage.put('ws/ok', Buffer.alloc(1000), { maxBytes: 1000 })).sizeBytes).toBe(1000);
  });

  it('refuses keys that could leave the folder', async () => {
    for (const key of ['../x', 'a/../../x', '/etc/passwd', 'a//b', '.hidden', 'a/./b', 'a\\b']) {
      await expect(storage.put(key, Buffer.from('x'))).rejects.toThrow(/Bad storage key/);
    }
  });
});

describe('content type check', () => {
  const allowed = ['application/pdf', 'image/png', 'text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'];
  it('accepts a declared type whose bytes agree, refusing others', () => {
    expect(checkContentType('application/pdf', Buffer.from('%PDF-1.4'), allowed)).toEqual({ ok: true, type: 'application/pdf' });
    expect(checkContentType('Text/CSV; charset=utf-8', Buffer.from('a,b\n1,2'), allowed)).toEqual({ ok: true, type: 'text/csv' });
    expect(checkContentType('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', Buffer.from([0x50, 0x4b, 0x03, 0x04]), allowed).ok).toBe(true);
    expect(checkContentType('image/png', Buffer.from('%PDF-1.4'), allowed).ok).toBe(false);
    expect(checkContentType('text/csv', Buffer.from('%PDF-1.4'), allowed).ok).toBe(false);
    expect(checkContentType('text/csv', Buffer.from([0x61, 0x00, 0x62]), allowed).ok).toBe(false);
    expect(checkContentType('image/svg+xml', Buffer.from('<svg/>'), allowed).ok).toBe(false);
    expect(checkContentType(undefined, Buffer.from('x'), allowed).ok).toBe(false);
  });
});
