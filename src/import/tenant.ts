/**
 * Reads every connection of an IoT Flow endpoint, as the provider does: an OAuth2 client-credentials token
 * from the token URL, then `GET /connections?pageIndex=N` until a short or empty page. Redirects are refused
 * (a token must not follow one), the number of pages is bounded, and no error text ever holds the secret.
 */
import { scrubber } from '../review/markdown';
import { defaultTokenUrl } from '../wire-format';

/** A connection as the API returns it (secrets masked as `*****`). */
export interface TenantConnection {
  readonly id: string;
  readonly name: string;
  readonly connectorId: string;
  readonly brand?: string;
  readonly active?: boolean;
  readonly configuration: Record<string, unknown>;
  readonly alarms?: unknown[];
  readonly [field: string]: unknown;
}

export interface TenantOptions {
  /** The IoT Flow API base URL, e.g. `https://community.thingpark.io/iot-flow/v1`. */
  readonly baseUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** @default `<origin of baseUrl>/users-auth/protocol/openid-connect/token` */
  readonly tokenUrl?: string;
  /** @default 1000 pages (100,000 connections) */
  readonly maxPages?: number;
  /** @default 30 seconds per call */
  readonly timeoutSeconds?: number;
}

/** An error reading the tenant; its message names the call and never holds a secret. */
export class TenantError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'TenantError';
  }
}

/** Every connection of the endpoint, by id ascending as the API pages them. */
export async function readTenant(options: TenantOptions): Promise<TenantConnection[]> {
  const hide = scrubber([options.clientSecret]);
  try {
    return await readAll(options);
  } catch (e) {
    throw new TenantError(hide(e instanceof Error ? e.message : String(e)));
  }
}

async function readAll(options: TenantOptions): Promise<TenantConnection[]> {
  const timeout = (options.timeoutSeconds ?? 30) * 1000;
  const tokenUrl = options.tokenUrl ?? defaultTokenUrl(options.baseUrl);
  const tokenResponse = await call(tokenUrl, timeout, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: options.clientId,
      client_secret: options.clientSecret,
    }).toString(),
  });
  const token = (tokenResponse as { access_token?: unknown }).access_token;
  if (typeof token !== 'string' || !token) {
    throw new Error(`POST ${tokenUrl}: the answer holds no access_token`);
  }
  const maxPages = options.maxPages ?? 1000;
  const all: TenantConnection[] = [];
  const seen = new Set<string>();
  let longest = 0;
  for (let page = 1; ; page++) {
    if (page > maxPages) {
      throw new Error(`GET ${options.baseUrl}/connections: more than ${maxPages} pages; stopped`);
    }
    const url = `${options.baseUrl.replace(/\/+$/, '')}/connections?pageIndex=${page}`;
    const body = await call(url, timeout, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    });
    if (!Array.isArray(body)) throw new Error(`GET ${url}: the answer is not a JSON array`);
    for (const c of body as TenantConnection[]) {
      if (typeof c?.id !== 'string' || seen.has(c.id)) {
        throw new Error(`GET ${url}: a connection without an id, or one already listed (${String(c?.id)})`);
      }
      seen.add(c.id);
      all.push(c);
    }
    // A page shorter than the longest seen (or empty) is the last one, whatever the server's page size.
    if (body.length === 0 || body.length < longest) return all;
    longest = Math.max(longest, body.length);
  }
}

/** One call: JSON answer of a 2xx, else an error with the status; redirects are refused, not followed. */
async function call(url: string, timeoutMs: number, init: RequestInit): Promise<unknown> {
  const method = init.method ?? 'GET';
  let res: Response;
  try {
    res = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    throw new Error(`${method} ${url}: ${cause ?? (e as Error).name}`);
  }
  if (res.status >= 300 && res.status < 400) {
    throw new Error(`${method} ${url}: redirected (${res.status}); give the endpoint's own URL`);
  }
  if (!res.ok) {
    const hint = res.status === 401 ? ': check --client-id and TF_VAR_thingpark_client_secret' : '';
    throw new Error(`${method} ${url}: HTTP ${res.status}${hint}`);
  }
  try {
    return await res.json();
  } catch {
    throw new Error(`${method} ${url}: the answer is not JSON`);
  }
}
