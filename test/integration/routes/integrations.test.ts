import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { api, seedEnvironment } from '../support/fixtures.js';

const SECRET = 'very-secret-client-secret-value';

describe('integrations API', () => {
  let key: string;
  beforeAll(async () => {
    ({ key } = await seedEnvironment({ prefix: 'integrations' }));
  });

  it('rejects an empty body with invalid_body and the zod issues', async () => {
    const res = await api(key, 'POST', '/integrations', {});
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('invalid_body');
    expect(res.json.error.errors.map((e: { path: string[] }) => e.path.join('.'))).toEqual(['unique_key', 'provider']);
  });

  it('rejects a missing body, non-JSON, the wrong content type and oversized bodies', async () => {
    expect((await api(key, 'POST', '/integrations')).json.error.code).toBe('invalid_body');
    const badJson = await api(key, 'POST', '/integrations', '{"unique_key":', { 'content-type': 'application/json' });
    expect([badJson.status, badJson.json.error.code]).toEqual([400, 'invalid_json']);
    const form = await api(key, 'POST', '/integrations', 'a=b', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect([form.status, form.json.error.code]).toEqual([415, 'unsupported_media_type']);
    const huge = await api(key, 'POST', '/integrations', JSON.stringify({ unique_key: 'x'.repeat(2 * 1024 * 1024) }));
    expect([huge.status, huge.json.error.code]).toEqual([413, 'payload_too_large']);
  });

  it('rejects unknown fields, unknown providers and credentials that do not fit the auth mode', async () => {
    const extra = await api(key, 'POST', '/integrations', { unique_key: 'a', provider: 'github', nope: 1 });
    expect([extra.status, extra.json.error.code]).toEqual([400, 'invalid_body']);
    const unknown = await api(key, 'POST', '/integrations', { unique_key: 'a', provider: 'no-such-provider' });
    expect([unknown.status, unknown.json.error.code]).toEqual([400, 'unknown_provider']);
    const mismatch = await api(key, 'POST', '/integrations', {
      unique_key: 'a',
      provider: 'openai',
      credentials: { type: 'OAUTH2', client_id: 'id', client_secret: 's' },
    });
    expect(mismatch.status).toBe(400);
    expect(mismatch.json.error).toMatchObject({
      code: 'invalid_credentials',
      errors: [{ path: ['credentials', 'type'] }],
    });
  });

  it('creates, reads, updates and deletes an integration; the secret only appears with include=credentials', async () => {
    const created = await api(key, 'POST', '/integrations', {
      unique_key: 'github-prod',
      provider: 'github',
      credentials: { type: 'OAUTH2', client_id: 'client-123', client_secret: SECRET, scopes: 'repo,read:user' },
    });
    expect(created.status).toBe(200);
    expect(created.json.data).toMatchObject({
      unique_key: 'github-prod',
      provider: 'github',
      display_name: 'GitHub (User OAuth)',
      forward_webhooks: true,
    });
    expect(JSON.stringify(created.json)).not.toContain(SECRET);

    const duplicate = await api(key, 'POST', '/integrations', { unique_key: 'github-prod', provider: 'github' });
    expect([duplicate.status, duplicate.json.error.code]).toEqual([409, 'duplicate_integration']);

    const list = await api(key, 'GET', '/integrations');
    expect(list.json.data.map((i: { unique_key: string }) => i.unique_key)).toEqual(['github-prod']);
    expect(JSON.stringify(list.json)).not.toContain(SECRET);

    const plain = await api(key, 'GET', '/integrations/github-prod');
    expect(plain.json.data.credentials).toBeUndefined();
    expect(JSON.stringify(plain.json)).not.toContain(SECRET);

    const full = await api(key, 'GET', '/integrations/github-prod?include=credentials&include=webhook');
    expect(full.json.data.credentials).toEqual({
      type: 'OAUTH2',
      client_id: 'client-123',
      client_secret: SECRET,
      scopes: 'repo,read:user',
    });
    expect(full.json.data.webhook_url).toMatch(/^http:\/\/pier\.test\/webhook\/[0-9a-f-]{36}\/github-prod$/);

    const badInclude = await api(key, 'GET', '/integrations/github-prod?include=secrets');
    expect([badInclude.status, badInclude.json.error.code]).toEqual([400, 'invalid_query_params']);

    const renamed = await api(key, 'PATCH', '/integrations/github-prod', {
      unique_key: 'github',
      display_name: 'GitHub (prod)',
      forward_webhooks: false,
    });
    expect(renamed.json.data).toMatchObject({
      unique_key: 'github',
      display_name: 'GitHub (prod)',
      forward_webhooks: false,
    });
    expect((await api(key, 'GET', '/integrations/github-prod')).status).toBe(404);
    const kept = await api(key, 'GET', '/integrations/github?include=credentials');
    expect(kept.json.data.credentials.client_secret).toBe(SECRET);

    const cleared = await api(key, 'PATCH', '/integrations/github', { credentials: null });
    expect(cleared.status).toBe(200);
    expect((await api(key, 'GET', '/integrations/github?include=credentials')).json.data.credentials).toBeNull();

    const deleted = await api(key, 'DELETE', '/integrations/github');
    expect(deleted.json).toEqual({ success: true });
    const gone = await api(key, 'GET', '/integrations/github');
    expect(gone.status).toBe(404);
    expect(gone.json).toEqual({
      error: { code: 'unknown_provider_config', message: 'No integration "github" in this environment' },
    });
  });

  it('stores client credentials encrypted: the secret is not in D1 in clear', async () => {
    await api(key, 'POST', '/integrations', {
      unique_key: 'slack-enc',
      provider: 'slack',
      credentials: { type: 'OAUTH2', client_id: 'cid-enc', client_secret: SECRET },
    });
    const row = await env.DB.prepare(`SELECT * FROM integrations WHERE unique_key = 'slack-enc'`).first<
      Record<string, unknown>
    >();
    expect(row).toBeTruthy();
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(SECRET);
    expect(stored).not.toContain('cid-enc');
    expect(String(row?.credentials_enc)).toMatch(/^v1\.test\./);
  });

  it('merges integration_config on update', async () => {
    await api(key, 'POST', '/integrations', {
      unique_key: 'cfg',
      provider: 'openai',
      integration_config: { a: '1', b: '2' },
    });
    await api(key, 'PATCH', '/integrations/cfg', { integration_config: { b: '3', c: '4' } });
    const got = await api(key, 'GET', '/integrations/cfg');
    expect(got.json.data.integration_config).toEqual({ a: '1', b: '3', c: '4' });
  });

  it('keeps integrations of different environments apart', async () => {
    const other = await seedEnvironment({ prefix: 'other' });
    await api(key, 'POST', '/integrations', { unique_key: 'shared-name', provider: 'github' });
    expect((await api(other.key, 'GET', '/integrations/shared-name')).status).toBe(404);
    expect(
      (await api(other.key, 'POST', '/integrations', { unique_key: 'shared-name', provider: 'github' })).status,
    ).toBe(200);
  });
});
