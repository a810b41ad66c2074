import { beforeAll, describe, expect, it } from 'vitest';
import { api, seedEnvironment } from '../support/fixtures.js';

/** A definition written with the reference catalog's field names, as someone would paste it. */
const referenceStyle = {
  name: 'acme-internal',
  display_name: 'Acme Internal API',
  auth_mode: 'OAUTH2',
  categories: ['dev-tools'],
  authorization_url: 'https://${connectionConfig.subdomain}.acme.test/oauth/authorize',
  token_url: 'https://${connectionConfig.subdomain}.acme.test/oauth/token',
  authorization_params: { prompt: 'consent' },
  token_params: { grant_type: 'authorization_code' },
  scope_separator: ',',
  default_scopes: ['read', 'offline_access'],
  disable_pkce: true,
  token_request_auth_method: 'basic',
  body_format: 'json',
  token_response_metadata: ['tenant_id'],
  connection_config: {
    subdomain: { type: 'string', title: 'Subdomain', pattern: '^[a-z0-9-]+$', example: 'mycorp' },
  },
  proxy: {
    base_url: 'https://${connectionConfig.subdomain}.acme.test/api',
    headers: { 'x-tenant': '${connectionConfig.tenant_id}' },
    retry: { at: 'x-ratelimit-reset', remaining: 'x-ratelimit-remaining', error_code: [403, '5xx'] },
    paginate: {
      type: 'cursor',
      cursor_path_in_response: 'next',
      cursor_name_in_request: 'cursor',
      response_path: 'items',
    },
  },
  docs: 'https://acme.test/docs',
  post_connection_script: 'acmePostConnection',
};

describe('providers API', () => {
  let key: string;
  beforeAll(async () => {
    ({ key } = await seedEnvironment({ prefix: 'providers' }));
  });

  it('lists at least 100 built-in providers in the wire shape', async () => {
    const res = await api(key, 'GET', '/providers');
    expect(res.status).toBe(200);
    expect(res.json.data.length).toBeGreaterThanOrEqual(100);
    const github = res.json.data.find((p: { name: string }) => p.name === 'github');
    expect(github).toMatchObject({
      auth_mode: 'OAUTH2',
      authorization_url: 'https://github.com/login/oauth/authorize',
      token_url: 'https://github.com/login/oauth/access_token',
      proxy: { base_url: 'https://api.github.com' },
    });
    const modes = new Set(res.json.data.map((p: { auth_mode: string }) => p.auth_mode));
    for (const mode of ['OAUTH2', 'OAUTH2_CC', 'OAUTH1', 'API_KEY', 'BASIC', 'APP', 'JWT'])
      expect(modes).toContain(mode);
  });

  it('searches by name, display name and category', async () => {
    const res = await api(key, 'GET', '/providers?search=HubSp');
    expect(res.json.data.map((p: { name: string }) => p.name)).toContain('hubspot');
    expect(
      res.json.data.every((p: { name: string; display_name: string }) => /hubsp/i.test(p.name + p.display_name)),
    ).toBe(true);
  });

  it('gets one provider, and 404s an unknown one', async () => {
    const res = await api(key, 'GET', '/providers/salesforce');
    expect(res.json.data).toMatchObject({ name: 'salesforce', token_response_metadata: ['instance_url'] });
    const missing = await api(key, 'GET', '/providers/does-not-exist');
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({
      error: { code: 'unknown_provider', message: 'No provider named "does-not-exist"' },
    });
    const invalid = await api(key, 'GET', '/providers/Not%20Valid');
    expect([invalid.status, invalid.json.error.code]).toEqual([400, 'invalid_path_params']);
  });

  it('accepts a custom provider written in the reference field names and an integration can use it', async () => {
    const created = await api(key, 'POST', '/providers', referenceStyle);
    expect(created.status).toBe(201);
    const got = await api(key, 'GET', '/providers/acme-internal');
    expect(got.status).toBe(200);
    const { post_connection_script: _ignored, ...understood } = referenceStyle;
    expect(got.json.data).toEqual({
      ...understood,
      custom: true,
      proxy: {
        ...understood.proxy,
        retry: { at: ['x-ratelimit-reset'], remaining: 'x-ratelimit-remaining', error_code: [403] },
      },
      connection_config: {
        subdomain: { type: 'string', title: 'Subdomain', pattern: '^[a-z0-9-]+$', example: 'mycorp' },
      },
    });
    const listed = await api(key, 'GET', '/providers?search=acme');
    expect(listed.json.data.map((p: { name: string }) => p.name)).toEqual(['acme-internal']);

    const integration = await api(key, 'POST', '/integrations', {
      unique_key: 'acme',
      provider: 'acme-internal',
      credentials: { type: 'OAUTH2', client_id: 'c', client_secret: 's' },
    });
    expect(integration.status).toBe(200);
    expect(integration.json.data).toMatchObject({ provider: 'acme-internal', display_name: 'Acme Internal API' });

    const inUse = await api(key, 'DELETE', '/providers/acme-internal');
    expect([inUse.status, inUse.json.error.code]).toEqual([409, 'provider_in_use']);
    await api(key, 'DELETE', '/integrations/acme');
    expect((await api(key, 'DELETE', '/providers/acme-internal')).json).toEqual({ success: true });
    expect((await api(key, 'GET', '/providers/acme-internal')).status).toBe(404);
  });

  it("accepts Pier's own format too, and replaces a custom provider with PUT", async () => {
    const native = {
      name: 'local-oauth',
      displayName: 'Local OAuth server',
      auth: { mode: 'OAUTH2', authorizationUrl: 'http://127.0.0.1:9999/auth', tokenUrl: 'http://127.0.0.1:9999/token' },
      api: { baseUrl: 'http://127.0.0.1:9998' },
    };
    expect((await api(key, 'POST', '/providers', native)).status).toBe(201);
    const again = await api(key, 'POST', '/providers', native);
    expect([again.status, again.json.error.code]).toEqual([409, 'duplicate_provider']);
    const replaced = await api(key, 'PUT', '/providers/local-oauth', { ...native, displayName: 'Local OAuth (v2)' });
    expect(replaced.json.data.display_name).toBe('Local OAuth (v2)');
    const mismatch = await api(key, 'PUT', '/providers/local-oauth', { ...native, name: 'other' });
    expect([mismatch.status, mismatch.json.error.code]).toEqual([400, 'invalid_body']);
  });

  it('resolves alias against an existing provider', async () => {
    const res = await api(key, 'POST', '/providers', {
      name: 'github-enterprise-x',
      display_name: 'GitHub (our fork)',
      alias: 'github',
      auth_mode: 'OAUTH2',
    });
    expect(res.status).toBe(201);
    expect(res.json.data).toMatchObject({
      token_url: 'https://github.com/login/oauth/access_token',
      display_name: 'GitHub (our fork)',
    });
  });

  it('keeps custom providers per environment', async () => {
    const other = await seedEnvironment({ prefix: 'providers-other' });
    expect((await api(other.key, 'GET', '/providers/local-oauth')).status).toBe(404);
  });

  it('rejects invalid definitions with every issue listed', async () => {
    const unsupported = await api(key, 'POST', '/providers', { ...referenceStyle, name: 'x1', auth_mode: 'TWO_STEP' });
    expect(unsupported.status).toBe(400);
    expect(unsupported.json.error).toMatchObject({ code: 'invalid_body', errors: [{ path: ['auth_mode'] }] });

    const undeclared = await api(key, 'POST', '/providers', {
      name: 'x2',
      display_name: 'X2',
      auth_mode: 'API_KEY',
      proxy: { base_url: 'https://${connectionConfig.region}.x2.test' },
    });
    expect(undeclared.status).toBe(400);
    expect(undeclared.json.error.errors[0]).toMatchObject({ path: ['api', 'baseUrl'] });
    expect(undeclared.json.error.errors[0].message).toContain('region');

    const badRegex = await api(key, 'POST', '/providers', {
      name: 'x3',
      display_name: 'X3',
      auth_mode: 'API_KEY',
      connection_config: { a: { pattern: '([' } },
    });
    expect(badRegex.json.error.errors[0].message).toBe('must be a valid regular expression');

    const noName = await api(key, 'POST', '/providers', { display_name: 'nameless', auth_mode: 'NONE' });
    expect(noName.json.error.errors[0].path).toEqual(['name']);

    const builtin = await api(key, 'POST', '/providers', { name: 'github', display_name: 'Mine', auth_mode: 'NONE' });
    expect([builtin.status, builtin.json.error.code]).toEqual([409, 'builtin_provider']);
    expect((await api(key, 'DELETE', '/providers/github')).json.error.code).toBe('builtin_provider');
  });
});
