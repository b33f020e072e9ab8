/**
 * `npm run demo:meta`: Facebook Lead Ads on your machine, without Meta. Starts the fake Graph API (the real paths,
 * paging, errors and signatures, see modules/capture/fake-graph.ts) on a fixed port with a demo page and two lead
 * forms, prints what to enter in Settings › Integrations and how to start LeadFlow against it, then sends test
 * leads on demand: each is created in the fake and announced to LeadFlow by a correctly signed leadgen webhook,
 * exactly as Meta does.
 */
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { leadgenWebhookPayload, sendTestLead, signMetaWebhook, startFakeGraph, type FakeGraph, type FakeLead } from '../modules/capture/fake-graph.ts';

const DEMO_META = {
  pageId: '104811192233445',
  pageName: 'Demo Realty',
  appId: '555000111222333',
  appSecret: 'demo-app-secret-not-for-production',
  pageAccessToken: 'EAADemoPageAccessTokenForTheFakeGraphApi',
  verifyToken: 'demo-verify-token',
} as const;

const DEMO_FORMS = [
  { id: '200000000000001', name: 'Buyers – spring campaign', custom: { name: 'which_neighbourhood?', label: 'Which neighbourhood?', values: ['Downtown', 'Riverside', 'Old Town', 'Hillcrest'] } },
  { id: '200000000000002', name: 'Sellers – free valuation', custom: { name: 'property_type', label: 'Property type', values: ['Apartment', 'House', 'Land'] } },
] as const;

const FIRST = ['Ana', 'Bruno', 'Carla', 'Diego', 'Elena', 'Felipe', 'Gabriela', 'Hugo', 'Isabel', 'João', 'Karen', 'Lucas', 'Marina', 'Nicolas', 'Olga', 'Paulo'];
const LAST = ['Souza', 'Oliveira', 'Santos', 'Lima', 'Pereira', 'Costa', 'Almeida', 'Ribeiro', 'Martins', 'Carvalho'];
const CAMPAIGNS = [
  { adId: '23850000000000101', adName: 'Spring – carousel', adsetId: '23850000000000201', adsetName: 'Buyers 30-45', campaignId: '23850000000000301', campaignName: 'Spring buyers' },
  { adId: '23850000000000102', adName: 'Valuation – video', adsetId: '23850000000000202', adsetName: 'Home owners', campaignId: '23850000000000302', campaignName: 'Free valuation' },
];

let sent = 0;
let lastDelivery: { leadId: string; formId: string; createdTime: number } | null = null;

function pick<T>(list: readonly T[], n: number): T {
  return list[n % list.length]!;
}

/** A plausible lead for a demo form: different each time, with a fictional (555) phone number. */
function demoLead(n: number, formIndex: number): { fieldData: FakeLead['fieldData']; lead: Partial<FakeLead> } {
  const form = pick(DEMO_FORMS, formIndex);
  const first = pick(FIRST, n * 7 + 3);
  const last = pick(LAST, n * 3 + 1);
  const slug = `${first}.${last}`.normalize('NFD').replace(/[^\w.]/g, '').toLowerCase();
  const fieldData = [
    { name: 'full_name', values: [`${first} ${last}`] },
    { name: 'email', values: [`${slug}.${n}@example.com`] },
    { name: 'phone_number', values: [`+1202555${String(100 + (n % 900)).padStart(4, '0')}`] },
    { name: 'city', values: [pick(['Springfield', 'Riverside', 'Fairview', 'Franklin'], n)] },
    { name: form.custom.name, values: [pick(form.custom.values, n)] },
  ];
  // Every third lead is organic (no ad), as Meta's own test leads are.
  const lead = n % 3 === 2 ? { isOrganic: true } : pick(CAMPAIGNS, formIndex);
  return { fieldData, lead };
}

async function sendLeads(fake: FakeGraph, callbackUrl: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const n = sent++;
    const formIndex = n % DEMO_FORMS.length;
    const { fieldData, lead } = demoLead(n, formIndex);
    try {
      const delivery = await sendTestLead(fake, { callbackUrl, appSecret: DEMO_META.appSecret, formId: pick(DEMO_FORMS, formIndex).id, fieldData, lead });
      const who = fieldData[0]!.values[0];
      console.log(`  lead ${delivery.lead.id} (${who}, ${pick(DEMO_FORMS, formIndex).name}) → ${delivery.status} ${delivery.body}`);
      if (delivery.status === 401) console.log('    LeadFlow refused the signature: is the app secret in Settings › Integrations the one printed above?');
      else if (delivery.body.includes('"received":0')) console.log(`    No workspace has connected page ${DEMO_META.pageId} yet: connect it in Settings › Integrations first.`);
      lastDelivery = { leadId: delivery.lead.id, formId: delivery.lead.formId, createdTime: delivery.lead.createdTime };
    } catch (err) {
      console.log(`  could not reach ${callbackUrl}: ${err instanceof Error ? err.message : String(err)} — is LeadFlow running?`);
      return;
    }
  }
}

/** Meta delivers some events twice: the same webhook again must not create a second lead. */
async function redeliverLast(callbackUrl: string): Promise<void> {
  if (!lastDelivery) {
    console.log('  no lead sent yet');
    return;
  }
  const raw = JSON.stringify(leadgenWebhookPayload([{ leadgenId: lastDelivery.leadId, pageId: DEMO_META.pageId, formId: lastDelivery.formId, createdTime: lastDelivery.createdTime }]));
  const res = await fetch(callbackUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMetaWebhook(DEMO_META.appSecret, raw) }, body: raw });
  console.log(`  the webhook of lead ${lastDelivery.leadId} again → ${res.status} ${await res.text()} (still one lead in LeadFlow)`);
}

const HELP = `Commands:
  Enter, or "lead [n]"   send one test lead (or n), alternating between the two forms
  "again"                deliver the last lead's webhook a second time (Meta does that): still one lead
  "expire"               the page token stops working (Graph error 190): the connection turns broken
  "renew"                the page token works again: enter it in "Change credentials" to repair
  "fail [n]"             the next n Graph calls fail with a temporary error (code 2): LeadFlow retries
  "help", "quit"`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4100' },
      'app-url': { type: 'string', default: 'http://localhost:3000' },
      every: { type: 'string' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, not ${values.port}`);
  const appUrl = values['app-url'].replace(/\/$/, '');
  const callbackUrl = `${appUrl}/hooks/meta`;

  const fake = await startFakeGraph({ port });
  fake.addPage({ id: DEMO_META.pageId, name: DEMO_META.pageName, accessToken: DEMO_META.pageAccessToken });
  for (const form of DEMO_FORMS) {
    fake.addForm({
      id: form.id,
      pageId: DEMO_META.pageId,
      name: form.name,
      questions: [
        { key: 'full_name', label: 'Full name', type: 'FULL_NAME' },
        { key: 'email', label: 'Email', type: 'EMAIL' },
        { key: 'phone_number', label: 'Phone number', type: 'PHONE' },
        { key: 'city', label: 'City', type: 'CITY' },
        { key: form.custom.name, label: form.custom.label, type: 'CUSTOM' },
      ],
    });
  }

  console.log(`Fake Meta Graph API (${fake.version}) listening on ${fake.url}

1. Start LeadFlow against it (another terminal):
     META_GRAPH_URL=${fake.url} npm start
   (the app's own URL is ${appUrl}; pass --app-url if it differs)

2. In LeadFlow, open Settings › Integrations › Facebook Lead Ads › Connect a Facebook Page:
     Page ID            ${DEMO_META.pageId}
     App ID             ${DEMO_META.appId}
     App secret         ${DEMO_META.appSecret}
     Page access token  ${DEMO_META.pageAccessToken}
     Verify token       ${DEMO_META.verifyToken}
   "Test connection" shows the page "${DEMO_META.pageName}" and its forms:
${DEMO_FORMS.map((f) => `     ${f.id}  ${f.name} (asks "${f.custom.name}")`).join('\n')}

3. Send test leads from here: each is posted to ${callbackUrl}, signed like Meta's.
   Open Leads in LeadFlow and watch them arrive.

${HELP}
`);

  const shutDown = async () => {
    await fake.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutDown());
  process.on('SIGTERM', () => void shutDown());

  if (values.every) {
    const seconds = Number(values.every);
    if (!(seconds > 0)) throw new Error(`--every must be a number of seconds, not ${values.every}`);
    setInterval(() => void sendLeads(fake, callbackUrl, 1), seconds * 1000);
    console.log(`Sending a lead every ${seconds} s.`);
  }

  if (!process.stdin.isTTY && !values.every) {
    console.log('(stdin is not a terminal: reading commands from it until it ends; Ctrl+C stops the fake)');
  }
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, prompt: 'demo:meta> ' });
  rl.prompt();
  for await (const line of rl) {
    const [command = 'lead', arg] = line.trim().split(/\s+/).filter(Boolean);
    const count = arg ? Math.max(1, Math.min(500, Number(arg) || 1)) : 1;
    switch (command.toLowerCase()) {
      case 'lead':
      case 'l':
        await sendLeads(fake, callbackUrl, count);
        break;
      case 'again':
        await redeliverLast(callbackUrl);
        break;
      case 'expire':
        fake.pages.get(DEMO_META.pageId)!.accessToken = `expired-${Date.now()}`;
        console.log('  the page token no longer works: the next Graph call answers code 190 (try "Test connection" or a new lead)');
        break;
      case 'renew':
        fake.pages.get(DEMO_META.pageId)!.accessToken = DEMO_META.pageAccessToken;
        console.log(`  the token works again: in LeadFlow, "Change credentials" › Page access token: ${DEMO_META.pageAccessToken}`);
        break;
      case 'fail':
        fake.failNext({ kind: 'graph', code: 2 }, count);
        console.log(`  the next ${count} Graph call(s) fail with code 2 (temporary): LeadFlow retries with backoff`);
        break;
      case 'help':
        console.log(HELP);
        break;
      case 'quit':
      case 'exit':
      case 'q':
        rl.close();
        await shutDown();
        return;
      default:
        if (/^\d+$/.test(command)) await sendLeads(fake, callbackUrl, Math.min(500, Number(command)));
        else console.log(`  unknown command "${command}"; type help`);
    }
    rl.prompt();
  }
  // stdin ended (piped input): keep answering Graph calls until stopped.
  if (!values.every) console.log('Commands ended; the fake Graph API keeps running until Ctrl+C.');
}

await main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
