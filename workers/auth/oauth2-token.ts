import type { ProviderDefinition } from '../../sdk/contract/provider-definition.js';
import { checkOutboundUrl } from '../net/outbound-policy.js';
import type { OAuth2Credentials } from './credentials.js';

/**
 * Token endpoint requests (RFC 6749 §4.1.3, §4.4, §6) with the quirks providers declare:
 * client authentication in the body or a Basic header, form or JSON bodies, extra parameters,
 * nested token objects and millisecond expiries.
 */

type OAuth2Auth = Extract<ProviderDefinition['auth'], { mode: 'OAUTH2' | 'OAUTH2_CC' }>;

export type TokenEndpointFailure = {
  ok: false;
  /** HTTP status from the token endpoint; absent for network errors. */
  status?: number;
  /** The `error` field of an RFC 6749 §5.2 error response. */
  oauthError?: string;
  message: string;
};

export type TokenEndpointResult = { ok: true; body: Record<string, unknown> } | TokenEndpointFailure;

export type TokenRequest = {
  tokenUrl: string;
  auth: Pick<OAuth2Auth, 'clientAuth' | 'tokenBodyFormat'>;
  clientId: string;
  clientSecret: string;
  params: Record<string, string>;
  mode: 'development' | 'production';
  fetchFn?: typeof fetch;
  timeoutMs?: number;
};

function basic(clientId: string, clientSecret: string): string {
  // RFC 6749 §2.3.1: each part is form-urlencoded before base64.
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${btoa(`${enc(clientId)}:${enc(clientSecret)}`)}`;
}

/** POSTs to a token endpoint and returns the parsed body, or a failure that says whether to retry. */
export async function requestToken(request: TokenRequest): Promise<TokenEndpointResult> {
  const target = checkOutboundUrl(request.tokenUrl, request.mode);
  if (!target.ok) return { ok: false, message: `token URL refused (${target.reason})` };
  const params: Record<string, string> = { ...request.params };
  const headers: Record<string, string> = { accept: 'application/json' };
  if (request.auth.clientAuth === 'basic') headers.authorization = basic(request.clientId, request.clientSecret);
  else Object.assign(params, { client_id: request.clientId, client_secret: request.clientSecret });
  let body: string;
  if (request.auth.tokenBodyFormat === 'json') {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(params);
  } else {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(params).toString();
  }
  let response: Response;
  try {
    response = await (request.fetchFn ?? fetch)(target.url, {
      method: 'POST',
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(request.timeoutMs ?? 15_000),
    });
  } catch (err) {
    return { ok: false, message: `token endpoint unreachable: ${err instanceof Error ? err.name : 'error'}` };
  }
  const text = await response.text();
  const parsed = parseBody(text, response.headers.get('content-type'));
  // Some providers (Slack, older GitHub) answer errors with 200 and `error` or `ok: false`.
  const oauthError =
    typeof parsed.error === 'string' ? parsed.error : parsed.ok === false ? 'provider_error' : undefined;
  if (!response.ok || oauthError) {
    return {
      ok: false,
      status: response.status,
      ...(oauthError ? { oauthError } : {}),
      message:
        typeof parsed.error_description === 'string'
          ? parsed.error_description.slice(0, 300)
          : `token endpoint answered ${response.status}${oauthError ? ` (${oauthError})` : ''}`,
    };
  }
  return { ok: true, body: parsed };
}

function parseBody(text: string, contentType: string | null): Record<string, unknown> {
  if (contentType?.includes('json') || text.trimStart().startsWith('{')) {
    try {
      const value: unknown = JSON.parse(text);
      return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  }
  // GitHub's classic endpoint (and OAuth 1 servers) may answer form-encoded.
  return Object.fromEntries(new URLSearchParams(text));
}

function pick(body: Record<string, unknown>, path: string | undefined): Record<string, unknown> {
  if (!path) return body;
  let value: unknown = body;
  for (const key of path.split('.'))
    value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : body;
}

/** An absolute expiry from `expires_in`, in seconds unless the provider declares milliseconds. */
export function expiresAtFrom(
  body: Record<string, unknown>,
  unit: 'seconds' | 'milliseconds',
  nowMs: number,
): string | undefined {
  const raw = body.expires_in ?? body.expires;
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : Number.NaN;
  if (!Number.isFinite(n) || n <= 0) return undefined;
  return new Date(nowMs + (unit === 'milliseconds' ? n : n * 1000)).toISOString();
}

/**
 * Normalises a token response into OAuth 2 credentials. A response without a new refresh token
 * keeps the previous one (RFC 6749 §6 allows either).
 */
export function toOAuth2Credentials(
  body: Record<string, unknown>,
  auth: Pick<Extract<OAuth2Auth, { mode: 'OAUTH2' }>, 'tokenResponsePath' | 'expiresInUnit'>,
  nowMs: number,
  previousRefreshToken?: string,
): OAuth2Credentials | undefined {
  const token = pick(body, auth.tokenResponsePath);
  const accessToken = token.access_token;
  if (typeof accessToken !== 'string' || accessToken === '') return undefined;
  const refreshToken =
    typeof token.refresh_token === 'string' && token.refresh_token ? token.refresh_token : previousRefreshToken;
  const expiresAt = expiresAtFrom(token, auth.expiresInUnit, nowMs);
  return {
    type: 'OAUTH2',
    access_token: accessToken,
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
    ...(expiresAt ? { expires_at: expiresAt } : {}),
    raw: body,
  };
}

/** Values of the token response that the provider wants in the connection config (e.g. `instance_url`). */
export function tokenResponseMetadata(
  body: Record<string, unknown>,
  fields: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of fields) {
    let value: unknown = body;
    for (const key of field.split('.'))
      value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    if (typeof value === 'string' || typeof value === 'number') out[field] = String(value);
  }
  return out;
}
