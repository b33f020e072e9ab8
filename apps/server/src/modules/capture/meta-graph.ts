import http from 'node:http';
import https from 'node:https';

/** What kind of failure a Graph error is, which decides what we do about it (see docs integrations.md). */
export type GraphFailureKind = 'rate_limited' | 'temporary' | 'token' | 'permission' | 'not_found' | 'other';

const RATE_LIMIT_CODES = new Set([4, 17, 32, 613, 80001]);
const TEMPORARY_CODES = new Set([1, 2]);

export class GraphError extends Error {
  readonly httpStatus: number | null;
  readonly code: number | null;
  readonly subcode: number | null;
  readonly type: string | null;
  readonly fbtraceId: string | null;
  readonly kind: GraphFailureKind;

  constructor(fields: { message: string; httpStatus: number | null; code?: number | null; subcode?: number | null; type?: string | null; fbtraceId?: string | null }) {
    super(fields.message);
    this.httpStatus = fields.httpStatus;
    this.code = fields.code ?? null;
    this.subcode = fields.subcode ?? null;
    this.type = fields.type ?? null;
    this.fbtraceId = fields.fbtraceId ?? null;
    this.kind = classifyGraphFailure(this.code, this.httpStatus);
  }

  /** Worth trying again later without anyone doing anything. */
  get retriable(): boolean {
    return this.kind === 'rate_limited' || this.kind === 'temporary';
  }

  /** The Graph error as the admin should see it. */
  toJSON() {
    return { message: this.message, type: this.type, code: this.code, subcode: this.subcode, fbtraceId: this.fbtraceId, httpStatus: this.httpStatus };
  }

  describe(): string {
    const code = this.code !== null ? ` (code ${this.code}${this.subcode !== null ? `/${this.subcode}` : ''})` : '';
    return `${this.message}${code}`;
  }
}

export function classifyGraphFailure(code: number | null, httpStatus: number | null): GraphFailureKind {
  if (code !== null) {
    if (code === 190) return 'token';
    if (RATE_LIMIT_CODES.has(code)) return 'rate_limited';
    if (TEMPORARY_CODES.has(code)) return 'temporary';
    if (code === 10 || (code >= 200 && code <= 299)) return 'permission';
    if (code === 100) return 'not_found';
    return 'other';
  }
  if (httpStatus === null || httpStatus >= 500 || httpStatus === 429) return 'temporary';
  if (httpStatus === 404) return 'not_found';
  return 'other';
}

export type GraphCallRecord = { method: string; url: string; status: number | null; durationMs: number; error: string | null };

export type GraphClientOptions = {
  baseUrl: string;
  version: string;
  accessToken: string;
  /** Called once per request, with the URL stripped of the access token. */
  record: (call: GraphCallRecord) => Promise<void>;
  timeoutMs?: number;
};

export type GraphLead = {
  id: string;
  created_time?: string;
  field_data?: { name: string; values?: string[] }[];
  ad_id?: string;
  ad_name?: string;
  adset_id?: string;
  adset_name?: string;
  campaign_id?: string;
  campaign_name?: string;
  form_id?: string;
  is_organic?: boolean;
  platform?: string;
};

export type GraphQuestion = { key: string; label?: string; type?: string; id?: string };

export type GraphForm = { id: string; name?: string; status?: string; questions?: GraphQuestion[] };

export const LEAD_FIELDS = 'id,created_time,field_data,ad_id,ad_name,adset_id,adset_name,campaign_id,campaign_name,form_id,is_organic,platform';

/** The URL as it may be logged: never with the access token. */
export function redactGraphUrl(url: string): string {
  const u = new URL(url);
  u.searchParams.delete('access_token');
  u.searchParams.delete('appsecret_proof');
  return u.toString();
}

/** Keep-alive connections to the Graph API, shared by every client of the process (fetch costs more per call). */
const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 64 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

class GraphTimeout extends Error {}

/** One GET with a deadline for the whole exchange (connect, headers and body). */
function httpGet(url: URL, timeoutMs: number): Promise<{ status: number; text: string }> {
  const secure = url.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const req = (secure ? https : http).request(url, { method: 'GET', agent: secure ? agents.https : agents.http, headers: { accept: 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    const timer = setTimeout(() => req.destroy(new GraphTimeout()), timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end();
  });
}

/** A small Graph API client for Lead Ads: GET only, every call timed, recorded, and its errors typed. */
export function createGraphClient(options: GraphClientOptions) {
  const base = options.baseUrl.replace(/\/$/, '');
  const timeoutMs = options.timeoutMs ?? 15_000;

  async function getUrl<T>(url: string): Promise<T> {
    const withToken = new URL(url);
    withToken.searchParams.set('access_token', options.accessToken);
    const logged = redactGraphUrl(withToken.toString());
    const started = performance.now();
    let status: number | null = null;
    try {
      const res = await httpGet(withToken, timeoutMs);
      status = res.status;
      const text = res.text;
      const ok = res.status >= 200 && res.status < 300;
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      const err = (body as { error?: { message?: unknown; type?: unknown; code?: unknown; error_subcode?: unknown; fbtrace_id?: unknown } } | undefined)?.error;
      if (err || !ok || body === undefined) {
        throw new GraphError({
          message: typeof err?.message === 'string' ? err.message : `Graph API answered HTTP ${res.status}`,
          httpStatus: res.status,
          code: typeof err?.code === 'number' ? err.code : null,
          subcode: typeof err?.error_subcode === 'number' ? err.error_subcode : null,
          type: typeof err?.type === 'string' ? err.type : null,
          fbtraceId: typeof err?.fbtrace_id === 'string' ? err.fbtrace_id : null,
        });
      }
      await options.record({ method: 'GET', url: logged, status, durationMs: Math.round(performance.now() - started), error: null });
      return body as T;
    } catch (caught) {
      const error =
        caught instanceof GraphError
          ? caught
          : new GraphError({
              message: caught instanceof GraphTimeout ? `Graph API did not answer within ${timeoutMs} ms` : `Graph API unreachable: ${caught instanceof Error ? caught.message : String(caught)}`,
              httpStatus: null,
            });
      await options.record({ method: 'GET', url: logged, status, durationMs: Math.round(performance.now() - started), error: error.describe() });
      throw error;
    }
  }

  const path = (p: string, query: Record<string, string> = {}) => {
    const u = new URL(`${base}/${options.version}/${p}`);
    for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
    return u.toString();
  };

  return {
    getPage: (pageId: string) => getUrl<{ id: string; name: string }>(path(encodeURIComponent(pageId), { fields: 'name' })),

    async listForms(pageId: string): Promise<GraphForm[]> {
      const forms: GraphForm[] = [];
      let next: string | undefined = path(`${encodeURIComponent(pageId)}/leadgen_forms`, { fields: 'id,name,status,questions', limit: '100' });
      while (next) {
        const page: { data?: GraphForm[]; paging?: { next?: string } } = await getUrl(next);
        forms.push(...(page.data ?? []));
        next = page.paging?.next;
      }
      return forms;
    },

    getLead: (leadgenId: string) => getUrl<GraphLead>(path(encodeURIComponent(leadgenId), { fields: LEAD_FIELDS })),

    /** Every lead of a form created after `sinceUnix`, following `paging.next` to the end (a short page is not the end). */
    async *formLeadsSince(formId: string, sinceUnix: number, pageSize = 100): AsyncGenerator<GraphLead[]> {
      let next: string | undefined = path(`${encodeURIComponent(formId)}/leads`, {
        fields: LEAD_FIELDS,
        filtering: JSON.stringify([{ field: 'time_created', operator: 'GREATER_THAN', value: sinceUnix }]),
        limit: String(pageSize),
      });
      while (next) {
        const page: { data?: GraphLead[]; paging?: { next?: string } } = await getUrl(next);
        yield page.data ?? [];
        next = page.paging?.next;
      }
    },
  };
}

export type GraphClient = ReturnType<typeof createGraphClient>;
