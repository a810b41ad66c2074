import { env, runDurableObjectAlarm } from 'cloudflare:test';
import { describe, expect, inject, it } from 'vitest';
import { connectionStub } from '../../../durable-objects/connection-name.js';
import { readConfig } from '../../../workers/config.js';
import { STALE_TEARDOWN_MS, sweepTeardowns } from '../../../workers/connections/teardown.js';
import { openDb } from '../../../workers/db/client.js';
import { eventually } from '../../support/eventually.js';
import { api, seedEnvironment } from '../support/fixtures.js';

const oauth = inject('oauth');

async function freshTokens(): Promise<{ access_token: string; refresh_token: string }> {
  return (await fetch(`${oauth.url}/__test/tokens`, { method: 'POST' })).json();
}

/** Whether the provider still honours a refresh token (RFC 7009: a revoked one is `invalid_grant`). */
async function stillValid(refreshToken: string): Promise<boolean> {
  const res = await fetch(`${oauth.url}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: oauth.clientId,
      client_secret: oauth.clientSecret,
    }),
  });
  return res.status === 200;
}

/** An environment with a revoking OAuth integration, an API-key integration, and connections in both. */
async function seed(prefix: string) {
  const seeded = await seedEnvironment({ prefix });
  const { key } = seeded;
  await api(key, 'POST', '/providers', {
    name: 'revoking-oidc',
    display_name: 'Revoking OIDC',
    auth_mode: 'OAUTH2',
    authorization_url: `${oauth.url}/auth`,
    token_url: `${oauth.url}/token`,
    revocation_url: `${oauth.url}/token/revocation`,
    proxy: { base_url: oauth.url },
  });
  await api(key, 'POST', '/integrations', {
    unique_key: 'oidc',
    provider: 'revoking-oidc',
    credentials: { type: 'OAUTH2', client_id: oauth.clientId, client_secret: oauth.clientSecret },
  });
  await api(key, 'POST', '/integrations', { unique_key: 'openai', provider: 'openai' });
  const tokens = [await freshTokens(), await freshTokens()];
  for (const [i, t] of tokens.entries())
    await api(key, 'POST', '/connections', {
      provider_config_key: 'oidc',
      connection_id: `o${i}`,
      credentials: {
        type: 'OAUTH2',
        access_token: t.access_token,
        refresh_token: t.refresh_token,
        expires_at: new Date(Date.now() + 3_600_000).toISOString(),
      },
    });
  await api(key, 'POST', '/connections', {
    provider_config_key: 'openai',
    connection_id: 'k1',
    credentials: { type: 'API_KEY', apiKey: 'sk-teardown-test' },
  });
  const ids = await env.DB.prepare('SELECT id, unique_key FROM integrations WHERE environment_id = ?')
    .bind(seeded.id)
    .all<{ id: number; unique_key: string }>();
  const integrationId = (k: string) => ids.results.find((r) => r.unique_key === k)?.id ?? 0;
  const refs = [
    { environmentId: seeded.id, integrationId: integrationId('oidc'), connectionId: 'o0' },
    { environmentId: seeded.id, integrationId: integrationId('oidc'), connectionId: 'o1' },
    { environmentId: seeded.id, integrationId: integrationId('openai'), connectionId: 'k1' },
  ];
  return { ...seeded, tokens, refs };
}

const hasCredentials = async (ref: { environmentId: number; integrationId: number; connectionId: string }) =>
  (await connectionStub(env, ref).readState()).hasCredentials;

describe('deleting an integration or an environment tears its connections down', () => {
  it('an integration: grants revoked at the provider, every object erased (alarm included), a log line each', async () => {
    const { key, tokens, refs } = await seed('teardown-int');
    const [o0, o1, k1] = refs as [(typeof refs)[0], (typeof refs)[0], (typeof refs)[0]];
    expect(await hasCredentials(o0)).toBe(true);
    expect((await api(key, 'DELETE', '/integrations/oidc')).json).toEqual({ success: true });
    // The queue consumer does the work after the response.
    await eventually(
      async () => [await hasCredentials(o0), await hasCredentials(o1)],
      (held) => held.every((h) => !h),
      { timeoutMs: 15_000 },
    );
    expect(await connectionStub(env, o0).readState()).toMatchObject({ hasCredentials: false, alarmAtMs: null });
    expect(await connectionStub(env, o1).readState()).toMatchObject({ hasCredentials: false, alarmAtMs: null });
    for (const t of tokens) expect(await stillValid(t.refresh_token)).toBe(false);
    // The other integration's connection is untouched.
    expect(await hasCredentials(k1)).toBe(true);
    const logs = await eventually(
      async () =>
        (await api(key, 'GET', '/logs?type=auth')).json.data as {
          connection_id: string;
          path: string;
          outcome: string;
          error: unknown;
        }[],
      (lines) => lines.filter((l) => l.path === 'connection teardown').length === 2,
    );
    expect(
      logs
        .filter((l) => l.path === 'connection teardown')
        .map((l) => [l.connection_id, l.outcome, l.error])
        .sort(),
    ).toEqual([
      ['o0', 'success', null],
      ['o1', 'success', null],
    ]);
    const left = await env.DB.prepare('SELECT count(*) AS n FROM connection_teardowns WHERE environment_id = ?')
      .bind(o0.environmentId)
      .first<{ n: number }>();
    expect(left?.n).toBe(0);
  });

  it('an environment: every connection of every integration erased, logged in the deleting key’s environment', async () => {
    const admin = await seedEnvironment({ prefix: 'teardown-admin' });
    const { id, tokens, refs } = await seed('teardown-env');
    expect((await api(admin.key, 'DELETE', `/environments/${id}`)).status).toBe(204);
    await eventually(
      async () => Promise.all(refs.map(hasCredentials)),
      (held) => held.every((h) => !h),
      { timeoutMs: 15_000 },
    );
    for (const t of tokens) expect(await stillValid(t.refresh_token)).toBe(false);
    const logs = await eventually(
      async () =>
        (await api(admin.key, 'GET', '/logs?type=auth')).json.data as { connection_id: string; path: string }[],
      (lines) => lines.filter((l) => l.path === 'connection teardown').length === 3,
    );
    expect(
      logs
        .filter((l) => l.path === 'connection teardown')
        .map((l) => l.connection_id)
        .sort(),
    ).toEqual(['k1', 'o0', 'o1']);
  });

  it('the hourly sweep finishes teardowns the queue never ran', async () => {
    const { key, id, refs } = await seed('teardown-sweep');
    const k1 = refs[2] as (typeof refs)[0];
    const db = openDb(env.DB);
    // A teardown row whose queue message was lost: written long ago, never run.
    await env.DB.prepare(
      `INSERT INTO connection_teardowns (environment_id, integration_id, connection_id, integration_key, provider, log_environment_id, created_at)
       VALUES (?, ?, 'k1', 'openai', 'openai', ?, ?)`,
    )
      .bind(id, k1.integrationId, id, new Date(Date.now() - STALE_TEARDOWN_MS - 60_000).toISOString())
      .run();
    await env.DB.prepare('DELETE FROM connections WHERE environment_id = ? AND connection_id = ?').bind(id, 'k1').run();
    expect(await hasCredentials(k1)).toBe(true);
    expect(await sweepTeardowns({ db, config: readConfig(env), env })).toBeGreaterThanOrEqual(1);
    expect(await hasCredentials(k1)).toBe(false);
    expect((await api(key, 'GET', '/logs?type=auth')).json.data).toContainEqual(
      expect.objectContaining({ connection_id: 'k1', path: 'connection teardown', outcome: 'success' }),
    );
  });

  it('an object whose connection row is gone erases itself at its next alarm (the sweep for anything left behind)', async () => {
    const { id, refs } = await seed('teardown-orphan');
    const [o0, , k1] = refs as [(typeof refs)[0], (typeof refs)[0], (typeof refs)[0]];
    // Rows removed behind the objects' backs: no teardown, no queue message.
    await env.DB.prepare('DELETE FROM connections WHERE environment_id = ?').bind(id).run();
    for (const ref of [o0, k1]) {
      const stub = connectionStub(env, ref);
      expect((await stub.readState()).alarmAtMs).not.toBeNull();
      expect(await runDurableObjectAlarm(stub)).toBe(true);
      expect(await stub.readState()).toMatchObject({ hasCredentials: false, alarmAtMs: null });
    }
  });

  it('a live connection survives its own alarm', async () => {
    const { refs } = await seed('teardown-live');
    const k1 = refs[2] as (typeof refs)[0];
    const stub = connectionStub(env, k1);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const state = await stub.readState();
    expect(state.hasCredentials).toBe(true);
    expect(state.alarmAtMs).toBeGreaterThan(Date.now());
  });
});
