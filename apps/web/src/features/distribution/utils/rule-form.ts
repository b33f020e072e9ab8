import { DISTRIBUTION_STRATEGIES } from '@leadflow/shared/distribution';
import type { CustomField, LeadFilter } from '@leadflow/shared/leads';
import { LEAD_STANDARD_FIELDS } from '@leadflow/shared/leads';
import type { DistributionRule } from '../api/distribution';

export type Strategy = (typeof DISTRIBUTION_STRATEGIES)[number];
export type Fallback = DistributionRule['fallback'];
export type LoadMeasure = DistributionRule['loadMeasure'];

export type RuleMemberValue = { userId: string; weight: number | '' };

export const HOUR_DAYS = ['1', '2', '3', '4', '5', '6', '7'] as const;
export type GroupHours = Record<(typeof HOUR_DAYS)[number], { start: string; end: string }[]>;
export const OFFICE_HOURS = { start: '09:00', end: '18:00' } as const;

export type RuleValues = {
  name: string;
  enabled: boolean;
  priority: number;
  conditions: LeadFilter[];
  strategy: Strategy;
  loadMeasure: LoadMeasure;
  members: RuleMemberValue[];
  dailyCap: number | '';
  weeklyCap: number | '';
  fallback: Fallback;
  fallbackUserId: string | null;
  existingOwner: boolean;
  /** The group's hours; null = any time. */
  workingHours: GroupHours | null;
  claimTimeoutMinutes: number | '';
  slaMinutes: number | '';
  maxReassignments: number | '';
};

export function isStrategy(value: string | null): value is Strategy {
  return value !== null && (DISTRIBUTION_STRATEGIES as readonly string[]).includes(value);
}

/** The next free priority at the end of the list (the server renumbers 10, 20, 30… on reorder). */
export function nextPriority(rules: readonly DistributionRule[]): number {
  return rules.reduce((max, rule) => Math.max(max, rule.priority), 0) + 10;
}

export function ruleToValues(rule: DistributionRule | null, rules: readonly DistributionRule[]): RuleValues {
  return {
    name: rule?.name ?? '',
    enabled: rule?.enabled ?? true,
    priority: rule?.priority ?? nextPriority(rules),
    conditions: rule?.conditions ?? [],
    strategy: rule?.strategy ?? 'round_robin',
    loadMeasure: rule?.loadMeasure ?? 'open_leads',
    members: [...(rule?.members ?? [])].sort((a, b) => a.position - b.position).map((m) => ({ userId: m.userId, weight: m.weight })),
    dailyCap: rule?.dailyCap ?? '',
    weeklyCap: rule?.weeklyCap ?? '',
    fallback: rule?.fallback ?? 'next_rule',
    fallbackUserId: rule?.fallbackUserId ?? null,
    existingOwner: rule?.existingOwner ?? true,
    workingHours: rule?.workingHours
      ? (Object.fromEntries(HOUR_DAYS.map((day) => [day, (rule.workingHours?.[day] ?? []).map((r) => ({ ...r }))])) as GroupHours)
      : null,
    claimTimeoutMinutes: rule?.claimTimeoutMinutes ?? 5,
    slaMinutes: rule?.slaMinutes ?? '',
    maxReassignments: rule?.maxReassignments ?? 2,
  };
}

/** The request body: caps '' become null; weights only for the weighted strategy. */
export function valuesToRequest(values: RuleValues) {
  const weighted = values.strategy === 'weighted';
  return {
    name: values.name.trim(),
    enabled: values.enabled,
    priority: values.priority,
    conditions: values.conditions,
    strategy: values.strategy,
    loadMeasure: values.loadMeasure,
    members: values.members.map((m) => (weighted && m.weight !== '' ? { userId: m.userId, weight: m.weight } : { userId: m.userId })),
    dailyCap: values.dailyCap === '' ? null : values.dailyCap,
    weeklyCap: values.weeklyCap === '' ? null : values.weeklyCap,
    fallback: values.fallback,
    fallbackUserId: values.fallback === 'user' ? values.fallbackUserId : null,
    existingOwner: values.existingOwner,
    workingHours: values.workingHours,
    // Left out when empty, so the server's default applies (and its message names the field when out of range).
    ...(values.claimTimeoutMinutes === '' ? {} : { claimTimeoutMinutes: values.claimTimeoutMinutes }),
    slaMinutes: values.slaMinutes === '' ? null : values.slaMinutes,
    ...(values.maxReassignments === '' ? {} : { maxReassignments: values.maxReassignments }),
  };
}

export function weightTotal(members: readonly RuleMemberValue[]): number {
  return members.reduce((sum, m) => sum + (m.weight === '' ? 0 : m.weight), 0);
}

/** Splits 100 evenly over n agents, the remainder to the first ones (e.g. 3 → 34, 33, 33). */
export function evenWeights(n: number): number[] {
  if (n <= 0) return [];
  const base = Math.floor(100 / n);
  return Array.from({ length: n }, (_, i) => base + (i < 100 - base * n ? 1 : 0));
}

/** Conditions that name a field the workspace no longer has (a deleted custom field): such a rule matches nothing. */
export function missingFieldConditions(conditions: readonly LeadFilter[], customFields: readonly CustomField[]): LeadFilter[] {
  const known = new Set<string>([...LEAD_STANDARD_FIELDS, ...customFields.map((field) => `custom.${field.key}`)]);
  return conditions.filter((condition) => !known.has(condition.field));
}

/** One thing a rule does besides its conditions and group, as the rules list sums it up. */
export type RulePolicyPart =
  | { kind: 'existing_owner' }
  | { kind: 'claim'; minutes: number }
  | { kind: 'fallback'; to: 'next_rule' | 'unassigned' }
  /** `name` null: the named user is no longer among the workspace's members. */
  | { kind: 'fallback_user'; name: string | null }
  | { kind: 'sla'; minutes: number; maxReassignments: number };

/**
 * What happens to a lead besides who is in the group, in the order the server applies it: a returning person's
 * owner first, then the offer's time limit (first-to-claim), what happens when nobody of the group is available, and
 * the first-action SLA. A manual rule has no fallback or SLA: its leads wait for a manager.
 */
export function rulePolicy(rule: DistributionRule, userName: (userId: string) => string | null): RulePolicyPart[] {
  const parts: RulePolicyPart[] = [];
  if (rule.existingOwner) parts.push({ kind: 'existing_owner' });
  if (rule.strategy === 'manual') return parts;
  if (rule.strategy === 'first_to_claim') parts.push({ kind: 'claim', minutes: rule.claimTimeoutMinutes });
  if (rule.fallback === 'user') parts.push({ kind: 'fallback_user', name: rule.fallbackUserId ? userName(rule.fallbackUserId) : null });
  else parts.push({ kind: 'fallback', to: rule.fallback });
  if (rule.slaMinutes !== null) parts.push({ kind: 'sla', minutes: rule.slaMinutes, maxReassignments: rule.maxReassignments });
  return parts;
}
