import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import en from '../../../locales/en.json';
import { assignmentViaText, moduleActivityText, type TimelineFormat } from './timeline-text';

const i18n = i18next.createInstance();
const t = i18n.t.bind(i18n);
const format: TimelineFormat = {
  dateTime: (iso) => `<${iso}>`,
  fieldLabel: (field) => ({ city: 'City', tags: 'Tags' })[field] ?? field,
  originLabel: (origin) => ({ meta: 'Facebook Lead Ads' })[origin] ?? origin,
};

beforeAll(async () => {
  await i18n.init({ lng: 'en', resources: { en: { translation: en } }, interpolation: { escapeValue: false } });
});

describe('lead timeline text', () => {
  it('says which rule gave the lead, and why when it was not a plain rule match', () => {
    expect(assignmentViaText({ ruleId: 'r', ruleName: 'Buyers', strategy: 'weighted', reason: 'rule' }, t)).toBe('By rule "Buyers" (Weighted)');
    expect(assignmentViaText({ ruleName: 'Pool', strategy: 'first_to_claim', reason: 'claim' }, t)).toBe('By rule "Pool" (First to claim) · Claimed');
    expect(assignmentViaText({ ruleName: 'Buyers', strategy: 'round_robin', reason: 'sla' }, t)).toBe('By rule "Buyers" (Round-robin) · SLA missed');
    expect(assignmentViaText({ reason: 'manual' }, t)).toBeNull();
    expect(assignmentViaText(undefined, t)).toBeNull();
  });

  it('names the agents of an offer, its rule and until when it is open', () => {
    const text = moduleActivityText(
      'lead_offered',
      { offeredTo: [{ id: 'a', name: 'Ann' }, { id: 'b', name: 'Bob' }], expiresAt: '2026-12-07T10:05:00.000Z', via: { ruleId: 'r', ruleName: 'Pool' } },
      t,
      format,
    );
    expect(text).toEqual({ title: 'Offered to Ann, Bob', lines: ['Rule “Pool”', 'Open until <2026-12-07T10:05:00.000Z>'] });
  });

  it('tells a missed SLA with what happened next', () => {
    const base = { ownerId: 'a', owner: { id: 'a', name: 'Ann' }, slaMinutes: 5, ruleId: 'r', ruleName: 'Buyers' };
    expect(moduleActivityText('sla_breached', { ...base, reassignedTo: { id: 'b', name: 'Bob' }, capReached: false }, t, format)).toEqual({
      title: 'Ann missed the 5-minute SLA',
      lines: ['Reassigned to Bob', 'Rule “Buyers”'],
    });
    expect(moduleActivityText('sla_breached', { ...base, reassignedTo: null, capReached: true }, t, format)?.lines[0]).toBe('Not reassigned: the rule’s reassignment limit was reached');
    expect(moduleActivityText('sla_breached', { ...base, reassignedTo: null, capReached: false }, t, format)?.lines[0]).toBe('Not reassigned: nobody else in the group was available');
    // Acted after the due time, before the sweep: kept, and said so.
    expect(moduleActivityText('sla_breached', { ...base, reassignedTo: null, capReached: false, late: true, lateSeconds: 130 }, t, format)?.lines[0]).toBe('Acted 2 minutes late and kept the lead');
    expect(moduleActivityText('sla_breached', { ...base, reassignedTo: null, capReached: false, late: true, lateSeconds: 5 }, t, format)?.lines[0]).toBe('Acted 1 minute late and kept the lead');
  });

  it('reads a returning person, imports and tasks in words, never as the stored type', () => {
    expect(moduleActivityText('came_back', { origin: 'meta', source: 'Facebook Lead Ads', campaign: 'Spring' }, t, format)).toEqual({
      title: 'Came back (Facebook Lead Ads)',
      lines: ['Source: Facebook Lead Ads', 'Campaign: Spring'],
    });
    expect(moduleActivityText('imported', { fileName: 'march.csv', row: 12, action: 'created' }, t, format)).toEqual({ title: 'Created by the import of “march.csv” (row 12)', lines: [] });
    expect(moduleActivityText('imported', { fileName: 'march.csv', row: 3, action: 'updated', fields: ['city', 'tags'] }, t, format)).toEqual({
      title: 'Updated by the import of “march.csv” (row 3)',
      lines: ['Fields: City, Tags'],
    });
    expect(moduleActivityText('import_undone', { fileName: 'march.csv', fields: ['city'] }, t, format)).toEqual({ title: 'Import of “march.csv” undone', lines: ['Fields: City'] });
    expect(moduleActivityText('task_created', { title: 'Call back', type: 'call', dueAt: '2026-12-08T15:00:00.000Z' }, t, format)).toEqual({
      title: 'Task created: Call back',
      lines: ['Call · due <2026-12-08T15:00:00.000Z>'],
    });
    expect(moduleActivityText('task_completed', { title: 'Call back', outcome: 'no_answer', note: 'Try tomorrow' }, t, format)).toEqual({
      title: 'Task completed: Call back',
      lines: ['Outcome: No answer', 'Try tomorrow'],
    });
    expect(moduleActivityText('task_completed', { title: 'Visit', outcome: 'Signed the lease' }, t, format)?.lines).toEqual(['Outcome: Signed the lease']);
    for (const type of ['task_updated', 'task_reopened', 'task_deleted', 'task_comment_deleted']) {
      expect(moduleActivityText(type, { title: 'Call back' }, t, format)?.title).toMatch(/Call back$/);
    }
    expect(moduleActivityText('task_commented', { title: 'Call back', body: 'She asked for Friday' }, t, format)).toEqual({ title: 'Comment on the task Call back', lines: ['She asked for Friday'] });
    expect(moduleActivityText('something_new', {}, t, format)).toBeNull();
  });
});
