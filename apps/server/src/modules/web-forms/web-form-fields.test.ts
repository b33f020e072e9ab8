import { describe, expect, it } from 'vitest';
import { createCipher } from '../../platform/secrets/crypto.ts';
import { checkAnswers, resolveFields } from './web-form-fields.ts';
import { formTexts } from './web-form-texts.ts';
import { issueFormToken, openFormToken } from './web-form-token.ts';

const definitions = [
  { key: 'budget', label: 'Budget', type: 'money' as const, required: false, options: [], deletedAt: null },
  { key: 'rooms', label: 'Rooms', type: 'number' as const, required: true, options: [], deletedAt: null },
  { key: 'visit', label: 'Visit', type: 'date' as const, required: false, options: [], deletedAt: null },
  { key: 'agree', label: 'Newsletter', type: 'boolean' as const, required: false, options: [], deletedAt: null },
  { key: 'old', label: 'Old', type: 'text' as const, required: false, options: [], deletedAt: new Date() },
  { key: 'manager', label: 'Manager', type: 'user' as const, required: false, options: [], deletedAt: null },
];

const fields = resolveFields(
  [
    { key: 'email', label: 'Email', required: true, placeholder: null },
    { key: 'custom.budget', label: 'Budget', required: false, placeholder: null },
    { key: 'custom.rooms', label: 'Rooms', required: false, placeholder: null },
    { key: 'custom.visit', label: 'Visit', required: false, placeholder: null },
    { key: 'custom.agree', label: 'Newsletter', required: false, placeholder: null },
    { key: 'custom.old', label: 'Old', required: false, placeholder: null },
    { key: 'custom.manager', label: 'Manager', required: false, placeholder: null },
  ],
  definitions,
);

const check = (body: Record<string, string | boolean>, locale = 'en') => checkAnswers(fields, definitions, body, null, 'US', formTexts(locale));

describe('web form answers', () => {
  it('leaves out fields a page cannot ask any more (deleted, or of a member type)', () => {
    expect(fields.map((f) => [f.key, f.kind])).toEqual([
      ['email', 'email'],
      ['custom.budget', 'money'],
      ['custom.rooms', 'number'],
      ['custom.visit', 'date'],
      ['custom.agree', 'boolean'],
    ]);
  });

  it('reads numbers typed the Brazilian or the English way, and refuses what is not a number', async () => {
    for (const [typed, value] of [
      ['1.500,50', 1500.5],
      ['1,500.50', 1500.5],
      ['12,5', 12.5],
      ['2500', 2500],
      // Three digits after one separator are thousands, the way people type amounts.
      ['1.234', 1234],
    ] as const) {
      const r = await check({ email: 'a@example.com', 'custom.budget': typed });
      expect(r.ok && r.value.person.custom.budget, typed).toBe(value);
    }
    for (const typed of ['abc', '1.2.3', '12,345,67', '12.3456']) {
      const r = await check({ email: 'a@example.com', 'custom.budget': typed });
      expect(r.ok ? null : r.errors, typed).toEqual([{ field: 'custom.budget', message: 'Enter a number' }]);
    }
  });

  it("uses the form's required flag, not the workspace's, and reports every error in the page's language", async () => {
    const r = await check({ email: 'nope', 'custom.visit': '2025-02-30', 'custom.agree': 'on' }, 'pt-BR');
    expect(r.ok ? null : r.errors).toEqual([
      { field: 'email', message: 'Informe um e-mail válido' },
      { field: 'custom.visit', message: 'Informe uma data' },
    ]);
    const ok = await check({ email: 'Ana@Example.com', 'custom.agree': 'on', 'custom.visit': '2025-02-28' });
    expect(ok.ok && ok.value).toEqual({
      person: expect.objectContaining({ emails: ['ana@example.com'], custom: { agree: true, visit: '2025-02-28' } }),
      answers: { Email: 'ana@example.com', Newsletter: 'Yes', Visit: '2025-02-28' },
    });
  });
});

describe('form tokens', () => {
  const cipher = createCipher(Buffer.alloc(32, 7));
  const at = new Date('2026-01-01T00:00:00Z');

  it('opens only for the form it was issued for, and not once altered', () => {
    const token = issueFormToken(cipher, 'form-a', at);
    expect(openFormToken(cipher, 'form-a', token)).toMatchObject({ formId: 'form-a', issuedAt: at.getTime() });
    expect(openFormToken(cipher, 'form-b', token)).toBeNull();
    const at10 = token.length - 10;
    const altered = `${token.slice(0, at10)}${token[at10] === 'A' ? 'B' : 'A'}${token.slice(at10 + 1)}`;
    expect(openFormToken(cipher, 'form-a', altered)).toBeNull();
    expect(openFormToken(createCipher(Buffer.alloc(32, 8)), 'form-a', token)).toBeNull();
    expect(openFormToken(cipher, 'form-a', undefined)).toBeNull();
    expect(openFormToken(cipher, 'form-a', ['x'])).toBeNull();
  });

  it('gives every served page its own nonce', () => {
    const a = openFormToken(cipher, 'f', issueFormToken(cipher, 'f', at))!;
    const b = openFormToken(cipher, 'f', issueFormToken(cipher, 'f', at))!;
    expect(a.nonce).not.toBe(b.nonce);
  });
});
