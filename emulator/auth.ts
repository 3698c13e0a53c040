/** The OAuth2 token endpoint and the bearer tokens it issues, which every API call must carry. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { errorReply, methodNotAllowed, type ApiRequest, type Reply } from './http';

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

/** Random opaque bearer tokens with a fixed lifetime, like the real Keycloak-issued ones. */
export class TokenIssuer {
  private readonly expiries = new Map<string, number>();

  constructor(readonly ttlSeconds: number) {}

  issue(): string {
    const now = Date.now();
    for (const [token, expiry] of this.expiries) if (expiry <= now) this.expiries.delete(token);
    const token = randomBytes(32).toString('base64url');
    this.expiries.set(token, now + this.ttlSeconds * 1000);
    return token;
  }

  isValid(token: string): boolean {
    const expiry = this.expiries.get(token);
    return expiry !== undefined && Date.now() < expiry;
  }
}

function sameSecret(a: string, b: string): boolean {
  const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/** RFC 6749 §2.3.1: Basic credentials are form-urlencoded before base64 (Go's oauth2 does this). */
function formDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

function presentedCredentials(req: ApiRequest, form: URLSearchParams): ClientCredentials | undefined {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const match = /^Basic\s+(\S+)$/i.exec(header);
    if (match === null) return undefined;
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    const clientId = formDecode(decoded.slice(0, colon));
    const clientSecret = formDecode(decoded.slice(colon + 1));
    return clientId === undefined || clientSecret === undefined ? undefined : { clientId, clientSecret };
  }
  const clientId = form.get('client_id');
  const clientSecret = form.get('client_secret');
  return clientId === null || clientSecret === null ? undefined : { clientId, clientSecret };
}

function oauthError(status: number, error: string, description: string): Reply {
  return {
    status,
    headers: { 'Cache-Control': 'no-store' },
    body: { error, error_description: description },
  };
}

/** `POST` of the OAuth2 client-credentials grant, with credentials in a Basic header or in the form. */
export function handleTokenRequest(req: ApiRequest, expected: ClientCredentials, tokens: TokenIssuer): Reply {
  if (req.method !== 'POST') return methodNotAllowed(req.method, ['POST']);
  const contentType = req.headers['content-type'] ?? '';
  if (!/^application\/x-www-form-urlencoded\b/i.test(contentType)) {
    return oauthError(400, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
  }
  const form = new URLSearchParams(req.body.toString('utf8'));
  const grantType = form.get('grant_type');
  if (grantType === null) return oauthError(400, 'invalid_request', 'Missing form parameter: grant_type');
  if (grantType !== 'client_credentials') {
    return oauthError(400, 'unsupported_grant_type', `Unsupported grant_type: ${grantType}`);
  }
  const presented = presentedCredentials(req, form);
  if (
    presented === undefined ||
    !sameSecret(presented.clientId, expected.clientId) ||
    !sameSecret(presented.clientSecret, expected.clientSecret)
  ) {
    return oauthError(401, 'invalid_client', 'Invalid client or Invalid client credentials');
  }
  return {
    status: 200,
    headers: { 'Cache-Control': 'no-store' },
    body: { access_token: tokens.issue(), token_type: 'Bearer', expires_in: tokens.ttlSeconds },
  };
}

/** `undefined` when the call carries a live bearer token, else the 401 to answer. */
export function bearerError(headers: IncomingHttpHeaders, tokens: TokenIssuer): Reply | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '');
  if (match !== null && tokens.isValid(match[1])) return undefined;
  return match === null
    ? errorReply(401, 'com-4001', 'Missing bearer token', { 'WWW-Authenticate': 'Bearer' })
    : errorReply(401, 'com-4001', 'Invalid or expired bearer token', {
        'WWW-Authenticate': 'Bearer error="invalid_token"',
      });
}
