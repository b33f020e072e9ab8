/**
 * Checks an upload's declared content type against an allow-list and against its first bytes: a file whose bytes
 * have a known signature must be of the declared type (a renamed executable does not pass as a PDF), and a text type
 * must look like text. Returns the type to store (parameters dropped, lower case) or a reason it was refused.
 */
const SIGNATURES: { type: string; test: (b: Buffer) => boolean }[] = [
  { type: 'application/pdf', test: (b) => b.subarray(0, 5).toString('latin1') === '%PDF-' },
  { type: 'image/png', test: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { type: 'image/jpeg', test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { type: 'image/gif', test: (b) => ['GIF87a', 'GIF89a'].includes(b.subarray(0, 6).toString('latin1')) },
  { type: 'image/webp', test: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP' },
  { type: 'zip', test: (b) => b[0] === 0x50 && b[1] === 0x4b && (b[2] === 0x03 || b[2] === 0x05) },
  { type: 'ole', test: (b) => b.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) },
];

/** Which signature family each allowed type must show ('text' = no signature, no NUL bytes). */
const FAMILY: Record<string, string> = {
  'application/pdf': 'application/pdf',
  'image/png': 'image/png',
  'image/jpeg': 'image/jpeg',
  'image/gif': 'image/gif',
  'image/webp': 'image/webp',
  'application/zip': 'zip',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'zip',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'zip',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'zip',
  'application/msword': 'ole',
  'application/vnd.ms-excel': 'ole',
  'text/plain': 'text',
  'text/csv': 'text',
};

export function normalizeContentType(declared: string | undefined): string {
  return (declared ?? '').split(';')[0]!.trim().toLowerCase();
}

export function checkContentType(declared: string | undefined, head: Buffer, allowed: readonly string[]): { ok: true; type: string } | { ok: false; reason: string } {
  const type = normalizeContentType(declared);
  if (!type || !allowed.includes(type) || !FAMILY[type]) return { ok: false, reason: `Files of type "${type || 'unknown'}" are not accepted` };
  const family = FAMILY[type]!;
  const found = SIGNATURES.find((s) => s.test(head))?.type;
  if (family === 'text') {
    if (found || head.includes(0)) return { ok: false, reason: `The file is not ${type} text` };
    return { ok: true, type };
  }
  if (found !== family) return { ok: false, reason: `The file's content is not ${type}` };
  return { ok: true, type };
}
