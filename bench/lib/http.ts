import http from 'node:http';

export type HttpResult = {
  status: number;
  /** The body (only its first `keepBytes` bytes when `discardBody`). */
  body: string;
  bytes: number;
  lines: number;
  /** Milliseconds from sending the request to the response headers. */
  firstByteMs: number;
  headers: http.IncomingHttpHeaders;
};

export type RequestOptions = {
  body?: unknown;
  timeoutMs?: number;
  /** Count bytes and lines but keep only the start of the body (exports). */
  discardBody?: boolean;
};

/**
 * A browser-like API client over node:http keep-alive connections: keeps the lf_session / lf_csrf cookies,
 * echoes the CSRF cookie in x-csrf-token on writes and names the workspace in x-workspace-id.
 *
 * The API's rate limit (1200 requests a minute per client address) would throttle a load test from one address,
 * so connections come from a rotating loopback source address (127.0.0.2 … 127.0.0.251), at most
 * `requestsPerAddress` requests each. All of it stays on the loopback interface.
 */
export class ApiClient {
  readonly cookies = new Map<string, string>();
  workspaceId: string | undefined;
  private readonly url: URL;
  private sent = 0;
  private agentIndex = -1;
  private agent: http.Agent | undefined;

  constructor(
    baseUrl: string,
    private readonly requestsPerAddress = 1000,
  ) {
    this.url = new URL(baseUrl);
  }

  private currentAgent(): http.Agent {
    const index = Math.floor(this.sent / this.requestsPerAddress) % 250;
    if (index !== this.agentIndex || !this.agent) {
      const previous = this.agent;
      this.agent = new http.Agent({ keepAlive: true, maxSockets: 64, localAddress: `127.0.0.${index + 2}` });
      this.agentIndex = index;
      // Sockets busy with in-flight requests finish first; idle ones close now.
      if (previous) setTimeout(() => previous.destroy(), 30_000).unref();
    }
    this.sent++;
    return this.agent;
  }

  request(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, o: RequestOptions = {}): Promise<HttpResult> {
    const payload = o.body === undefined ? undefined : Buffer.from(JSON.stringify(o.body));
    const headers: Record<string, string> = { accept: o.discardBody ? '*/*' : 'application/json' };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (method !== 'GET') headers['x-csrf-token'] = this.cookies.get('lf_csrf') ?? '';
    if (this.workspaceId) headers['x-workspace-id'] = this.workspaceId;
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(payload.length);
    }
    const keepBytes = 4096;
    return new Promise<HttpResult>((resolve, reject) => {
      const started = performance.now();
      const req = http.request(
        { host: this.url.hostname, port: this.url.port, method, path, headers, agent: this.currentAgent() },
        (res) => {
          const firstByteMs = performance.now() - started;
          const chunks: Buffer[] = [];
          let kept = 0;
          let bytes = 0;
          let lines = 0;
          res.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            if (o.discardBody) {
              for (let k = chunk.indexOf(10); k !== -1; k = chunk.indexOf(10, k + 1)) lines++;
              if (kept < keepBytes) {
                chunks.push(chunk.subarray(0, keepBytes - kept));
                kept += Math.min(chunk.length, keepBytes - kept);
              }
            } else chunks.push(chunk);
          });
          res.on('end', () => {
            for (const raw of ([] as string[]).concat(res.headers['set-cookie'] ?? [])) {
              const [pair, ...attrs] = raw.split(';');
              const eq = pair!.indexOf('=');
              const name = pair!.slice(0, eq).trim();
              const value = pair!.slice(eq + 1).trim();
              const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a));
              if (!value || expired) this.cookies.delete(name);
              else this.cookies.set(name, value);
            }
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), bytes, lines, firstByteMs, headers: res.headers });
          });
          res.on('error', reject);
        },
      );
      req.setTimeout(o.timeoutMs ?? 30_000, () => req.destroy(new Error(`timeout after ${o.timeoutMs ?? 30_000} ms: ${method} ${path.slice(0, 80)}`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  get = (path: string, o?: RequestOptions) => this.request('GET', path, o);
  post = (path: string, body: unknown, o?: RequestOptions) => this.request('POST', path, { ...o, body });

  close(): void {
    this.agent?.destroy();
  }
}

/** The route does not exist (yet): Fastify's or the app's 404 for an unknown route, not a 404 for a missing lead. */
export function isMissingRoute(res: HttpResult): boolean {
  if (res.status !== 404) return false;
  try {
    const body = JSON.parse(res.body) as { message?: string; error?: { message?: string } };
    const message = body.error?.message ?? body.message ?? '';
    return /^No route /.test(message) || /^Route .* not found$/.test(message);
  } catch {
    return false;
  }
}

/**
 * A fixed path such as /leads/export or /leads/bulk answered by the /leads/:id route because its own route is not
 * registered yet: a validation error on the `id` parameter.
 */
export function isShadowedByIdRoute(res: HttpResult): boolean {
  if (res.status !== 400) return false;
  try {
    return (JSON.parse(res.body) as { error?: { field?: string } }).error?.field === 'id';
  } catch {
    return false;
  }
}

export function describeFailure(res: HttpResult): string {
  return `HTTP ${res.status}: ${res.body.slice(0, 300)}`;
}
