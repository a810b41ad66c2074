import { SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { Pier, PierError } from '../../../sdk/index.js';
import { BASE, seedEnvironment } from '../support/fixtures.js';

describe('backend SDK against the real Worker', () => {
  let pier: Pier;
  beforeAll(async () => {
    const { key } = await seedEnvironment({ prefix: 'sdk' });
    pier = new Pier({ secretKey: key, host: BASE, fetch: (input, init) => SELF.fetch(input, init) });
  });

  it('manages integrations and providers with typed calls', async () => {
    const providers = await pier.listProviders({ search: 'github' });
    expect(providers.map((p) => p.name)).toContain('github');
    expect((await pier.getProvider('stripe')).auth_mode).toBe('OAUTH2');

    await pier.createProvider({
      name: 'sdk-api',
      displayName: 'SDK API',
      auth: { mode: 'API_KEY' },
      api: { baseUrl: 'https://sdk.test', headers: { authorization: 'Bearer ${apiKey}' } },
    });
    const created = await pier.createIntegration({ unique_key: 'sdk-int', provider: 'sdk-api' });
    expect(created).toMatchObject({ unique_key: 'sdk-int', display_name: 'SDK API' });
    await pier.updateIntegration('sdk-int', { display_name: 'Renamed' });
    const full = await pier.getIntegration('sdk-int', { include: ['webhook', 'credentials'] });
    expect(full).toMatchObject({ display_name: 'Renamed', credentials: null });
    expect(full.webhook_url).toContain('/webhook/');
    expect((await pier.listIntegrations()).map((i) => i.unique_key)).toEqual(['sdk-int']);
    await pier.deleteIntegration('sdk-int');
    await pier.deleteProvider('sdk-api');
  });

  it('getConnection leaves the refresh token out unless asked for it, at the top level and in raw', async () => {
    await pier.createProvider({
      name: 'sdk-oauth',
      displayName: 'SDK OAuth',
      auth: { mode: 'OAUTH2', authorizationUrl: 'https://sdk.test/auth', tokenUrl: 'https://sdk.test/token' },
      api: { baseUrl: 'https://sdk.test' },
    });
    await pier.createIntegration({ unique_key: 'sdk-oauth', provider: 'sdk-oauth' });
    await pier.importConnection({
      provider_config_key: 'sdk-oauth',
      connection_id: 'u@example.com',
      credentials: {
        type: 'OAUTH2',
        access_token: 'at-1',
        refresh_token: 'rt-secret',
        expires_at: new Date(Date.now() + 3_600_000).toISOString(),
        raw: { access_token: 'at-1', refresh_token: 'rt-secret', scope: 'a' },
      },
    });
    const plain = await pier.getConnection('sdk-oauth', 'u@example.com');
    expect(plain.credentials).toEqual({
      type: 'OAUTH2',
      access_token: 'at-1',
      expires_at: expect.any(String),
      raw: { access_token: 'at-1', scope: 'a' },
    });
    const asked = await pier.getConnection('sdk-oauth', 'u@example.com', { includeRefreshToken: true });
    expect(asked.credentials).toMatchObject({ refresh_token: 'rt-secret', raw: { refresh_token: 'rt-secret' } });
  });

  it('throws PierError with the code, status, issues and request id', async () => {
    const error = await pier.createIntegration({} as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PierError);
    expect(error).toMatchObject({ status: 400, code: 'invalid_body' });
    expect((error as PierError).errors.length).toBeGreaterThan(0);
    expect((error as PierError).requestId).toMatch(/^[0-9a-f-]{36}$/);
    await expect(pier.getIntegration('nope')).rejects.toMatchObject({ status: 404, code: 'unknown_provider_config' });
  });

  it('manages environments and keys', async () => {
    const { id } = await pier.createEnvironment({ name: `sdk-${crypto.randomUUID().slice(0, 6)}` });
    const key = await pier.createApiKey({ environment_id: id, display_name: 'robot' });
    const scoped = new Pier({ secretKey: key.secret, host: BASE, fetch: (input, init) => SELF.fetch(input, init) });
    expect((await scoped.getEnvironment()).id).toBe(id);
    await expect(scoped.listEnvironments()).rejects.toMatchObject({ status: 403, code: 'forbidden' });
    const rotated = await pier.rotateApiKey(id, key.id);
    await expect(scoped.getEnvironment()).rejects.toMatchObject({ status: 401 });
    expect((await pier.listApiKeys(id)).map((k) => k.prefix)).toEqual([rotated.secret.slice(0, 12)]);
    expect(await pier.rotateWebhookSigningKey()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await pier.deleteApiKey(id, key.id);
    await pier.deleteEnvironment(id);
  });

  it('validates its own options', () => {
    expect(() => new Pier({ secretKey: '', host: BASE })).toThrow('secretKey');
    expect(() => new Pier({ secretKey: 'k', host: 'ftp://x' })).toThrow('host');
  });
});
