import { describe, expect, it } from 'vitest';
import { normalizePhone, phoneQueryDigits, phoneSearchDigits } from './phone.ts';

describe('phones', () => {
  it('normalises national and international formats to E.164', () => {
    expect(normalizePhone('(11) 99999-8888', 'BR').e164).toBe('+5511999998888');
    expect(normalizePhone('+55 11 99999 8888', 'US').e164).toBe('+5511999998888');
    expect(normalizePhone('415 555 2671', 'US').e164).toBe('+14155552671');
    expect(normalizePhone('12', 'BR').e164).toBeNull();
  });

  it('finds a number typed in any format', () => {
    const stored = phoneSearchDigits([normalizePhone('+55 11 99999-8888', 'BR')]);
    for (const typed of ['(11) 99999-8888', '+55 11 99999 8888', '11999998888', '99999-8888', '5511999998888']) {
      const digits = phoneQueryDigits(typed)!;
      expect(stored.includes(digits), `${typed} → ${digits} in ${stored}`).toBe(true);
    }
    expect(phoneQueryDigits('ana')).toBeNull();
    expect(phoneQueryDigits('12')).toBeNull();
  });
});
