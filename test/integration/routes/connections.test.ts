import { env, runInDurableObject } from 'cloudflare:test';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { connectionStub } from '../../../durable-objects/connection-name.js';
import type { ConnectionObject } from '../../../durable-objects/connection-object.js';
import { api, seedEnvironment } from '../support/fixtures.js';

const oauth = inject('oauth');

async function freshTokens(): Promise<{ access_token: string; refresh_token: string }> {
  return (await fetch(`${oauth.url}/__test/tokens`, { method: 'POST' })).json();
}
async function refreshRequests(): Promise<{ grantType: string; refreshToken?: string; status: number }[]> {
  const all = (await (await fetch(`${oauth.url}/__test/token-requests`)).json()) as {
    grantType: string;
    refreshToken?: string;
    status: number;
  }[];
  return all.filter((r) => r.grantType === 'refresh_token');
}

describe('connections API and ConnectionObject', () => {
  let key: string;
  let environmentId: number;
  let integrationId: number;

  beforeAll(async () => {
    ({ key, id: environmentId } = await seedEnvironment({ prefix: 'connections' }));
    await api(key, 'POST', '/providers', {
      name: 'test-oidc',
      display_name: 'Test OIDC',
      auth_mode: 'OAUTH2',
      authorization_url: `${oauth.url}/auth`,
      token_url: `${oauth.url}/token`,
      token_expiration_buffer: 5,
      revocation_url: `${oauth.url}/token/revocation`,
      proxy: { base_url: oauth.url },
    });
    await api(key, 'POST', '/integrations', {
      unique_key: 'oidc',
      provider: 'test-oidc',
      credentials: { type: 'OAUTH2', client_id: oauth.clientId, client_secret: oauth.clientSecret },
    });
    await api(key, 'POST', '/integrations', { unique_key: 'openai', provider: 'openai' });
    const row = await env.DB.prepare(`SELECT id FROM integrations WHERE unique_key = 'oidc' AND environment_id = ?`)
      .bind(environmentId)
      .first<{ id: number }>();
    integrationId = row?.id ?? 0;
  });

  it('imports an API-key connection and returns its credentials to the secret key; nothing is stored in clear', async () => {
    const created = await api(key, 'POST', '/connections', {
      provider_config_key: 'openai',
      connection_id: 'acme-1',
      credentials: { type: 'API_KEY', apiKey: 'sk-very-secret-value' },
      tags: { End_User_Id: 'u1' },
      metadata: { plan: 'pro' },
    });
    expect(created.status).toBe(200);
    const got = await api(key, 'GET', '/connections/acme-1?provider_config_key=openai');
    expect(got.json).toMatchObject({
      connection_id: 'acme-1',
      provider_config_key: 'openai',
      provider: 'openai',
      credentials: { type: 'API_KEY', apiKey: 'sk-very-secret-value' },
      tags: { end_user_id: 'u1' },
      metadata: { plan: 'pro' },
      errors: [],
    });
    const d1 = await env.DB.prepare(`SELECT * FROM connections WHERE connection_id = 'acme-1'`).all();
    expect(JSON.stringify(d1.results)).not.toContain('sk-very-secret-value');
    const openaiId =
      (
        await env.DB.prepare(`SELECT id FROM integrations WHERE unique_key = 'openai' AND environment_id = ?`)
          .bind(environmentId)
          .first<{ id: number }>()
      )?.id ?? 0;
    await runInDurableObject(
      connectionStub(env, { environmentId, integrationId: openaiId, connectionId: 'acme-1' }),
      (_o: ConnectionObject, state) => {
        const stored = JSON.stringify(state.storage.sql.exec('SELECT * FROM credentials').toArray());
        expect(stored).not.toContain('sk-very-secret-value');
        expect(stored).toContain('v1.test.');
      },
    );
    const events = await env.DB.prepare(`SELECT payload FROM outbox_events WHERE connection_id = 'acme-1'`).all<{
      payload: string;
    }>();
    expect(events.results.map((e) => JSON.parse(e.payload))).toEqual([
      expect.objectContaining({
        type: 'auth',
        operation: 'creation',
        success: true,
        connectionId: 'acme-1',
        providerConfigKey: 'openai',
      }),
    ]);
    expect(events.results[0]?.payload).not.toContain('sk-very-secret-value');
  });

  it('rejects bad input with clear 4xx errors', async () => {
    const wrongMode = await api(key, 'POST', '/connections', {
      provider_config_key: 'openai',
      credentials: { type: 'BASIC', username: 'u', password: 'p' },
    });
    expect([wrongMode.status, wrongMode.json.error.code]).toEqual([400, 'wrong_auth_mode']);
    const unknown = await api(key, 'POST', '/connections', {
      provider_config_key: 'nope',
      credentials: { type: 'API_KEY', apiKey: 'k' },
    });
    expect([unknown.status, unknown.json.error.code]).toEqual([404, 'unknown_provider_config']);
    const noKey = await api(key, 'GET', '/connections/acme-1');
    expect([noKey.status, noKey.json.error.code]).toEqual([400, 'invalid_query_params']);
    const missing = await api(key, 'GET', '/connections/ghost?provider_config_key=openai');
    expect([missing.status, missing.json.error.code]).toEqual([404, 'unknown_connection']);
    const badType = await api(key, 'POST', '/connections', {
      provider_config_key: 'openai',
      credentials: { type: 'MAGIC' },
    });
    expect([badType.status, badType.json.error.code]).toEqual([400, 'invalid_body']);
  });

  it('lists with filters, patches tags, sets and merges metadata, and deletes', async () => {
    await api(key, 'POST', '/connections', {
      provider_config_key: 'openai',
      connection_id: 'beta-2',
      credentials: { type: 'API_KEY', apiKey: 'k2' },
      tags: { org: 'beta' },
    });
    const all = await api(key, 'GET', '/connections');
    expect(all.json.connections.map((c: { connection_id: string }) => c.connection_id)).toEqual(
      expect.arrayContaining(['acme-1', 'beta-2']),
    );
    const byTag = await api(key, 'GET', '/connections?tags[org]=beta');
    expect(byTag.json.connections.map((c: { connection_id: string }) => c.connection_id)).toEqual(['beta-2']);
    const bySearch = await api(key, 'GET', '/connections?search=acme');
    expect(bySearch.json.connections.map((c: { connection_id: string }) => c.connection_id)).toEqual(['acme-1']);
    const byIntegration = await api(key, 'GET', '/connections?integrationId=oidc');
    expect(
      byIntegration.json.connections.every((c: { provider_config_key: string }) => c.provider_config_key === 'oidc'),
    ).toBe(true);
    const paged = await api(key, 'GET', '/connections?limit=1&page=1');
    expect(paged.json.connections).toHaveLength(1);

    expect(
      (await api(key, 'PATCH', '/connections/beta-2?provider_config_key=openai', { tags: { org: 'gamma' } })).json,
    ).toEqual({ success: true });
    await api(key, 'POST', '/connections/metadata', {
      connection_id: 'beta-2',
      provider_config_key: 'openai',
      metadata: { a: 1, b: 2 },
    });
    await api(key, 'PATCH', '/connections/metadata', {
      connection_id: ['beta-2'],
      provider_config_key: 'openai',
      metadata: { b: 3 },
    });
    const got = await api(key, 'GET', '/connections/beta-2?provider_config_key=openai');
    expect(got.json).toMatchObject({ tags: { org: 'gamma' }, metadata: { a: 1, b: 3 } });
    const missingMeta = await api(key, 'POST', '/connections/metadata', {
      connection_id: 'nope',
      provider_config_key: 'openai',
      metadata: {},
    });
    expect(missingMeta.status).toBe(404);

    expect((await api(key, 'DELETE', '/connections/beta-2?provider_config_key=openai')).json).toEqual({
      success: true,
    });
    expect((await api(key, 'GET', '/connections/beta-2?provider_config_key=openai')).status).toBe(404);
  });

  it('refreshes an expired token once, however many callers ask at the same time', async () => {
    const tokens = await freshTokens();
    // Counted before the import: the connection's alarm may do the one refresh before any caller does.
    const before = (await refreshRequests()).length;
    await api(key, 'POST', '/connections', {
      provider_config_key: 'oidc',
      connection_id: 'concurrent',
      credentials: {
        type: 'OAUTH2',
        access_token: tokens.access_token,
        refresh_token: tokens.refresh_token,
        expires_at: new Date(Date.now() - 1000).toISOString(),
      },
    });
    const results = await Promise.all(
      Array.from({ length: 50 }, () => api(key, 'GET', '/connections/concurrent?provider_config_key=oidc')),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    const accessTokens = new Set(results.map((r) => r.json.credentials.access_token));
    expect(accessTokens.size).toBe(1);
    expect(accessTokens.has(tokens.access_token)).toBe(false);
    const after = await refreshRequests();
    expect(after.length - before).toBe(1);
    expect(after.at(-1)).toMatchObject({ refreshToken: tokens.refresh_token, status: 200 });

    // The rotated refresh token is stored: a forced refresh uses the new one, never the old.
    const forced = await api(key, 'GET', '/connections/concurrent?provider_config_key=oidc&force_refresh=true');
    expect(forced.status).toBe(200);
    const last = (await refreshRequests()).at(-1);
    expect(last?.status).toBe(200);
    expect(last?.refreshToken).not.toBe(tokens.refresh_token);
  });

  it('refreshes proactively from the alarm before expiry, with no caller asking', async () => {
    const tokens = await freshTokens();
    await api(key, 'POST', '/connections', {
      provider_config_key: 'oidc',
      connection_id: 'alarmed',
      credentials: {
        type: 'OAUTH2',
        access_token: tokens.access_token,
        refresh_token: tokens.refresh_token,
        expires_at: new Date(Date.now() + 7000).toISOString(),
      },
    });
    const stub = connectionStub(env, { environmentId, integrationId, connectionId: 'alarmed' });
    const state = await stub.readState();
    // A 5 s buffer, capped at half the token's 7 s lifetime: the alarm is due in about 3.5 s.
    expect(state.alarmAtMs).toBeGreaterThan(Date.now() + 2500);
    expect(state.alarmAtMs).toBeLessThanOrEqual(Date.now() + 4000);
    expect(state.refreshCount).toBe(0);
    const deadline = Date.now() + 15_000;
    let after = state;
    while (after.refreshCount === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      after = await stub.readState();
    }
    expect(after.refreshCount).toBe(1);
    expect(after.expiresAtMs).toBeGreaterThan(Date.now() + 30_000);
    // The next alarm is scheduled before the new expiry.
    expect(after.alarmAtMs).toBeGreaterThan(Date.now());
  });

  it('marks a revoked grant as needing re-authorisation, records an auth event, and stops calling the provider', async () => {
    await api(key, 'POST', '/connections', {
      provider_config_key: 'oidc',
      connection_id: 'revoked',
      credentials: {
        type: 'OAUTH2',
        access_token: 'old',
        refresh_token: 'not-a-valid-refresh-token',
        expires_at: new Date(Date.now() - 1000).toISOString(),
      },
    });
    const first = await api(key, 'GET', '/connections/revoked?provider_config_key=oidc');
    expect(first.status).toBe(424);
    expect(first.json.error.code).toBe('connection_refresh_failed');
    const count = (await refreshRequests()).length;
    const again = await api(key, 'GET', '/connections/revoked?provider_config_key=oidc');
    expect(again.status).toBe(424);
    expect((await refreshRequests()).length).toBe(count);

    const listed = await api(key, 'GET', '/connections?connectionId=revoked');
    expect(listed.json.connections[0].errors).toEqual([{ type: 'auth', log_id: expect.any(String) }]);
    const events = await env.DB.prepare(
      `SELECT payload FROM outbox_events WHERE connection_id = 'revoked' ORDER BY id`,
    ).all<{ payload: string }>();
    expect(events.results.map((e) => JSON.parse(e.payload))).toEqual([
      expect.objectContaining({ operation: 'creation', success: true }),
      expect.objectContaining({
        operation: 'refresh',
        success: false,
        error: expect.objectContaining({ type: 'invalid_grant' }),
      }),
    ]);

    // Re-authorising (here: importing new credentials) clears the error.
    const tokens = await freshTokens();
    await api(key, 'POST', '/connections', {
      provider_config_key: 'oidc',
      connection_id: 'revoked',
      credentials: { type: 'OAUTH2', access_token: tokens.access_token, refresh_token: tokens.refresh_token },
    });
    expect((await api(key, 'GET', '/connections?connectionId=revoked')).json.connections[0].errors).toEqual([]);
  });

  it('revokes the token at the provider when a connection is deleted', async () => {
    const tokens = await freshTokens();
    await api(key, 'POST', '/connections', {
      provider_config_key: 'oidc',
      connection_id: 'to-revoke',
      credentials: {
        type: 'OAUTH2',
        access_token: tokens.access_token,
        refresh_token: tokens.refresh_token,
        expires_at: new Date(Date.now() + 3_600_000).toISOString(),
      },
    });
    expect((await api(key, 'DELETE', '/connections/to-revoke?provider_config_key=oidc')).json).toEqual({
      success: true,
    });
    // The provider no longer honours the refresh token (RFC 7009 revocation).
    const reuse = await fetch(`${oauth.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        client_id: oauth.clientId,
        client_secret: oauth.clientSecret,
      }),
    });
    expect(reuse.status).toBe(400);
    expect(((await reuse.json()) as { error: string }).error).toBe('invalid_grant');
    expect((await api(key, 'GET', '/connections/to-revoke?provider_config_key=oidc')).status).toBe(404);
  });

  it('backs off after a transient provider failure instead of retrying at once', async () => {
    const tokens = await freshTokens();
    await api(key, 'POST', '/connections', {
      provider_config_key: 'oidc',
      connection_id: 'flaky',
      credentials: {
        type: 'OAUTH2',
        access_token: tokens.access_token,
        refresh_token: tokens.refresh_token,
        expires_at: new Date(Date.now() - 1000).toISOString(),
      },
    });
    await fetch(`${oauth.url}/__test/fail?count=1&status=503`, { method: 'POST' });
    const failed = await api(key, 'GET', '/connections/flaky?provider_config_key=oidc');
    expect(failed.status).toBe(424);
    expect(Number(failed.headers.get('retry-after'))).toBeGreaterThanOrEqual(29);
    const count = (await refreshRequests()).length;
    const cooling = await api(key, 'GET', '/connections/flaky?provider_config_key=oidc');
    expect(cooling.status).toBe(424);
    expect((await refreshRequests()).length).toBe(count);
    const state = await connectionStub(env, { environmentId, integrationId, connectionId: 'flaky' }).readState();
    expect(state).toMatchObject({ failures: 1, needsReauth: false });
    expect(state.cooldownUntilMs).toBeGreaterThan(Date.now());
  });
});
