import type { Cipher } from '../../platform/secrets/crypto.ts';
import { randomToken } from '../../platform/secrets/crypto.ts';

/** What a rendered form carries: which form, when the page was served, and a one-time nonce. */
export type FormToken = { formId: string; issuedAt: number; nonce: string };

/**
 * Sealed with the app's AES-256-GCM key: a bot can neither read the time nor forge an older one, and every
 * instance that shares ENCRYPTION_KEY can check it. The nonce makes each served page submit at most once.
 */
export function issueFormToken(cipher: Cipher, formId: string, at: Date): string {
  const token: FormToken = { formId, issuedAt: at.getTime(), nonce: randomToken(12) };
  return cipher.encrypt(JSON.stringify({ f: token.formId, t: token.issuedAt, n: token.nonce }));
}

/** The token's content when it is genuine and belongs to this form; null for anything else. */
export function openFormToken(cipher: Cipher, formId: string, sealed: unknown): FormToken | null {
  if (typeof sealed !== 'string' || sealed.length > 500) return null;
  try {
    const data = JSON.parse(cipher.decrypt(sealed)) as { f?: unknown; t?: unknown; n?: unknown };
    if (data.f !== formId || typeof data.t !== 'number' || typeof data.n !== 'string' || !data.n) return null;
    return { formId, issuedAt: data.t, nonce: data.n };
  } catch {
    return null;
  }
}
