import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake of the Meta Graph API for Lead Ads, on 127.0.0.1: the same paths, query parameters, paging and error
 * bodies as graph.facebook.com (see docs integrations.md), so the adapter is tested against the protocol and
 * a local demo can point META_GRAPH_URL at it.
 */

export type FakeLead = {
  id: string;
  formId: string;
  /** Unix seconds. */
  createdTime: number;
  fieldData: { name: string; values: string[] }[];
  adId?: string;
  adName?: string;
  adsetId?: string;
  adsetName?: string;
  campaignId?: string;
  campaignName?: string;
  isOrganic?: boolean;
  platform?: string;
};

export type FakeGraphFailure =
  | { kind: 'graph'; code: number; subcode?: number; message?: string; status?: number }
  | { kind: 'http'; status: number }
  /** Answers correctly, but only after this many milliseconds. */
  | { kind: 'slow'; delayMs: number };

export type FakeGraphRequest = { method: string; path: string; query: Record<string, string> };

/** A lead form's question as Graph lists it: `key` is the name its answers carry in field_data. */
export type FakeQuestion = { key: string; label: string; type: string };

type FakeForm = { pageId: string; name: string; status: string; questions: FakeQuestion[] };

const DEFAULT_QUESTIONS: FakeQuestion[] = [
  { key: 'full_name', label: 'Full name', type: 'FULL_NAME' },
  { key: 'email', label: 'Email', type: 'EMAIL' },
  { key: 'phone_number', label: 'Phone number', type: 'PHONE' },
];

export type FakeGraph = {
  url: string;
  version: string;
  pages: Map<string, { name: string; accessToken: string }>;
  forms: Map<string, FakeForm>;
  leads: Map<string, FakeLead>;
  requests: FakeGraphRequest[];
  addPage(page: { id: string; name: string; accessToken: string }): void;
  /** Questions default to full name, email and phone number. */
  addForm(form: { id: string; pageId: string; name: string; questions?: FakeQuestion[] }): void;
  addLead(lead: FakeLead): void;
  /** The next `times` calls (any path) fail this way, in order of arrival. */
  failNext(failure: FakeGraphFailure, times?: number): void;
  close(): Promise<void>;
};

type Answer = { status: number; body: unknown };

const graphError = (status: number, code: number, message: string, subcode?: number): Answer => ({
  status,
  body: {
    error: {
      message,
      type: code === 190 ? 'OAuthException' : code === 100 ? 'GraphMethodException' : 'OAuthException',
      code,
      ...(subcode !== undefined ? { error_subcode: subcode } : {}),
      fbtrace_id: randomBytes(8).toString('base64url'),
    },
  },
});

const DEFAULT_MESSAGES: Record<number, string> = {
  1: 'An unknown error occurred',
  2: 'An unexpected error has occurred. Please retry your request later.',
  4: 'Application request limit reached',
  17: 'User request limit reached',
  32: 'Page request limit reached',
  100: 'Unsupported get request. Object does not exist, cannot be loaded due to missing permissions, or does not support this operation.',
  190: 'Error validating access token: Session has expired.',
  613: 'Calls to this api have exceeded the rate limit.',
};

function leadJson(l: FakeLead): Record<string, unknown> {
  return {
    id: l.id,
    created_time: new Date(l.createdTime * 1000).toISOString().replace(/\.\d{3}Z$/, '+0000'),
    field_data: l.fieldData,
    form_id: l.formId,
    is_organic: l.isOrganic ?? !l.adId,
    platform: l.platform ?? 'fb',
    ...(l.adId ? { ad_id: l.adId, ad_name: l.adName, adset_id: l.adsetId, adset_name: l.adsetName, campaign_id: l.campaignId, campaign_name: l.campaignName } : {}),
  };
}

export async function startFakeGraph(options: { version?: string; /** A fixed port (the demo); 0 picks a free one. */ port?: number } = {}): Promise<FakeGraph> {
  const version = options.version ?? 'v26.0';
  const pages = new Map<string, { name: string; accessToken: string }>();
  const forms = new Map<string, FakeForm>();
  const leads = new Map<string, FakeLead>();
  const failures: FakeGraphFailure[] = [];
  const requests: FakeGraphRequest[] = [];
  let baseUrl = '';

  function tokenValid(token: string | undefined, pageId: string | undefined): boolean {
    if (!token) return false;
    if (pageId) return pages.get(pageId)?.accessToken === token;
    return [...pages.values()].some((p) => p.accessToken === token);
  }

  function route(path: string, query: Record<string, string>): Answer {
    const parts = path.split('/').filter(Boolean);
    if (parts[0] !== version) return graphError(400, 2635, `(#2635) You are calling a deprecated or unknown version of the Graph API: ${parts[0] ?? ''}`);
    const [, id, edge] = parts;
    if (!id) return graphError(400, 100, DEFAULT_MESSAGES[100]!);
    const token = query.access_token;

    if (edge === 'leadgen_forms') {
      const page = pages.get(id);
      if (!page) return graphError(400, 100, DEFAULT_MESSAGES[100]!, 33);
      if (!tokenValid(token, id)) return graphError(400, 190, 'Invalid OAuth access token.', 463);
      // Like Graph, only the fields asked for (id always).
      const wanted = new Set((query.fields ?? 'id,name,status').split(',').map((f) => f.trim()));
      const data = [...forms]
        .filter(([, f]) => f.pageId === id)
        .map(([formId, f]) => {
          const all: Record<string, unknown> = { id: formId, name: f.name, status: f.status, locale: 'en_US', questions: f.questions.map((q, i) => ({ ...q, id: `${formId}${i}` })) };
          return Object.fromEntries(Object.entries(all).filter(([k]) => k === 'id' || wanted.has(k)));
        });
      return { status: 200, body: { data, paging: { cursors: { before: 'MAZDZD', after: 'MAZDZD' } } } };
    }

    if (edge === 'leads') {
      const form = forms.get(id);
      if (!form) return graphError(400, 100, DEFAULT_MESSAGES[100]!, 33);
      if (!tokenValid(token, form.pageId)) return graphError(400, 190, 'Invalid OAuth access token.', 463);
      let since = Number.NEGATIVE_INFINITY;
      if (query.filtering) {
        let filters: unknown;
        try {
          filters = JSON.parse(query.filtering);
        } catch {
          return graphError(400, 100, '(#100) param filtering must be a JSON array');
        }
        for (const f of Array.isArray(filters) ? (filters as { field?: string; operator?: string; value?: unknown }[]) : []) {
          if (f.field === 'time_created' && f.operator === 'GREATER_THAN') since = Number(f.value);
        }
      }
      const limit = Math.min(Math.max(Number(query.limit ?? 25) || 25, 1), 500);
      const all = [...leads.values()].filter((l) => l.formId === id && l.createdTime > since).sort((a, b) => b.createdTime - a.createdTime || a.id.localeCompare(b.id));
      const start = query.after ? Number(Buffer.from(query.after, 'base64url').toString('utf8')) : 0;
      const slice = all.slice(start, start + limit);
      const cursor = (n: number) => Buffer.from(String(n), 'utf8').toString('base64url');
      const paging: Record<string, unknown> = { cursors: { before: cursor(start), after: cursor(start + slice.length) } };
      if (start + slice.length < all.length) {
        const next = new URL(`${baseUrl}/${version}/${id}/leads`);
        for (const [k, v] of Object.entries(query)) if (k !== 'after') next.searchParams.set(k, v);
        next.searchParams.set('after', cursor(start + slice.length));
        paging.next = next.toString();
      }
      return { status: 200, body: { data: slice.map(leadJson), paging } };
    }

    if (edge) return graphError(400, 100, DEFAULT_MESSAGES[100]!);

    const page = pages.get(id);
    if (page) {
      if (!tokenValid(token, id)) return graphError(400, 190, 'Invalid OAuth access token.', 463);
      return { status: 200, body: { name: page.name, id } };
    }
    const lead = leads.get(id);
    if (lead) {
      const pageId = forms.get(lead.formId)?.pageId;
      if (!tokenValid(token, pageId)) return graphError(400, 190, 'Invalid OAuth access token.', 463);
      const full = leadJson(lead);
      const wanted = query.fields?.split(',').map((f) => f.trim()).filter(Boolean);
      return { status: 200, body: wanted ? Object.fromEntries(Object.entries(full).filter(([k]) => k === 'id' || wanted.includes(k))) : full };
    }
    if (!tokenValid(token, undefined)) return graphError(400, 190, 'Invalid OAuth access token.', 463);
    return graphError(400, 100, `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, 33);
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query = Object.fromEntries(url.searchParams);
    requests.push({ method: req.method ?? 'GET', path: url.pathname, query });
    const send = (a: Answer) => {
      if (res.destroyed) return;
      res.writeHead(a.status, { 'content-type': 'application/json; charset=UTF-8', 'x-app-usage': '{"call_count":1,"total_cputime":1,"total_time":1}' });
      res.end(JSON.stringify(a.body));
    };
    const failure = failures.shift();
    if (failure?.kind === 'graph') {
      send(graphError(failure.status ?? (failure.code === 190 ? 400 : failure.code === 2 || failure.code === 1 ? 500 : 400), failure.code, failure.message ?? DEFAULT_MESSAGES[failure.code] ?? 'Error', failure.subcode));
      return;
    }
    if (failure?.kind === 'http') {
      res.writeHead(failure.status, { 'content-type': 'text/html' });
      res.end('<html><body>Service temporarily unavailable</body></html>');
      return;
    }
    const answer = req.method === 'GET' ? route(url.pathname, query) : graphError(400, 100, 'Unsupported post request.');
    if (failure?.kind === 'slow') setTimeout(() => send(answer), failure.delayMs).unref();
    else send(answer);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    version,
    pages,
    forms,
    leads,
    requests,
    addPage: (p) => pages.set(p.id, { name: p.name, accessToken: p.accessToken }),
    addForm: (f) => forms.set(f.id, { pageId: f.pageId, name: f.name, status: 'ACTIVE', questions: f.questions ?? DEFAULT_QUESTIONS }),
    addLead: (l) => leads.set(l.id, l),
    failNext(failure, times = 1) {
      for (let i = 0; i < times; i++) failures.push(failure);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `X-Hub-Signature-256` as Meta sends it: `sha256=` + hex HMAC-SHA256(app secret, raw body). */
export function signMetaWebhook(appSecret: string, rawBody: string | Buffer): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

export type LeadgenChange = {
  leadgenId: string;
  pageId: string;
  formId: string;
  /** Unix seconds. */
  createdTime: number;
  adId?: string;
  adgroupId?: string;
};

/** A Lead Ads webhook body: one entry per page, one change per lead; ad ids only for paid leads. */
export function leadgenWebhookPayload(changes: LeadgenChange[]): Record<string, unknown> {
  const byPage = new Map<string, LeadgenChange[]>();
  for (const c of changes) byPage.set(c.pageId, [...(byPage.get(c.pageId) ?? []), c]);
  return {
    object: 'page',
    entry: [...byPage].map(([pageId, list]) => ({
      id: pageId,
      time: Math.max(...list.map((c) => c.createdTime)) + 1,
      changes: list.map((c) => ({
        field: 'leadgen',
        value: {
          leadgen_id: c.leadgenId,
          page_id: c.pageId,
          form_id: c.formId,
          created_time: c.createdTime,
          ...(c.adId ? { ad_id: c.adId } : {}),
          ...(c.adgroupId ? { adgroup_id: c.adgroupId } : {}),
        },
      })),
    })),
  };
}

let testLeadSeq = 0;

export type TestLeadOptions = {
  /** The app's webhook callback, e.g. `http://127.0.0.1:3000/hooks/meta`. */
  callbackUrl: string;
  /** The Meta app's secret the connection was set up with: the webhook is signed with it. */
  appSecret: string;
  /** A form the fake knows; its page is the webhook's page. */
  formId: string;
  /** The answers; by default a full name, an email and a phone number, different for each lead. */
  fieldData?: FakeLead['fieldData'];
  /** Ad, ad set and campaign names, and anything else of the lead. */
  lead?: Partial<Omit<FakeLead, 'formId' | 'fieldData'>>;
};

export type TestLeadDelivery = { lead: FakeLead; status: number; body: string };

/**
 * Test and demo support: what Meta does when someone submits a lead form. The lead becomes readable from the
 * fake (`GET /{leadgen_id}`, the form's `/leads`), and a leadgen webhook signed with the app secret over the exact
 * bytes sent is POSTed to the app's callback URL. Answers with the lead and the app's reply.
 */
export async function sendTestLead(fake: FakeGraph, options: TestLeadOptions): Promise<TestLeadDelivery> {
  const form = fake.forms.get(options.formId);
  if (!form) throw new Error(`The fake Graph API has no form ${options.formId}`);
  testLeadSeq++;
  const n = testLeadSeq;
  const lead: FakeLead = {
    id: `${Date.now()}${String(n % 1000).padStart(3, '0')}`,
    createdTime: Math.floor(Date.now() / 1000),
    ...options.lead,
    formId: options.formId,
    fieldData: options.fieldData ?? [
      { name: 'full_name', values: [`Test Lead ${n}`] },
      { name: 'email', values: [`test.lead.${n}.${Date.now()}@example.com`] },
      { name: 'phone_number', values: [`+1202555${String(Date.now() % 10_000).padStart(4, '0')}`] },
    ],
  };
  fake.addLead(lead);
  const raw = JSON.stringify(
    leadgenWebhookPayload([{ leadgenId: lead.id, pageId: form.pageId, formId: lead.formId, createdTime: lead.createdTime, adId: lead.adId, adgroupId: lead.adsetId }]),
  );
  const res = await fetch(options.callbackUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMetaWebhook(options.appSecret, raw) },
    body: raw,
  });
  return { lead, status: res.status, body: await res.text() };
}
