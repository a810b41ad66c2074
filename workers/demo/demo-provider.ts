import { calculatePKCECodeChallenge } from 'oauth4webapi';
import type { ProviderDefinitionInput } from '../../sdk/contract/provider-definition.js';
import type { PierConfig } from '../config.js';
import { openJson, sealJson } from '../crypto/secret-box.js';

/**
 * `pier-demo`: a small OAuth 2 provider and API served by Pier itself in development mode only, so a
 * newcomer with no third-party account can run the whole flow locally (connect, proxy, logs). Its
 * codes and tokens are values sealed with the platform key (nothing is stored); its client is fixed
 * and public because it protects nothing but demo data.
 */

export const DEMO_PROVIDER = 'pier-demo';
export const DEMO_CLIENT = { id: 'pier-demo-client', secret: 'pier-demo-secret' };
export const DEMO_USER = { id: 'demo-user-1', name: 'Ada Lovelace', email: 'ada@demo.pier.test' };
const CODE_TTL_S = 300;
const ACCESS_TTL_S = 3600;

/** The demo's catalog entry, for a platform reachable at `origin` (its URLs are absolute). */
export function demoProviderDefinition(origin: string): ProviderDefinitionInput {
  return {
    name: DEMO_PROVIDER,
    displayName: 'Pier Demo',
    categories: ['dev-tools'],
    docs: `${origin}/demo/`,
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: `${origin}/demo/oauth/authorize`,
      tokenUrl: `${origin}/demo/oauth/token`,
      defaultScopes: ['contacts.read'],
    },
    api: {
      baseUrl: `${origin}/demo/api`,
      pagination: {
        type: 'cursor',
        cursorPathInResponse: 'next_cursor',
        cursorNameInRequest: 'cursor',
        responsePath: 'contacts',
      },
    },
  };
}

type Grant = {
  kind: 'code' | 'access' | 'refresh';
  sub: string;
  exp: number;
  redirectUri?: string;
  challenge?: string;
};

const sealGrant = (config: PierConfig, grant: Grant) => sealJson(config, grant, `demo:${grant.kind}`);

async function openGrant(config: PierConfig, value: string, kind: Grant['kind']): Promise<Grant | undefined> {
  const grant = await openJson<Grant>(config, value, `demo:${kind}`).catch(() => undefined);
  return grant && grant.kind === kind && grant.exp > Date.now() / 1000 ? grant : undefined;
}

const now = () => Math.floor(Date.now() / 1000);

/** The consent step: where the browser goes back to, with a code for Pier's own callback only. */
export async function authorizeRedirect(
  config: PierConfig,
  origin: string,
  query: URLSearchParams,
  approved: boolean,
): Promise<{ ok: true; location: string } | { ok: false; message: string }> {
  const redirectUri = query.get('redirect_uri') ?? '';
  if (query.get('client_id') !== DEMO_CLIENT.id) return { ok: false, message: 'Unknown client_id' };
  // Codes go to this platform's own callback, never to an address a link chose.
  if (redirectUri !== `${origin}/oauth/callback`)
    return { ok: false, message: 'redirect_uri must be this Pier’s /oauth/callback' };
  if (query.get('response_type') !== 'code') return { ok: false, message: 'response_type must be code' };
  const back = new URL(redirectUri);
  const state = query.get('state');
  if (state) back.searchParams.set('state', state);
  if (!approved) {
    back.searchParams.set('error', 'access_denied');
    return { ok: true, location: back.toString() };
  }
  const challenge =
    query.get('code_challenge_method') === 'S256' ? (query.get('code_challenge') ?? undefined) : undefined;
  const code = await sealGrant(config, {
    kind: 'code',
    sub: DEMO_USER.id,
    exp: now() + CODE_TTL_S,
    redirectUri,
    ...(challenge ? { challenge } : {}),
  });
  back.searchParams.set('code', code);
  return { ok: true, location: back.toString() };
}

export type TokenAnswer = { status: number; body: Record<string, unknown> };

/** RFC 6749 token endpoint: authorization_code (with PKCE S256 when it was used) and refresh_token. */
export async function demoToken(config: PierConfig, form: URLSearchParams): Promise<TokenAnswer> {
  const error = (code: string, description: string, status = 400): TokenAnswer => ({
    status,
    body: { error: code, error_description: description },
  });
  if (form.get('client_id') !== DEMO_CLIENT.id || form.get('client_secret') !== DEMO_CLIENT.secret)
    return error('invalid_client', 'Unknown client or wrong secret', 401);
  let sub: string;
  if (form.get('grant_type') === 'authorization_code') {
    const grant = await openGrant(config, form.get('code') ?? '', 'code');
    if (!grant || grant.redirectUri !== form.get('redirect_uri'))
      return error('invalid_grant', 'Unknown or expired code');
    if (grant.challenge && grant.challenge !== (await calculatePKCECodeChallenge(form.get('code_verifier') ?? '')))
      return error('invalid_grant', 'PKCE verification failed');
    sub = grant.sub;
  } else if (form.get('grant_type') === 'refresh_token') {
    const grant = await openGrant(config, form.get('refresh_token') ?? '', 'refresh');
    if (!grant) return error('invalid_grant', 'Unknown refresh token');
    sub = grant.sub;
  } else return error('unsupported_grant_type', 'Use authorization_code or refresh_token');
  return {
    status: 200,
    body: {
      access_token: await sealGrant(config, { kind: 'access', sub, exp: now() + ACCESS_TTL_S }),
      refresh_token: await sealGrant(config, { kind: 'refresh', sub, exp: now() + 30 * 86_400 }),
      token_type: 'Bearer',
      expires_in: ACCESS_TTL_S,
      scope: 'contacts.read',
    },
  };
}

const CONTACTS = Array.from({ length: 25 }, (_, i) => ({
  id: `contact-${i + 1}`,
  name: `Demo Contact ${i + 1}`,
  email: `contact${i + 1}@demo.pier.test`,
}));

/** The demo API: `GET /me`, `GET /contacts?cursor=&limit=` (cursor pagination, like many CRMs). */
export async function demoApi(config: PierConfig, request: Request, path: string): Promise<TokenAnswer> {
  const token = /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '')?.[1];
  if (!token || !(await openGrant(config, token, 'access')))
    return { status: 401, body: { error: 'invalid_token', message: 'Send a valid access token as a Bearer token' } };
  if (path === '/me') return { status: 200, body: DEMO_USER };
  if (path === '/contacts') {
    const url = new URL(request.url);
    const start = Number(url.searchParams.get('cursor') ?? 0) || 0;
    const limit = Math.min(Math.max(Number(url.searchParams.get('limit') ?? 10) || 10, 1), 100);
    const page = CONTACTS.slice(start, start + limit);
    const next = start + limit < CONTACTS.length ? String(start + limit) : null;
    return { status: 200, body: { contacts: page, next_cursor: next } };
  }
  return { status: 404, body: { error: 'not_found', message: `No demo endpoint ${path}` } };
}
