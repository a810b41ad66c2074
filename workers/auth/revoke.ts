import type { IntegrationCredentials } from '../../sdk/contract/integrations.js';
import type { ProviderDefinition } from '../../sdk/contract/provider-definition.js';
import { resolveProviderUrl } from '../providers/provider-url.js';
import type { ConnectionCredentials } from './credentials.js';

/** Where and with which client a connection's grant is revoked (RFC 7009). */
export type Revocation = { url: string; clientId: string; clientSecret: string };

export type RevocationOutcome =
  | { revoked: true; status: number }
  | { revoked: false; reason: 'not_supported' | 'no_token' | 'refused' | 'unreachable'; status?: number };

/**
 * The revocation endpoint of an OAuth 2 integration for one connection, checked like every provider
 * URL; undefined when the provider has none, the integration has no client, or the URL is refused.
 */
export function revocationFor(input: {
  provider: ProviderDefinition;
  integrationCredentials: IntegrationCredentials | null;
  connectionConfig: Record<string, string>;
  mode: 'development' | 'production';
  allowCustomHosts: boolean;
}): Revocation | undefined {
  const auth = input.provider.auth;
  const client = input.integrationCredentials;
  if (auth.mode !== 'OAUTH2' || !auth.revocationUrl || !client || !('client_id' in client)) return undefined;
  const url = resolveProviderUrl(auth.revocationUrl, {
    provider: input.provider,
    vars: { connectionConfig: input.connectionConfig },
    mode: input.mode,
    allowCustomHosts: input.allowCustomHosts,
  });
  if (!url.ok) return undefined;
  return { url: url.url.toString(), clientId: client.client_id, clientSecret: client.client_secret };
}

/**
 * Revokes the grant (the refresh token, else the access token). Best effort: the caller deletes the
 * connection whatever the provider answers. The client secret never follows a redirect.
 *
 * @example await revokeGrant(revocation, credentials) // { revoked: true, status: 200 }
 */
export async function revokeGrant(
  revocation: Revocation,
  credentials: ConnectionCredentials,
  fetchFn: typeof fetch = fetch,
): Promise<RevocationOutcome> {
  if (credentials.type !== 'OAUTH2') return { revoked: false, reason: 'not_supported' };
  const token = credentials.refresh_token ?? credentials.access_token;
  // A connection with its own OAuth client revokes as that client.
  const client = credentials.client_override
    ? { id: credentials.client_override.client_id, secret: credentials.client_override.client_secret }
    : { id: revocation.clientId, secret: revocation.clientSecret };
  if (!token) return { revoked: false, reason: 'no_token' };
  try {
    const response = await fetchFn(revocation.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        token,
        token_type_hint: credentials.refresh_token ? 'refresh_token' : 'access_token',
        client_id: client.id,
        client_secret: client.secret,
      }),
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
    });
    await response.body?.cancel();
    return response.ok
      ? { revoked: true, status: response.status }
      : { revoked: false, reason: 'refused', status: response.status };
  } catch {
    return { revoked: false, reason: 'unreachable' };
  }
}
