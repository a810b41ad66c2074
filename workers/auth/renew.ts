import { importPKCS8, SignJWT } from 'jose';
import type { IntegrationCredentials } from '../../sdk/contract/integrations.js';
import type { ProviderDefinition } from '../../sdk/contract/provider-definition.js';
import { describeUrlFailure, resolveProviderUrl } from '../providers/provider-url.js';
import { interpolate } from '../providers/template.js';
import type { AppCredentials, ConnectionCredentials, JwtCredentials, OAuth2ClientCredentials } from './credentials.js';
import {
  expiresAtFrom,
  requestToken,
  type TokenEndpointFailure,
  tokenResponseMetadata,
  toOAuth2Credentials,
} from './oauth2-token.js';

/**
 * Gets fresh credentials without the user: refresh-token grant, a new client-credentials token,
 * a new GitHub-style installation token, or a re-signed JWT. Pure apart from the HTTP call.
 */

export type RenewInput = {
  provider: ProviderDefinition;
  integrationCredentials: IntegrationCredentials | null;
  connectionConfig: Record<string, string>;
  credentials: ConnectionCredentials;
  mode: 'development' | 'production';
  /** The integration's `allow_custom_hosts` opt-in (see workers/providers/provider-url.ts). */
  allowCustomHosts: boolean;
  nowMs: number;
  fetchFn?: typeof fetch;
};

export type RenewResult =
  | { ok: true; credentials: ConnectionCredentials; connectionConfig?: Record<string, string> }
  | TokenEndpointFailure;

const fail = (message: string): TokenEndpointFailure => ({ ok: false, message });

/** A token endpoint from the catalog, checked like every provider URL: host constraints and address policy. */
function providerUrl(
  template: string,
  input: Omit<RenewInput, 'credentials'>,
): { ok: true; url: string } | TokenEndpointFailure {
  const result = resolveProviderUrl(template, {
    provider: input.provider,
    vars: { connectionConfig: input.connectionConfig },
    mode: input.mode,
    allowCustomHosts: input.allowCustomHosts,
  });
  return result.ok ? { ok: true, url: result.url.toString() } : fail(describeUrlFailure(result, 'token URL'));
}

export async function renewCredentials(input: RenewInput): Promise<RenewResult> {
  const { provider, credentials } = input;
  const auth = provider.auth;
  switch (credentials.type) {
    case 'OAUTH2': {
      if (auth.mode !== 'OAUTH2') return fail(`provider auth mode ${auth.mode} cannot refresh OAuth 2 tokens`);
      if (!credentials.refresh_token) return fail('no refresh token');
      const client = credentials.client_override ?? oauthClient(input.integrationCredentials);
      if (!client) return fail('the integration has no OAuth client credentials');
      const url = providerUrl(auth.refreshUrl ?? auth.tokenUrl, input);
      if (!url.ok) return url;
      const result = await requestToken({
        tokenUrl: url.url,
        auth,
        clientId: client.client_id,
        clientSecret: client.client_secret,
        params: { grant_type: 'refresh_token', refresh_token: credentials.refresh_token, ...auth.refreshParams },
        mode: input.mode,
        fetchFn: input.fetchFn,
      });
      if (!result.ok) return result;
      const next = toOAuth2Credentials(result.body, auth, input.nowMs, credentials.refresh_token);
      if (!next) return fail('token response had no access_token');
      if (credentials.client_override) next.client_override = credentials.client_override;
      return {
        ok: true,
        credentials: next,
        connectionConfig: tokenResponseMetadata(result.body, auth.tokenResponseMetadata),
      };
    }
    case 'OAUTH2_CC':
      return clientCredentialsToken({
        ...input,
        clientId: credentials.client_id,
        clientSecret: credentials.client_secret,
      });
    case 'APP':
      return installationToken(input);
    case 'JWT':
      return signProviderJwt(input, credentials.fields);
    default:
      return fail(`${credentials.type} credentials do not expire`);
  }
}

function oauthClient(
  credentials: IntegrationCredentials | null,
): { client_id: string; client_secret: string } | undefined {
  if (!credentials || !('client_id' in credentials)) return undefined;
  return { client_id: credentials.client_id, client_secret: credentials.client_secret };
}

/** RFC 6749 §4.4: a token for the client itself, with the client's id and secret. */
export async function clientCredentialsToken(
  input: Omit<RenewInput, 'credentials'> & { clientId: string; clientSecret: string; scopes?: string[] },
): Promise<RenewResult> {
  const auth = input.provider.auth;
  if (auth.mode !== 'OAUTH2_CC') return fail(`provider auth mode ${auth.mode} is not OAUTH2_CC`);
  const url = providerUrl(auth.tokenUrl, input);
  if (!url.ok) return url;
  const scopes = input.scopes ?? auth.defaultScopes;
  const result = await requestToken({
    tokenUrl: url.url,
    auth,
    clientId: input.clientId,
    clientSecret: input.clientSecret,
    params: {
      grant_type: 'client_credentials',
      ...(scopes.length > 0 ? { scope: scopes.join(auth.scopeSeparator) } : {}),
      ...auth.tokenParams,
    },
    mode: input.mode,
    fetchFn: input.fetchFn,
  });
  if (!result.ok) return result;
  const token = result.body.access_token;
  if (typeof token !== 'string' || !token) return fail('token response had no access_token');
  const expiresAt = expiresAtFrom(result.body, 'seconds', input.nowMs);
  const credentials: OAuth2ClientCredentials = {
    type: 'OAUTH2_CC',
    token,
    client_id: input.clientId,
    client_secret: input.clientSecret,
    raw: result.body,
    ...(expiresAt ? { expires_at: expiresAt } : {}),
  };
  return { ok: true, credentials, connectionConfig: tokenResponseMetadata(result.body, auth.tokenResponseMetadata) };
}

/**
 * GitHub App style: an RS256 JWT (iss = app id, at most 10 minutes) exchanged at the provider's
 * installation-token URL.
 */
export async function installationToken(input: Omit<RenewInput, 'credentials'>): Promise<RenewResult> {
  const auth = input.provider.auth;
  if (auth.mode !== 'APP') return fail(`provider auth mode ${auth.mode} is not APP`);
  const app = input.integrationCredentials;
  if (!app || (app.type !== 'APP' && app.type !== 'CUSTOM')) return fail('the integration has no app credentials');
  const target = providerUrl(auth.tokenUrl, input);
  if (!target.ok) return target;
  let jwt: string;
  try {
    const key = await importPKCS8(toPkcs8Pem(app.private_key), 'RS256');
    const nowSeconds = Math.floor(input.nowMs / 1000);
    jwt = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer(app.app_id)
      .setIssuedAt(nowSeconds - 60) // GitHub recommends back-dating for clock drift
      .setExpirationTime(nowSeconds + auth.jwtExpiresInSeconds)
      .sign(key);
  } catch {
    return fail('the app private key could not be used to sign');
  }
  let response: Response;
  try {
    response = await (input.fetchFn ?? fetch)(target.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${jwt}`, accept: 'application/vnd.github+json', 'user-agent': 'pier' },
      // The app JWT must never follow a redirect to another host.
      redirect: 'manual',
      signal: AbortSignal.timeout(15_000),
    });
  } catch {
    return fail('installation token endpoint unreachable');
  }
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok || typeof body.token !== 'string')
    return { ok: false, status: response.status, message: `installation token endpoint answered ${response.status}` };
  const credentials: AppCredentials = {
    type: 'APP',
    access_token: body.token,
    raw: body,
    ...(typeof body.expires_at === 'string' ? { expires_at: new Date(body.expires_at).toISOString() } : {}),
  };
  return { ok: true, credentials };
}

/** Converts a PKCS#1 (`BEGIN RSA PRIVATE KEY`, as GitHub issues) key to PKCS#8, which WebCrypto imports. */
export function toPkcs8Pem(pem: string): string {
  if (!pem.includes('BEGIN RSA PRIVATE KEY')) return pem;
  const der = Uint8Array.from(
    atob(pem.replace(/-----(BEGIN|END) RSA PRIVATE KEY-----/g, '').replace(/\s+/g, '')),
    (c) => c.charCodeAt(0),
  );
  // PrivateKeyInfo ::= SEQUENCE { version 0, AlgorithmIdentifier rsaEncryption, OCTET STRING pkcs1 }
  const algorithm = [0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00];
  const octet = [0x04, ...derLength(der.length), ...der];
  const body = [0x02, 0x01, 0x00, ...algorithm, ...octet];
  const pkcs8 = new Uint8Array([0x30, ...derLength(body.length), ...body]);
  let text = '';
  for (const b of pkcs8) text += String.fromCharCode(b);
  const lines = btoa(text).match(/.{1,64}/g) ?? [];
  return `-----BEGIN PRIVATE KEY-----\n${lines.join('\n')}\n-----END PRIVATE KEY-----`;
}

function derLength(length: number): number[] {
  if (length < 0x80) return [length];
  const bytes: number[] = [];
  for (let n = length; n > 0; n >>= 8) bytes.unshift(n & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

/** Signs the JWT a JWT-mode provider expects, from the credentials the user entered. */
export async function signProviderJwt(
  input: Omit<RenewInput, 'credentials'>,
  fields: Record<string, string>,
): Promise<RenewResult> {
  const auth = input.provider.auth;
  if (auth.mode !== 'JWT') return fail(`provider auth mode ${auth.mode} is not JWT`);
  const vars = { credentials: fields, connectionConfig: input.connectionConfig };
  const keyText = interpolate(auth.signingKey, vars);
  if (!keyText.ok) return fail(`signing key needs ${keyText.missing.join(', ')}`);
  const claims: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(auth.claims)) {
    if (Array.isArray(value)) {
      const items = value.map((v) => interpolate(v, vars)).flatMap((r) => (r.ok ? [r.value] : []));
      if (items.length > 0) claims[name] = items;
      continue;
    }
    const filled = interpolate(value, vars);
    if (filled.ok) claims[name] = filled.value;
  }
  const header: Record<string, string> = {};
  for (const [name, value] of Object.entries(auth.header)) {
    const filled = interpolate(value, vars);
    if (filled.ok) header[name] = filled.value;
  }
  const nowSeconds = Math.floor(input.nowMs / 1000);
  try {
    const key =
      auth.algorithm === 'HS256'
        ? new TextEncoder().encode(keyText.value)
        : await importPKCS8(toPkcs8Pem(keyText.value), auth.algorithm);
    const token = await new SignJWT(claims)
      .setProtectedHeader({ ...header, alg: auth.algorithm })
      .setIssuedAt(nowSeconds)
      .setExpirationTime(nowSeconds + auth.expiresInSeconds)
      .sign(key);
    const credentials: JwtCredentials = {
      type: 'JWT',
      token,
      fields,
      expires_at: new Date((nowSeconds + auth.expiresInSeconds) * 1000).toISOString(),
    };
    return { ok: true, credentials };
  } catch {
    return fail('the signing key could not be used');
  }
}
