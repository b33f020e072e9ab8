import { beforeAll, describe, expect, it } from 'vitest';
import { i18n } from '@/lib/i18n';
import en from '../../../locales/en.json';
import { assignmentHow, reasonLabel } from './labels';

beforeAll(async () => {
  await i18n.init({ lng: 'en', resources: { en: { translation: en } }, interpolation: { escapeValue: false } });
});

describe('assignment labels', () => {
  it('says how an assignment was made: by a rule and its strategy, by a manager, or by a rule deleted since', () => {
    expect(assignmentHow({ ruleId: 'r', ruleName: 'Buyers', strategy: 'weighted', by: null })).toBe('By rule "Buyers" (Weighted)');
    expect(assignmentHow({ ruleId: null, ruleName: null, strategy: null, by: { name: 'Maria Manager' } })).toBe('By Maria Manager');
    expect(assignmentHow({ ruleId: null, ruleName: null, strategy: 'round_robin', by: null })).toBe('By a deleted rule (Round-robin)');
    // A claim names its rule; nothing at all is known of a record without rule, strategy or person.
    expect(assignmentHow({ ruleId: 'r', ruleName: 'Claim race', strategy: 'first_to_claim', by: null })).toBe('By rule "Claim race" (First to claim)');
    expect(assignmentHow({ ruleId: null, ruleName: null, strategy: null, by: null })).toBeNull();
  });

  it('names every reason and leaves an unknown one as it is', () => {
    expect(['rule', 'claim', 'sla', 'manual', 'existing_owner', 'fallback', 'unassigned'].map(reasonLabel)).not.toContain(undefined);
    expect(reasonLabel('sla')).not.toBe('sla');
    expect(reasonLabel('luck')).toBe('luck');
  });
});
