import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, generateTotpSecret, totpAt, totpUri, verifyTotp } from './totp.ts';

// RFC 6238 appendix B, SHA-1 secret "12345678901234567890", truncated to 6 digits.
const RFC_SECRET = Buffer.from('12345678901234567890');
const VECTORS: [number, string][] = [
  [59, '287082'],
  [1111111109, '081804'],
  [1111111111, '050471'],
  [1234567890, '005924'],
  [2000000000, '279037'],
];

describe('totp', () => {
  it.each(VECTORS)('matches RFC 6238 at %i', (t, code) => {
    expect(totpAt(RFC_SECRET, t)).toBe(code);
  });

  it('round-trips base32', () => {
    const secret = generateTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Encode(base32Decode(secret))).toBe(secret);
  });

  it('accepts one step of drift and refuses more', () => {
    const secret = base32Encode(RFC_SECRET);
    const now = new Date(1111111111 * 1000);
    expect(verifyTotp(secret, '050471', now)).toBe(true);
    expect(verifyTotp(secret, totpAt(RFC_SECRET, 1111111111 - 30), now)).toBe(true);
    expect(verifyTotp(secret, totpAt(RFC_SECRET, 1111111111 + 90), now)).toBe(false);
    expect(verifyTotp(secret, 'abcdef', now)).toBe(false);
  });

  it('builds an otpauth URI', () => {
    expect(totpUri('ABC', 'ana@example.com', 'LeadFlow')).toBe(
      'otpauth://totp/LeadFlow%3Aana%40example.com?secret=ABC&issuer=LeadFlow&algorithm=SHA1&digits=6&period=30',
    );
  });
});
