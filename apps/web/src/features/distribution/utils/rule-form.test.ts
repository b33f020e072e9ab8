import { distributionRuleInput } from '@leadflow/shared/distribution';
import type { CustomField } from '@leadflow/shared/leads';
import { describe, expect, it } from 'vitest';
import type { DistributionRule } from '../api/distribution';
import { evenWeights, missingFieldConditions, nextPriority, rulePolicy, ruleToValues, valuesToRequest, weightTotal } from './rule-form';

// Cast, not annotated: the contract grows fields (e.g. group working hours) that this fixture need not list.
const rule = {
  id: 'r1',
  name: 'Buyers',
  priority: 20,
  enabled: true,
  conditions: [{ field: 'source', op: 'eq', value: 'Facebook' }],
  strategy: 'weighted',
  loadMeasure: 'open_leads',
  members: [
    { userId: '00000000-0000-4000-8000-000000000002', name: 'Bob', weight: 30, position: 2 },
    { userId: '00000000-0000-4000-8000-000000000001', name: 'Ann', weight: 70, position: 1 },
  ],
  dailyCap: 5,
  weeklyCap: null,
  fallback: 'user',
  fallbackUserId: '00000000-0000-4000-8000-000000000001',
  existingOwner: false,
  claimTimeoutMinutes: 5,
  slaMinutes: null,
  maxReassignments: 2,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  workingHours: null,
} as DistributionRule;

describe('rule form', () => {
  it('splits 100 evenly, the remainder to the first agents', () => {
    expect(evenWeights(3)).toEqual([34, 33, 33]);
    expect(evenWeights(2)).toEqual([50, 50]);
    expect(evenWeights(7).reduce((a, b) => a + b, 0)).toBe(100);
    expect(evenWeights(0)).toEqual([]);
  });

  it('a saved rule round-trips to a request the shared contract accepts, members in group order', () => {
    const values = ruleToValues(rule, [rule]);
    expect(values.members.map((m) => m.weight)).toEqual([70, 30]);
    const body = valuesToRequest(values);
    expect(body).toMatchObject({
      members: [
        { userId: '00000000-0000-4000-8000-000000000001', weight: 70 },
        { userId: '00000000-0000-4000-8000-000000000002', weight: 30 },
      ],
      dailyCap: 5,
      weeklyCap: null,
      slaMinutes: null,
      fallbackUserId: '00000000-0000-4000-8000-000000000001',
    });
    expect(distributionRuleInput.safeParse(body).success).toBe(true);
  });

  it('weights are sent only for the weighted strategy; the fallback user only with the user fallback', () => {
    const values = { ...ruleToValues(rule, [rule]), strategy: 'round_robin' as const, fallback: 'next_rule' as const };
    const body = valuesToRequest(values);
    expect(body.members).toEqual([{ userId: '00000000-0000-4000-8000-000000000001' }, { userId: '00000000-0000-4000-8000-000000000002' }]);
    expect(body.fallbackUserId).toBeNull();
  });

  it('a new rule goes after the last priority', () => {
    expect(ruleToValues(null, [rule]).priority).toBe(30);
    expect(nextPriority([])).toBe(10);
    expect(weightTotal([{ userId: 'a', weight: 60 }, { userId: 'b', weight: '' }])).toBe(60);
  });

  it('flags conditions on custom fields the workspace no longer has', () => {
    const fields = [{ key: 'budget', label: 'Budget', type: 'number' }] as unknown as CustomField[];
    const conditions = [
      { field: 'source', op: 'eq' as const, value: 'x' },
      { field: 'custom.budget', op: 'gt' as const, value: 10 },
      { field: 'custom.gone', op: 'eq' as const, value: 'y' },
    ];
    expect(missingFieldConditions(conditions, fields)).toEqual([conditions[2]]);
  });
});

describe('rule policy summary', () => {
  const names = (id: string) => (id === '00000000-0000-4000-8000-000000000001' ? 'Ann' : null);

  it('lists a named fallback user, and no SLA when there is none', () => {
    expect(rulePolicy(rule, names)).toEqual([{ kind: 'fallback_user', name: 'Ann' }]);
  });

  it('puts the returning person first, then the offer, the fallback and the SLA, as the server applies them', () => {
    const claim = { ...rule, strategy: 'first_to_claim', existingOwner: true, fallback: 'next_rule', fallbackUserId: null, claimTimeoutMinutes: 7, slaMinutes: 5, maxReassignments: 3 } as DistributionRule;
    expect(rulePolicy(claim, names)).toEqual([
      { kind: 'existing_owner' },
      { kind: 'claim', minutes: 7 },
      { kind: 'fallback', to: 'next_rule' },
      { kind: 'sla', minutes: 5, maxReassignments: 3 },
    ]);
  });

  it('says so when the fallback user is no longer an active member', () => {
    const gone = { ...rule, fallbackUserId: '00000000-0000-4000-8000-000000000009' } as DistributionRule;
    expect(rulePolicy(gone, names)).toEqual([{ kind: 'fallback_user', name: null }]);
  });

  it('gives a manual rule neither fallback nor SLA: its leads wait for a manager', () => {
    const manual = { ...rule, strategy: 'manual', existingOwner: true, slaMinutes: 10 } as DistributionRule;
    expect(rulePolicy(manual, names)).toEqual([{ kind: 'existing_owner' }]);
    expect(rulePolicy({ ...manual, existingOwner: false } as DistributionRule, names)).toEqual([]);
  });
});
