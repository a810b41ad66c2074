import { Nango } from '@nangohq/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pier } from '../../sdk/index.js';
import { type FakeProviderApi, startFakeProviderApi } from './support/fake-provider-api.js';
import { type OAuthServer, obtainTokens, startOAuthServer } from './support/oauth-server.js';
import { type RunningPlatform, startPlatform } from './support/platform.js';

/** What an axios error from the Nango SDK carried back. */
async function failure(call: Promise<unknown>): Promise<{ status: number; code: string }> {
  const err = (await call.then(
    () => undefined,
    (e: unknown) => e,
  )) as { response?: { status: number; data: { error: { code: string } } } } | undefined;
  return { status: err?.response?.status ?? 0, code: err?.response?.data?.error?.code ?? '' };
}

/**
 * Nango's published Node SDK, pointed at Pier by host name only, against the real local platform, a
 * real OAuth server (oidc-provider) and a fake provider API: the semantics of each call, not only
 * its shapes.
 */
describe("Nango's @nangohq/node against Pier", () => {
  let platform: RunningPlatform;
  let oauth: OAuthServer;
  let providerApi: FakeProviderApi;
  let nango: Nango;
  let pier: Pier;
  const refreshes = () => oauth.tokenRequests.filter((r) => r.grantType === 'refresh_token').length;
  const tokens = () => obtainTokens(oauth, 'http://127.0.0.1/callback');
  const importOAuth = async (connectionId: string, extra: Record<string, unknown> = {}) => {
    const t = await tokens();
    const res = await fetch(`${platform.url}/connections`, {
      method: 'POST',
      headers: { authorization: `Bearer ${platform.secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        provider_config_key: 'oidc',
        connection_id: connectionId,
        ...extra,
        credentials: {
          type: 'OAUTH2',
          access_token: t.access_token,
          refresh_token: t.refresh_token,
          expires_at: new Date(Date.now() + 3_600_000).toISOString(),
          ...((extra.credentials as object) ?? {}),
        },
      }),
    });
    return { res, tokens: t };
  };

  beforeAll(async () => {
    providerApi = await startFakeProviderApi();
    oauth = await startOAuthServer({ redirectUris: ['http://127.0.0.1/callback'], accessTokenTtlSeconds: 3600 });
    platform = await startPlatform();
    nango = new Nango({ host: platform.url, secretKey: platform.secretKey });
    pier = new Pier({ host: platform.url, secretKey: platform.secretKey });
    await pier.createProvider({
      name: 'oidc-api',
      displayName: 'OIDC API',
      auth: { mode: 'OAUTH2', authorizationUrl: `${oauth.url}/auth`, tokenUrl: `${oauth.url}/token` },
      api: { baseUrl: providerApi.url },
    });
    await nango.createIntegration({
      unique_key: 'oidc',
      provider: 'oidc-api',
      credentials: { type: 'OAUTH2', client_id: oauth.clientId, client_secret: oauth.clientSecret },
    });
  });

  afterAll(async () => {
    await platform?.stop();
    await providerApi?.close();
    await oauth?.close();
  });

  it('refresh_token=true includes the refresh token and refreshes nothing; force_refresh refreshes', async () => {
    const { res, tokens: t } = await importOAuth('ann@example.com');
    // POST /connections answers 200, as in the reference.
    expect(res.status).toBe(200);
    const before = refreshes();
    const plain = await nango.getConnection('oidc', 'ann@example.com');
    const credentials = plain.credentials as Record<string, unknown>;
    expect(credentials).toMatchObject({ type: 'OAUTH2', access_token: t.access_token });
    expect(credentials.refresh_token).toBeUndefined();
    expect(JSON.stringify(plain)).not.toContain(t.refresh_token);
    const withRefreshToken = await nango.getConnection('oidc', 'ann@example.com', false, true);
    expect((withRefreshToken.credentials as Record<string, unknown>).refresh_token).toBe(t.refresh_token);
    expect(refreshes()).toBe(before);
    expect(await nango.getToken('oidc', 'ann@example.com')).toBe(t.access_token);
    expect(refreshes()).toBe(before);
    const forced = await nango.getToken('oidc', 'ann@example.com', true);
    expect(forced).not.toBe(t.access_token);
    expect(refreshes()).toBe(before + 1);
  });

  it('lists by the deprecated end-user filters (tags included), without a silent cut at 100, and refuses unknown filters', async () => {
    const tagged = await importOAuth('tagged-1', { tags: { end_user_id: 'u-42', organization_id: 'org-7' } });
    expect(tagged.res.status).toBe(200);
    const byUser = await nango.listConnections(undefined, undefined, { endUserId: 'u-42' });
    expect(byUser.connections.map((c) => c.connection_id)).toEqual(['tagged-1']);
    const byUserParam = await nango.listConnections({ userId: 'u-42' });
    expect(byUserParam.connections.map((c) => c.connection_id)).toEqual(['tagged-1']);
    const byOrg = await nango.listConnections(undefined, undefined, { endUserOrganizationId: 'org-7' });
    expect(byOrg.connections.map((c) => c.connection_id)).toEqual(['tagged-1']);
    expect(
      (await nango.listConnections(undefined, undefined, { endUserOrganizationId: 'org-none' })).connections,
    ).toEqual([]);

    // 120 connections: a call without a limit returns them all (the reference's default is 10,000).
    for (let i = 0; i < 120; i += 20)
      await Promise.all(
        Array.from({ length: 20 }, (_, j) =>
          pier.importConnection({
            provider_config_key: 'oidc',
            connection_id: `bulk-${i + j}`,
            credentials: { type: 'OAUTH2', access_token: `at-${i + j}` },
          }),
        ),
      );
    const all = await nango.listConnections();
    expect(all.connections.filter((c) => c.connection_id.startsWith('bulk-'))).toHaveLength(120);
    expect((await nango.listConnections({ limit: 5 })).connections).toHaveLength(5);

    const misspelt = await fetch(`${platform.url}/connections?endUserID=u-42`, {
      headers: { authorization: `Bearer ${platform.secretKey}` },
    });
    expect(misspelt.status).toBe(400);
    expect(((await misspelt.json()) as { error: { code: string } }).error.code).toBe('invalid_query_params');
    // A trailing slash reaches the same route.
    const slash = await fetch(`${platform.url}/connections/?connectionId=tagged-1`, {
      headers: { authorization: `Bearer ${platform.secretKey}` },
    });
    expect(slash.status).toBe(200);
    expect(((await slash.json()) as { connections: unknown[] }).connections).toHaveLength(1);
  });

  it('proxies for every connection id the connections API accepts, and clamps Retries', async () => {
    for (const id of ['a@b.com', 'x:y', 'a+b']) {
      await importOAuth(id);
      const res = await nango.get<{ path: string; headers: Record<string, string> }>({
        providerConfigKey: 'oidc',
        connectionId: id,
        endpoint: '/echo/who',
        retries: 25,
      });
      expect(res.status).toBe(200);
      expect(res.data.path).toBe('/echo/who');
      expect(res.data.headers.authorization).toMatch(/^Bearer /);
    }
  });

  it('keeps config_override: refreshes use the connection’s own OAuth client', async () => {
    await pier.createIntegration({
      unique_key: 'oidc-wrong-client',
      provider: 'oidc-api',
      credentials: { type: 'OAUTH2', client_id: 'not-the-client', client_secret: 'not-the-secret' },
    });
    const t = await tokens();
    const res = await fetch(`${platform.url}/connections`, {
      method: 'POST',
      headers: { authorization: `Bearer ${platform.secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        provider_config_key: 'oidc-wrong-client',
        connection_id: 'own-client',
        credentials: {
          type: 'OAUTH2',
          access_token: t.access_token,
          refresh_token: t.refresh_token,
          config_override: { client_id: oauth.clientId, client_secret: oauth.clientSecret },
        },
      }),
    });
    expect(res.status).toBe(200);
    const got = await nango.getConnection('oidc-wrong-client', 'own-client');
    expect((got.credentials as Record<string, unknown>).config_override).toEqual({
      client_id: oauth.clientId,
      client_secret: oauth.clientSecret,
    });
    const refreshed = await nango.getToken('oidc-wrong-client', 'own-client', true);
    expect(refreshed).not.toBe(t.access_token);
  });

  it('uses the reference’s error codes and status codes', async () => {
    expect(await failure(nango.getConnection('no-such-integration', 'x'))).toEqual({
      status: 404,
      code: 'unknown_provider_config',
    });
    expect(await failure(nango.getConnection('oidc', 'no-such-connection'))).toEqual({
      status: 404,
      code: 'unknown_connection',
    });
    const session = await nango.createConnectSession({ tags: { end_user_id: 'u-1' }, allowed_integrations: ['oidc'] });
    const described = await fetch(`${platform.url}/connect/session`, {
      headers: { authorization: `Bearer ${session.data.token}` },
    });
    expect(described.status).toBe(200);
    expect(((await described.json()) as { data: Record<string, unknown> }).data).toMatchObject({
      token: session.data.token,
      connect_link: session.data.connect_link,
      expires_at: session.data.expires_at,
    });
    expect(await nango.deleteConnection('oidc', 'ann@example.com')).toMatchObject({ status: 200 });
    expect(await failure(nango.getConnection('oidc', 'ann@example.com'))).toEqual({
      status: 404,
      code: 'unknown_connection',
    });
  });
});
