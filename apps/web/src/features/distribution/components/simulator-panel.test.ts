import { simulateRequest } from '@leadflow/shared/distribution';
import { describe, expect, it } from 'vitest';
import { toSimulateRequest } from './simulator-panel';

const empty = { firstName: '', company: '', email: '', phone: '', source: '', sourceDetail: '', campaign: '', city: '', state: '', zip: '', country: null, language: null, tags: [], custom: {} };

describe('toSimulateRequest', () => {
  it('sends only what was filled in, trimmed, in the shape the server takes', () => {
    expect(toSimulateRequest(empty)).toEqual({});
    const body = toSimulateRequest({ ...empty, company: ' Acme ', email: 'ann@acme.com', phone: '(212) 555-0100', country: 'US', language: 'es', custom: { budget: 10, note: '' } });
    expect(body).toEqual({ company: 'Acme', email: 'ann@acme.com', phone: '(212) 555-0100', country: 'US', language: 'es', custom: { budget: 10 } });
    expect(simulateRequest.safeParse(body).success).toBe(true);
  });
});
