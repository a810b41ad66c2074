import { env, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually } from '../../support/eventually.js';
import { api, BASE, seedEnvironment } from '../support/fixtures.js';

const oauth = inject('oauth');
const providerApi = inject('providerApi');
const trapped = async (trap: string) =>
  (await (await fetch(`${providerApi.url}/__trapped/${trap}`)).json()) as unknown[];

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
    // Like Zoho: the token endpoint may come from a value the callback carries (accounts-server).
    await api(key, 'POST', '/providers', {
      name: 'regional-oidc',
      display_name: 'Regional OIDC',
      auth_mode: 'OAUTH2',
      authorization_url: `${oauth.url}/auth`,
      token_url: `\${connectionConfig.accounts-server}/token || ${oauth.url}/token`,
      connection_config: {
        'accounts-server': {
          type: 'string',
          title: 'Accounts server',
          automated: true,
          optional: true,
          hosts: ['accounts.regional.example'],
        },
        region: { type: 'string', title: 'Region', optional: true },
      },
      redirect_uri_metadata: ['accounts-server'],
    });
    await api(key, 'POST', '/integrations', {
      unique_key: 'regional',
      provider: 'regional-oidc',
      credentials: { type: 'OAUTH2', client_id: oauth.clientId, client_secret: oauth.clientSecret },
    });
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
    expect([unknown.status, unknown.json.error.code]).toEqual([400, 'unknown_provider_config']);
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

    // The same state without the cookie (another browser) is refused, and does not use the state up:
    // the user's own browser can still finish. A state works once only.
    const state = q.get('state') ?? '';
    const foreign = await SELF.fetch(`${BASE}/oauth/callback?state=${state}&code=abc`);
    expect(foreign.status).toBe(400);
    expect(await foreign.text()).toContain('started in another browser');
    const wrongCookie = await SELF.fetch(`${BASE}/oauth/callback?state=${state}&code=abc`, {
      headers: { cookie: `${cookie.split('=')[0]}=${'x'.repeat(43)}` },
    });
    expect(await wrongCookie.text()).toContain('started in another browser');
    const own = await SELF.fetch(`${BASE}/oauth/callback?state=${state}&code=abc`, {
      headers: { cookie: cookie.split(';')[0] ?? '' },
    });
    expect(own.status).toBe(400);
    // Past the state check: the made-up code is what the provider refuses.
    expect(await own.text()).toContain('refused the sign-in');
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

  it('the browser cannot aim the code exchange: automated and undeclared fields it sends are dropped', async () => {
    const token = await session();
    const trap = `${providerApi.url}/trap/browser-field`;
    const start = await SELF.fetch(
      `${BASE}/oauth/connect/regional?connect_session_token=${token}&params[accounts-server]=${encodeURIComponent(trap)}&params[undeclared]=x&params[region]=eu`,
      { redirect: 'manual' },
    );
    expect(start.status).toBe(302);
    const state = new URL(start.headers.get('location') ?? '').searchParams.get('state');
    const done = await SELF.fetch(`${BASE}/oauth/callback?state=${state}&code=made-up`, {
      headers: { cookie: (start.headers.get('set-cookie') ?? '').split(';')[0] ?? '' },
    });
    expect(await done.text()).toContain('refused the sign-in');
    // The exchange went to the real token endpoint; the trap never saw the client secret.
    expect(await trapped('browser-field')).toEqual([]);
  });

  it('a callback-supplied or imported host outside the declared hosts never receives the client secret', async () => {
    const trap = `${providerApi.url}/trap/refresh-host`;
    const imported = await api(key, 'POST', '/connections', {
      provider_config_key: 'regional',
      connection_id: 'regional-1',
      credentials: {
        type: 'OAUTH2',
        access_token: 'a',
        refresh_token: 'r',
        expires_at: new Date(Date.now() - 1000).toISOString(),
      },
      connection_config: { 'accounts-server': trap },
    });
    expect(imported.status).toBe(200);
    const got = await api(key, 'GET', '/connections/regional-1?provider_config_key=regional&force_refresh=true');
    expect([got.status, got.json.error.code]).toEqual([424, 'connection_refresh_failed']);
    expect(got.json.error.message).toContain("would leave the provider's own hosts");
    expect(await trapped('refresh-host')).toEqual([]);
  });

  it('a query string cannot replace redirect_uri, client_id, state or PKCE parameters', async () => {
    const token = await session();
    const hostile = new URLSearchParams({
      connect_session_token: token,
      'authorization_params[redirect_uri]': 'https://evil.example/cb',
      'authorization_params[client_id]': 'evil-client',
      'authorization_params[state]': 'chosen-state',
      'authorization_params[code_challenge]': 'chosen',
      'authorization_params[code_challenge_method]': 'plain',
      'authorization_params[response_type]': 'token',
      'authorization_params[login_hint]': 'ann',
    });
    const res = await SELF.fetch(`${BASE}/oauth/connect/flow?${hostile}`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const q = new URL(res.headers.get('location') ?? '').searchParams;
    expect(q.get('redirect_uri')).toBe(`${BASE}/oauth/callback`);
    expect(q.get('client_id')).toBe(oauth.clientId);
    expect(q.get('response_type')).toBe('code');
    expect(q.get('state')).not.toBe('chosen-state');
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).not.toBe('chosen');
    expect(q.getAll('redirect_uri')).toHaveLength(1);
    expect(q.get('login_hint')).toBe('ann');
  });

  it('a browser OAuth client override is honoured only when the connect session leaves it to the end user', async () => {
    const override =
      'credentials[oauth_client_id_override]=their-id&credentials[oauth_client_secret_override]=their-secret';
    const refused = await SELF.fetch(
      `${BASE}/oauth/connect/flow?connect_session_token=${await session()}&${override}`,
      {
        redirect: 'manual',
      },
    );
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('does not let the end user provide an OAuth client id');
    const open = await session({
      integrations_config_defaults: {
        flow: { connection_config: { oauth_client_id_override: '', oauth_client_secret_override: '' } },
      },
    });
    const allowed = await SELF.fetch(`${BASE}/oauth/connect/flow?connect_session_token=${open}&${override}`, {
      redirect: 'manual',
    });
    expect(allowed.status).toBe(302);
    expect(new URL(allowed.headers.get('location') ?? '').searchParams.get('client_id')).toBe('their-id');
  });

  it('tells the Connect UI where to find typed credentials, sample values, and the catalog provider’s mark', async () => {
    await api(key, 'POST', '/providers', {
      name: 'docsy',
      display_name: 'Docsy',
      auth_mode: 'API_KEY',
      docs: 'https://docs.example.com/api-keys',
      credentials: { apiKey: { type: 'string', title: 'API key', secret: true, example: 'dk_live_…' } },
      proxy: { base_url: 'https://api.docsy.example' },
    });
    await api(key, 'POST', '/integrations', { unique_key: 'docsy', provider: 'docsy' });
    await api(key, 'POST', '/integrations', { unique_key: 'gh', provider: 'github' });
    const token = await session({ allowed_integrations: ['docsy', 'gh'] });
    const info = (await api(token, 'GET', '/connect/session')).json.data;
    const docsy = info.integrations.find((i: { unique_key: string }) => i.unique_key === 'docsy');
    expect(docsy).toMatchObject({
      docs_connect: 'https://docs.example.com/api-keys',
      fields: [expect.objectContaining({ name: 'apiKey', example: 'dk_live_…' })],
    });
    expect(docsy.logo).toBeUndefined();
    const gh = info.integrations.find((i: { unique_key: string }) => i.unique_key === 'gh');
    expect(gh.logo).toMatchObject({ hex: '181717', path: expect.stringMatching(/^M/) });
    // OAuth providers send the user to the provider itself: their general docs are not "where to find this".
    expect(gh.docs_connect).toBeUndefined();
  });

  it('frames the Connect UI by CSP alone, and never the popup result page', async () => {
    const ui = await SELF.fetch(`${BASE}/connect/?session_token=x`);
    expect(ui.headers.get('content-security-policy')).toContain('frame-ancestors *');
    expect(ui.headers.get('x-frame-options')).toBeNull();
    const popup = await SELF.fetch(`${BASE}/oauth/callback?state=unknown`);
    expect(popup.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(popup.headers.get('x-frame-options')).toBeNull();
  });

  it('refuses a docs_connect override that is not http(s)', async () => {
    const bad = await api(key, 'POST', '/connect/sessions', {
      overrides: { sub: { docs_connect: 'javascript:alert(document.cookie)' } },
    });
    expect([bad.status, bad.json.error.code]).toEqual([400, 'invalid_body']);
    const good = await api(key, 'POST', '/connect/sessions', {
      overrides: { sub: { docs_connect: 'https://docs.example.com/x' } },
    });
    expect(good.status).toBe(201);
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
    // Anyone may open this socket: the object it creates lives no longer than an OAuth state (15 min)...
    const attempt = env.CONNECT_ATTEMPT.get(env.CONNECT_ATTEMPT.idFromString(ack.ws_client_id));
    const waiting = await attempt.readLifetime();
    expect(waiting.hasResult).toBe(false);
    expect(waiting.alarmAtMs).toBeLessThanOrEqual(Date.now() + 15 * 60_000);
    // ...and is erased as soon as its socket closes without a result.
    socket.close(1000, 'done');
    const closed = await eventually(
      () => attempt.readLifetime(),
      (l) => l.alarmAtMs === null,
    );
    expect(closed).toEqual({ alarmAtMs: null, hasResult: false });
  });
});
