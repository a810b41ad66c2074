import { env, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { api, BASE, seedEnvironment } from '../support/fixtures.js';

const oauth = inject('oauth');

describe('connect sessions and auth flows', () => {
  let key: string;
  const session = async (body: object = {}) =>
    (await api(key, 'POST', '/connect/sessions', body)).json.data.token as string;

  beforeAll(async () => {
    ({ key } = await seedEnvironment({ prefix: 'connect' }));
    await api(key, 'POST', '/providers', {
      name: 'flow-oidc',
      display_name: 'Flow OIDC',
      auth_mode: 'OAUTH2',
      authorization_url: `${oauth.url}/auth`,
      token_url: `${oauth.url}/token`,
      scope_separator: ' ',
      default_scopes: ['openid'],
      authorization_params: { prompt: 'consent' },
    });
    await api(key, 'POST', '/providers', {
      name: 'zendeskish',
      display_name: 'Subdomain API',
      auth_mode: 'API_KEY',
      connection_config: {
        subdomain: { type: 'string', title: 'Subdomain', pattern: '^[a-z0-9-]+$', prefix: 'https://' },
      },
      proxy: {
        base_url: 'https://${connectionConfig.subdomain}.example.test',
        headers: { authorization: 'Bearer ${apiKey}' },
      },
    });
    await api(key, 'POST', '/integrations', {
      unique_key: 'flow',
      provider: 'flow-oidc',
      credentials: {
        type: 'OAUTH2',
        client_id: oauth.clientId,
        client_secret: oauth.clientSecret,
        scopes: 'api:read,offline_access',
      },
    });
    await api(key, 'POST', '/integrations', { unique_key: 'sub', provider: 'zendeskish' });
  });

  it('creates a 30-minute session with a connect link, and describes it to the Connect UI', async () => {
    const created = await api(key, 'POST', '/connect/sessions', {
      allowed_integrations: ['sub'],
      end_user: { id: 'u-1', email: 'u@example.com' },
    });
    expect(created.status).toBe(201);
    const { token, connect_link, expires_at } = created.json.data;
    expect(token).toMatch(/^pier_connect_session_/);
    expect(connect_link).toBe(`${BASE}/connect/?session_token=${token}`);
    expect(Date.parse(expires_at) - Date.now()).toBeGreaterThan(29 * 60_000);
    const info = await api(token, 'GET', '/connect/session');
    expect(info.json.data).toMatchObject({
      allowed_integrations: ['sub'],
      is_reconnect: false,
      end_user: { id: 'u-1' },
      integrations: [
        {
          unique_key: 'sub',
          auth_mode: 'API_KEY',
          fields: [
            expect.objectContaining({ name: 'apiKey', in: 'credentials', secret: true }),
            expect.objectContaining({ name: 'subdomain', in: 'connection_config', pattern: '^[a-z0-9-]+$' }),
          ],
        },
      ],
    });
    // The session token is not a secret key.
    expect((await api(token, 'GET', '/integrations')).status).toBe(401);
    expect((await api(token, 'DELETE', '/connect/session')).status).toBe(204);
    const gone = await api(token, 'GET', '/connect/session');
    expect(gone.status).toBe(401);
    expect(gone.json.error).toEqual({
      code: 'invalid_connect_session',
      message: 'This connect session has expired or is not valid; ask the app to open Connect again',
    });
  });

  it('keeps an OAuth client secret override sealed at rest and out of the browser', async () => {
    const created = await api(key, 'POST', '/connect/sessions', {
      integrations_config_defaults: {
        flow: {
          connection_config: {
            oauth_client_id_override: 'their-app',
            oauth_client_secret_override: 'their-very-secret',
          },
        },
      },
    });
    const token = created.json.data.token;
    const rows = await env.DB.prepare('SELECT settings FROM connect_sessions').all();
    expect(JSON.stringify(rows.results)).not.toContain('their-very-secret');
    const info = await api(token, 'GET', '/connect/session');
    expect(JSON.stringify(info.json)).not.toContain('their-very-secret');
    expect(info.json.data.integrations_config_defaults.flow.connection_config).toEqual({
      oauth_client_id_override: 'their-app',
      oauth_client_secret_override: '********',
    });
    // The override is used for the authorization request.
    const start = await SELF.fetch(`${BASE}/oauth/connect/flow?connect_session_token=${token}`, { redirect: 'manual' });
    expect(new URL(start.headers.get('location') ?? '').searchParams.get('client_id')).toBe('their-app');
  });

  it('refuses sessions for unknown integrations and bad bodies', async () => {
    const unknown = await api(key, 'POST', '/connect/sessions', { allowed_integrations: ['nope'] });
    expect([unknown.status, unknown.json.error.code]).toEqual([400, 'unknown_integration']);
    const bad = await api(key, 'POST', '/connect/sessions', { tags: { a: 1 } });
    expect([bad.status, bad.json.error.code]).toEqual([400, 'invalid_body']);
    const reconnectMissing = await api(key, 'POST', '/connect/sessions/reconnect', {
      connection_id: 'x',
      integration_id: 'sub',
    });
    expect([reconnectMissing.status, reconnectMissing.json.error.code]).toEqual([404, 'unknown_connection']);
  });

  it('connects an API key with connection config: validates fields, strips prefixes, keeps tags', async () => {
    const token = await session({ allowed_integrations: ['sub'], tags: { org: 'acme' } });
    const post = (body: object, query = '') =>
      api(undefined, 'POST', `/api-auth/api-key/sub?connect_session_token=${token}${query}`, body);
    const missingField = await post({ apiKey: 'k' });
    expect([missingField.status, missingField.json.error.code]).toEqual([400, 'invalid_connection_config']);
    expect(missingField.json.error.errors[0].path).toEqual(['connection_config', 'subdomain']);
    const badField = await post({ apiKey: 'k' }, '&params[subdomain]=Not%20Valid');
    expect(badField.json.error.message).toBe('Subdomain is not in the expected format');
    const missingKey = await post({}, '&params[subdomain]=acme');
    expect([missingKey.status, missingKey.json.error.code]).toEqual([400, 'missing_credentials']);
    const ok = await post({ apiKey: 'secret-key' }, '&params[subdomain]=https://acme');
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ providerConfigKey: 'sub', connectionId: expect.any(String), isPending: false });
    const got = await api(key, 'GET', `/connections/${ok.json.connectionId}?provider_config_key=sub`);
    expect(got.json).toMatchObject({
      connection_config: { subdomain: 'acme' },
      tags: { org: 'acme' },
      credentials: { apiKey: 'secret-key' },
    });
  });

  it('refuses integrations the session does not allow, the wrong auth mode, and expired or missing tokens', async () => {
    const token = await session({ allowed_integrations: ['sub'] });
    const notAllowed = await api(undefined, 'POST', `/api-auth/api-key/flow?connect_session_token=${token}`, {
      apiKey: 'k',
    });
    expect([notAllowed.status, notAllowed.json.error.code]).toEqual([403, 'integration_not_allowed']);
    const open = await session();
    const wrongMode = await api(undefined, 'POST', `/api-auth/api-key/flow?connect_session_token=${open}`, {
      apiKey: 'k',
    });
    expect([wrongMode.status, wrongMode.json.error.code]).toEqual([400, 'wrong_auth_mode']);
    const noToken = await api(undefined, 'POST', '/api-auth/api-key/sub', { apiKey: 'k' });
    expect([noToken.status, noToken.json.error.code]).toEqual([401, 'invalid_connect_session']);
    await env.DB.prepare(`UPDATE connect_sessions SET expires_at = '2000-01-01T00:00:00.000Z'`).run();
    const expired = await api(
      undefined,
      'POST',
      `/api-auth/api-key/sub?connect_session_token=${token}&params[subdomain]=a`,
      { apiKey: 'k' },
    );
    expect([expired.status, expired.json.error.code]).toEqual([401, 'invalid_connect_session']);
  });

  it('answers CORS preflights for the browser-facing routes', async () => {
    const res = await SELF.fetch(`${BASE}/api-auth/api-key/sub`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('starts OAuth with PKCE S256, a random state and a browser-bound cookie', async () => {
    const token = await session();
    const res = await SELF.fetch(
      `${BASE}/oauth/connect/flow?connect_session_token=${token}&authorization_params[login_hint]=ann`,
      {
        redirect: 'manual',
      },
    );
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(`${oauth.url}/auth`);
    const q = location.searchParams;
    expect(q.get('client_id')).toBe(oauth.clientId);
    expect(q.get('redirect_uri')).toBe(`${BASE}/oauth/callback`);
    expect(q.get('scope')).toBe('openid api:read offline_access');
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('prompt')).toBe('consent');
    expect(q.get('login_hint')).toBe('ann');
    expect(q.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(
      /^pier_oauth_[A-Za-z0-9_-]+=[A-Za-z0-9_-]{43}; Max-Age=900; Path=\/; HttpOnly; SameSite=Lax$/,
    );

    // The same state without the cookie (another browser) is refused, and a state works once only.
    const state = q.get('state') ?? '';
    const foreign = await SELF.fetch(`${BASE}/oauth/callback?state=${state}&code=abc`);
    expect(foreign.status).toBe(400);
    expect(await foreign.text()).toContain('started in another browser');
    const replay = await SELF.fetch(`${BASE}/oauth/callback?state=${state}&code=abc`, {
      headers: { cookie: cookie.split(';')[0] ?? '' },
    });
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('expired or was already used');
  });

  it('rejects a tampered state, and reports provider errors in words', async () => {
    const tampered = await SELF.fetch(`${BASE}/oauth/callback?state=forged-state&code=abc`);
    expect(tampered.status).toBe(400);
    const html = await tampered.text();
    expect(html).toContain('pier_oauth_callback_error');
    expect(tampered.headers.get('content-security-policy')).toContain("script-src 'nonce-");

    const token = await session();
    const start = await SELF.fetch(`${BASE}/oauth/connect/flow?connect_session_token=${token}`, { redirect: 'manual' });
    const state = new URL(start.headers.get('location') ?? '').searchParams.get('state');
    const denied = await SELF.fetch(`${BASE}/oauth/callback?state=${state}&error=access_denied`, {
      headers: { cookie: (start.headers.get('set-cookie') ?? '').split(';')[0] ?? '' },
    });
    expect(denied.status).toBe(400);
    expect(await denied.text()).toContain('Access was not granted.');
  });

  it('shows a readable error page (not JSON) when a popup flow cannot start', async () => {
    const res = await SELF.fetch(`${BASE}/oauth/connect/flow?connect_session_token=expired-token`, {
      redirect: 'manual',
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('This connect session has expired or is not valid');
    const wrong = await SELF.fetch(`${BASE}/oauth/connect/sub?connect_session_token=${await session()}`, {
      redirect: 'manual',
    });
    expect(wrong.status).toBe(400);
  });

  it('opens a WebSocket that acknowledges with a client id', async () => {
    const res = await SELF.fetch(`${BASE}/`, { headers: { upgrade: 'websocket' } });
    expect(res.status).toBe(101);
    const socket = res.webSocket;
    if (!socket) throw new Error('no socket');
    const first = new Promise<string>((resolve) => socket.addEventListener('message', (e) => resolve(String(e.data))));
    socket.accept();
    const ack = JSON.parse(await first);
    expect(ack).toEqual({ message_type: 'connection_ack', ws_client_id: expect.stringMatching(/^[0-9a-f]{64}$/) });
    socket.close();
  });
});
