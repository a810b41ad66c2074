import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { api, BASE, seedEnvironment } from '../support/fixtures.js';

describe('environments and API keys', () => {
  let admin: { id: number; key: string };
  beforeAll(async () => {
    admin = await seedEnvironment({ prefix: 'admin' });
  });

  it('creates an environment, refuses duplicates and bad names', async () => {
    const created = await api(admin.key, 'POST', '/environments', { name: 'staging-a' });
    expect(created.status).toBe(200);
    expect(created.json.data).toEqual({ id: expect.any(Number), name: 'staging-a' });
    const dup = await api(admin.key, 'POST', '/environments', { name: 'staging-a' });
    expect([dup.status, dup.json.error.code]).toEqual([409, 'duplicate_environment']);
    const bad = await api(admin.key, 'POST', '/environments', { name: 'Has Spaces' });
    expect([bad.status, bad.json.error.code]).toEqual([400, 'invalid_body']);
    const listed = await api(admin.key, 'GET', '/environments');
    expect(listed.json.data.map((e: { name: string }) => e.name)).toContain('staging-a');
  });

  it('issues a key once, stores only its hash, and the key works for its environment only', async () => {
    const envId = (await api(admin.key, 'POST', '/environments', { name: 'keys-b' })).json.data.id;
    const created = await api(admin.key, 'POST', '/environment/api-keys', {
      environment_id: envId,
      display_name: 'ci',
    });
    expect(created.status).toBe(200);
    const { secret, scopes } = created.json.data;
    expect(secret).toMatch(/^pier_sk_[A-Za-z0-9_-]{43}$/);
    expect(scopes).toEqual(['environment:*']);

    const stored = await env.DB.prepare('SELECT * FROM api_keys WHERE environment_id = ?').bind(envId).all();
    expect(JSON.stringify(stored.results)).not.toContain(secret);
    const listed = await api(admin.key, 'GET', `/environment/api-keys?environment_id=${envId}`);
    expect(listed.json.data).toEqual([
      expect.objectContaining({ display_name: 'ci', prefix: secret.slice(0, 12), last_used_at: null }),
    ]);
    expect(JSON.stringify(listed.json)).not.toContain(secret);

    const own = await api(secret, 'GET', '/environment');
    expect(own.json.data).toMatchObject({ id: envId, name: 'keys-b', is_production: false });
    // An environment-scoped key cannot manage the account or other environments.
    expect((await api(secret, 'GET', '/environments')).status).toBe(403);
    const foreign = await api(secret, 'POST', '/environment/api-keys', { environment_id: admin.id, display_name: 'x' });
    expect([foreign.status, foreign.json.error.code]).toEqual([403, 'forbidden']);
    const escalate = await api(secret, 'POST', '/environment/api-keys', {
      environment_id: envId,
      display_name: 'root',
      scopes: ['account:*'],
    });
    expect(escalate.status).toBe(403);

    const dup = await api(admin.key, 'POST', '/environment/api-keys', { environment_id: envId, display_name: 'ci' });
    expect([dup.status, dup.json.error.code]).toEqual([409, 'duplicate_api_key']);
  });

  it('rotates a key: the old secret stops working, the new one works', async () => {
    const envId = (await api(admin.key, 'POST', '/environments', { name: 'rotate-c' })).json.data.id;
    const first = (
      await api(admin.key, 'POST', '/environment/api-keys', { environment_id: envId, display_name: 'svc' })
    ).json.data;
    expect((await api(first.secret, 'GET', '/integrations')).status).toBe(200);
    const rotated = await api(first.secret, 'POST', '/environment/api-keys/rotate', {
      environment_id: envId,
      key_id: first.id,
    });
    expect(rotated.json.data).toMatchObject({ id: first.id, display_name: 'svc' });
    expect(rotated.json.data.secret).not.toBe(first.secret);
    expect((await api(first.secret, 'GET', '/integrations')).status).toBe(401);
    expect((await api(rotated.json.data.secret, 'GET', '/integrations')).status).toBe(200);

    const deleted = await api(admin.key, 'DELETE', '/environment/api-keys', {
      environment_id: envId,
      key_id: first.id,
    });
    expect(deleted.json).toEqual({ success: true });
    expect((await api(rotated.json.data.secret, 'GET', '/integrations')).status).toBe(401);
    const again = await api(admin.key, 'DELETE', '/environment/api-keys', { environment_id: envId, key_id: first.id });
    expect([again.status, again.json.error.code]).toEqual([404, 'unknown_api_key']);
  });

  it('an environment key cannot rotate or delete a key with more scopes than its own (account:* stays out of reach)', async () => {
    const envId = (await api(admin.key, 'POST', '/environments', { name: 'scopes-x' })).json.data.id;
    const strong = (
      await api(admin.key, 'POST', '/environment/api-keys', {
        environment_id: envId,
        display_name: 'root',
        scopes: ['environment:*', 'account:*'],
      })
    ).json.data;
    const weak = (await api(admin.key, 'POST', '/environment/api-keys', { environment_id: envId, display_name: 'app' }))
      .json.data;
    expect(weak.scopes).toEqual(['environment:*']);

    const rotate = await api(weak.secret, 'POST', '/environment/api-keys/rotate', {
      environment_id: envId,
      key_id: strong.id,
    });
    expect([rotate.status, rotate.json.error.code]).toEqual([403, 'forbidden']);
    expect(JSON.stringify(rotate.json)).not.toMatch(/pier_sk_/);
    // The strong key still works with its old secret: nothing was rotated.
    expect((await api(strong.secret, 'GET', '/environments')).status).toBe(200);

    const remove = await api(weak.secret, 'DELETE', '/environment/api-keys', {
      environment_id: envId,
      key_id: strong.id,
    });
    expect([remove.status, remove.json.error.code]).toEqual([403, 'forbidden']);
    expect((await api(strong.secret, 'GET', '/environments')).status).toBe(200);

    // Keys of equal scope stay manageable, and an account key manages everything.
    const peer = (
      await api(admin.key, 'POST', '/environment/api-keys', { environment_id: envId, display_name: 'peer' })
    ).json.data;
    expect(
      (await api(weak.secret, 'POST', '/environment/api-keys/rotate', { environment_id: envId, key_id: peer.id }))
        .status,
    ).toBe(200);
    expect(
      (await api(weak.secret, 'DELETE', '/environment/api-keys', { environment_id: envId, key_id: peer.id })).status,
    ).toBe(200);
    const byAccount = await api(strong.secret, 'POST', '/environment/api-keys/rotate', {
      environment_id: envId,
      key_id: weak.id,
    });
    expect(byAccount.status).toBe(200);
    // An unknown key id in the caller's own environment is still a plain 404.
    const unknown = await api(byAccount.json.data.secret, 'DELETE', '/environment/api-keys', {
      environment_id: envId,
      key_id: 999_999,
    });
    expect([unknown.status, unknown.json.error.code]).toEqual([404, 'unknown_api_key']);
  });

  it('deletes an environment with everything in it, but never prod or the caller’s own', async () => {
    const envId = (await api(admin.key, 'POST', '/environments', { name: 'doomed-d' })).json.data.id;
    const secret = (await api(admin.key, 'POST', '/environment/api-keys', { environment_id: envId, display_name: 'k' }))
      .json.data.secret;
    await api(secret, 'POST', '/integrations', { unique_key: 'gh', provider: 'github' });
    const res = await api(admin.key, 'DELETE', `/environments/${envId}`);
    expect(res.status).toBe(204);
    expect((await api(secret, 'GET', '/integrations')).status).toBe(401);
    const orphans = await env.DB.prepare('SELECT count(*) AS n FROM integrations WHERE environment_id = ?')
      .bind(envId)
      .first();
    expect(orphans?.n).toBe(0);
    expect((await api(admin.key, 'DELETE', `/environments/${envId}`)).json.error.code).toBe('unknown_environment');
    expect((await api(admin.key, 'DELETE', `/environments/${admin.id}`)).json.error.code).toBe('reserved_environment');
    expect((await api(admin.key, 'DELETE', '/environments/abc')).json.error.code).toBe('invalid_path_params');

    const prod = await api(admin.key, 'POST', '/environments', { name: 'prod' });
    const prodId = prod.status === 200 ? prod.json.data.id : undefined;
    if (prodId) {
      const env = (await api(admin.key, 'GET', '/environments')).json.data.find((e: { id: number }) => e.id === prodId);
      expect(env.is_production).toBe(true);
      const refused = await api(admin.key, 'DELETE', `/environments/${prodId}`);
      expect([refused.status, refused.json.error.code]).toEqual([400, 'reserved_environment']);
    }
  });

  it('updates callback URL and webhook settings, and rotates the webhook signing key', async () => {
    // Before one is set, the callback URL shown is this deployment's own.
    expect((await api(admin.key, 'GET', '/environment')).json.data.callback_url).toBe(`${BASE}/oauth/callback`);
    const patched = await api(admin.key, 'PATCH', '/environment', {
      callback_url: 'https://auth.example.com/oauth/callback',
      webhook_settings: { primary_url: 'https://example.com/hooks', on_auth_creation: true },
    });
    expect(patched.json.data).toMatchObject({
      callback_url: 'https://auth.example.com/oauth/callback',
      webhook_settings: { primary_url: 'https://example.com/hooks', on_auth_creation: true },
    });
    const merged = await api(admin.key, 'PATCH', '/environment', { webhook_settings: { on_sync_error: true } });
    expect(merged.json.data.webhook_settings).toEqual({
      primary_url: 'https://example.com/hooks',
      on_auth_creation: true,
      on_sync_error: true,
    });
    const badUrl = await api(admin.key, 'PATCH', '/environment', { callback_url: 'javascript:alert(1)' });
    expect([badUrl.status, badUrl.json.error.code]).toEqual([400, 'invalid_body']);

    const first = await api(admin.key, 'POST', '/environment/webhook-signing-key/rotate');
    const second = await api(admin.key, 'POST', '/environment/webhook-signing-key/rotate');
    expect(first.json.data.webhook_signing_key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(second.json.data.webhook_signing_key).not.toBe(first.json.data.webhook_signing_key);
    const row = await env.DB.prepare('SELECT webhook_signing_key_enc FROM environments WHERE id = ?')
      .bind(admin.id)
      .first();
    expect(String(row?.webhook_signing_key_enc)).not.toContain(second.json.data.webhook_signing_key);
  });

  it('refuses to delete the last account-scoped key', async () => {
    const db = env.DB;
    const accountKeys = await db
      .prepare(`SELECT id, environment_id FROM api_keys WHERE scopes LIKE '%account:*%'`)
      .all();
    // Delete every other account key first so that the admin key is the last one.
    for (const row of accountKeys.results as { id: number; environment_id: number }[])
      if (row.environment_id !== admin.id) await db.prepare('DELETE FROM api_keys WHERE id = ?').bind(row.id).run();
    const own = (await api(admin.key, 'GET', '/environment/api-keys')).json.data[0];
    const res = await api(admin.key, 'DELETE', '/environment/api-keys', { environment_id: admin.id, key_id: own.id });
    expect([res.status, res.json.error.code]).toEqual([409, 'last_api_key']);
  });
});
