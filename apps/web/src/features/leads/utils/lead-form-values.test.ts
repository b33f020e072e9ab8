import { createLeadRequest, updateLeadRequest } from '@leadflow/shared/leads';
import { describe, expect, it } from 'vitest';
import type { LeadDetail } from '../api/get-lead';
import { createLeadBody, leadFormValues, updateLeadBody } from './lead-form-values';

// Cast, not annotated: the form reads only these fields of the lead.
const lead = {
  firstName: 'Ana',
  lastName: 'Silva',
  company: null,
  phones: [],
  emails: ['ana@example.com'],
  source: null,
  sourceDetail: null,
  eventId: null,
  campaign: null,
  city: null,
  state: null,
  country: 'BR',
  zip: null,
  timeZone: 'America/Sao_Paulo',
  language: 'pt-BR',
  tags: [],
  owner: null,
  stage: null,
  score: null,
  nextFollowUpAt: null,
  lostReason: null,
  custom: {},
} as unknown as LeadDetail;

describe('lead form language', () => {
  it('a tag read from a lead goes back as the same tag', () => {
    const values = leadFormValues(lead, []);
    expect(values.language).toBe('pt-BR');
    const body = createLeadBody(values, []);
    expect(body.language).toBe('pt-BR');
    expect(createLeadRequest.parse(body).language).toBe('pt-BR');
    // Untouched, an edit does not send it.
    expect(updateLeadBody(values, values, [])).not.toHaveProperty('language');
  });

  it('a changed language is sent; a cleared one as null', () => {
    const initial = leadFormValues(lead, []);
    expect(updateLeadBody({ ...initial, language: 'es' }, initial, [])).toEqual({ language: 'es' });
    const cleared = updateLeadBody({ ...initial, language: null }, initial, []);
    expect(cleared).toEqual({ language: null });
    expect(updateLeadRequest.parse({ ...cleared, version: 1 }).language).toBeNull();
  });

  it('a new lead without a language sends none', () => {
    const values = leadFormValues(null, []);
    expect(values.language).toBeNull();
    expect(createLeadBody({ ...values, firstName: 'Bo' }, [])).not.toHaveProperty('language');
  });
});
