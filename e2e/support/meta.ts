import { expect } from 'vitest';
import { sendTestLead, type FakeGraph } from '../../apps/server/src/modules/capture/fake-graph.ts';
import type { RunningServer } from './server.ts';

/**
 * A person fills a Lead Ads form: the fake Meta sends the signed leadgen webhook to the server (which answers 200)
 * and then answers the server's read of the lead with the person's name, e-mail and phone.
 */
export async function sendMetaLead(
  fake: FakeGraph,
  to: { server: RunningServer; appSecret: string; formId: string },
  person: { name: string; email: string; phone: string },
): Promise<void> {
  const delivery = await sendTestLead(fake, {
    callbackUrl: `${to.server.baseUrl}/hooks/meta`,
    appSecret: to.appSecret,
    formId: to.formId,
    fieldData: [
      { name: 'full_name', values: [person.name] },
      { name: 'email', values: [person.email] },
      { name: 'phone_number', values: [person.phone] },
    ],
  });
  expect(delivery.status, delivery.body).toBe(200);
}
