import { SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { api, BASE, seedEnvironment } from '../support/fixtures.js';

const oauth1 = inject('oauth1');
const githubApp = inject('githubApp');

/** Follows a popup flow the way a browser would, carrying the binding cookie to the callback. */
async function runPopup(startUrl: string, provider: (location: URL) => Promise<string>): Promise<Response> {
  const start = await SELF.fetch(startUrl, { redirect: 'manual' });
  expect(start.status).toBe(302);
  const cookie = (start.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const callback = await provider(new URL(start.headers.get('location') ?? ''));
  return SELF.fetch(callback, { headers: { cookie }, redirect: 'manual' });
}

describe('auth modes driven by the catalog', () => {
  let key: string;
  const session = async () => (await api(key, 'POST', '/connect/sessions', {})).json.data.token as string;

  beforeAll(async () => {
    ({ key } = await seedEnvironment({ prefix: 'modes' }));
    await api(key, 'POST', '/providers', {
      name: 'test-oauth1',
      display_name: 'OAuth 1 service',
      auth_mode: 'OAUTH1',
      request_url: `${oauth1.url}/request_token`,
      authorization_url: `${oauth1.url}/authorize`,
      token_url: `${oauth1.url}/access_token`,
      signature_method: 'HMAC-SHA1',
    });
    await api(key, 'POST', '/integrations', {
      unique_key: 'o1',
      provider: 'test-oauth1',
      credentials: { type: 'OAUTH1', client_id: oauth1.consumerKey, client_secret: oauth1.consumerSecret },
    });
    await api(key, 'POST', '/providers', {
      name: 'test-github-app',
      display_name: 'Test GitHub App',
      auth_mode: 'APP',
      authorization_url: '${connectionConfig.appPublicLink}/installations/new',
      token_url: `${githubApp.url}/app/installations/\${connectionConfig.installation_id}/access_tokens`,
      connection_config: {
        appPublicLink: { type: 'string', title: 'App link', automated: true },
        installation_id: { type: 'string', title: 'Installation', automated: true },
      },
      proxy: { base_url: githubApp.url },
    });
    await api(key, 'POST', '/integrations', {
      unique_key: 'gh-app',
      provider: 'test-github-app',
      credentials: {
        type: 'APP',
        app_id: githubApp.appId,
        app_link: `${githubApp.url}/apps/pier-test`,
        private_key: githubApp.privateKeyPem,
      },
      // The app lives on a host of its own (like GitHub Enterprise Server): the integration opts in.
      integration_config: { allow_custom_hosts: 'true' },
    });
    await api(key, 'POST', '/providers', {
      name: 'test-jwt',
      display_name: 'JWT service',
      auth_mode: 'JWT',
      signature: { protocol: 'HMAC' },
      token: {
        signing_key: '${credentials.secret}',
        expires_in_ms: 300000,
        header: { kid: '${credentials.keyId}' },
        payload: { aud: '/admin/' },
      },
      credentials: {
        keyId: { type: 'string', title: 'Key ID' },
        secret: { type: 'string', title: 'Secret', secret: true },
      },
      proxy: { base_url: 'https://jwt.example.test', headers: { authorization: 'Ghost ${accessToken}' } },
    });
    await api(key, 'POST', '/integrations', { unique_key: 'jwt', provider: 'test-jwt' });
    await api(key, 'POST', '/providers', {
      name: 'test-none',
      display_name: 'Open data',
      auth_mode: 'NONE',
      proxy: { base_url: 'https://open.example.test' },
    });
    await api(key, 'POST', '/integrations', { unique_key: 'open', provider: 'test-none' });
    await api(key, 'POST', '/providers', {
      name: 'test-basic',
      display_name: 'Basic service',
      auth_mode: 'BASIC',
      proxy: { base_url: 'https://basic.example.test' },
    });
    await api(key, 'POST', '/integrations', { unique_key: 'basic', provider: 'test-basic' });
  });

  it('OAuth 1.0a: request token, authorize, access token — every signature checked by an independent implementation', async () => {
    const token = await session();
    const done = await runPopup(`${BASE}/oauth/connect/o1?connect_session_token=${token}`, async (location) => {
      expect(`${location.origin}${location.pathname}`).toBe(`${oauth1.url}/authorize`);
      const approved = await fetch(location, { redirect: 'manual' });
      return approved.headers.get('location') ?? '';
    });
    const html = await done.text();
    expect(done.status).toBe(200);
    const connectionId = /"connectionId":"([^"]+)"/.exec(html)?.[1];
    const got = await api(key, 'GET', `/connections/${connectionId}?provider_config_key=o1`);
    expect(got.json.credentials).toMatchObject({
      type: 'OAUTH1',
      oauth_token: expect.stringMatching(/^at-/),
      oauth_token_secret: expect.stringMatching(/^ats-/),
    });
  });

  it('GitHub App: install, then an installation token obtained with an RS256 app JWT', async () => {
    const token = await session();
    const done = await runPopup(`${BASE}/oauth/connect/gh-app?connect_session_token=${token}`, async (location) => {
      expect(location.toString()).toMatch(new RegExp(`^${githubApp.url}/apps/pier-test/installations/new\\?state=`));
      // GitHub sends the user back to the app's setup URL with the installation id and the state.
      return `${BASE}/app-auth/connect?installation_id=987654&setup_action=install&state=${location.searchParams.get('state')}`;
    });
    expect(done.status).toBe(200);
    const connectionId = /"connectionId":"([^"]+)"/.exec(await done.text())?.[1];
    const got = await api(key, 'GET', `/connections/${connectionId}?provider_config_key=gh-app`);
    expect(got.json).toMatchObject({
      connection_config: { installation_id: '987654', appPublicLink: `${githubApp.url}/apps/pier-test` },
      credentials: { type: 'APP', access_token: expect.stringMatching(/^ghs_/) },
    });
    // A forced refresh signs a new JWT and gets a new installation token.
    const again = await api(
      key,
      'GET',
      `/connections/${connectionId}?provider_config_key=gh-app&refresh_github_app_jwt_token=true`,
    );
    expect(again.json.credentials.access_token).not.toBe(got.json.credentials.access_token);
  });

  it('GitHub App connections can be imported by installation id', async () => {
    const created = await api(key, 'POST', '/connections', {
      provider_config_key: 'gh-app',
      connection_id: 'imported-app',
      credentials: { type: 'APP', app_id: githubApp.appId, installation_id: '555' },
    });
    expect(created.status).toBe(200);
    expect(created.json.credentials.access_token).toMatch(/^ghs_/);
  });

  it('JWT: signs a token from what the user entered; basic and unauthenticated connect too', async () => {
    const token = await session();
    const jwt = await api(undefined, 'POST', `/auth/jwt/jwt?connect_session_token=${token}`, {
      keyId: 'k1',
      secret: 'shh-very-secret',
    });
    expect(jwt.status).toBe(200);
    const got = await api(key, 'GET', `/connections/${jwt.json.connectionId}?provider_config_key=jwt`);
    const [header, payload] = String(got.json.credentials.token)
      .split('.')
      .slice(0, 2)
      .map((p: string) => JSON.parse(atob(p.replace(/-/g, '+').replace(/_/g, '/'))));
    expect(header).toEqual({ alg: 'HS256', kid: 'k1' });
    expect(payload).toMatchObject({ aud: '/admin/' });
    expect(payload.exp - payload.iat).toBe(300);
    const missing = await api(undefined, 'POST', `/auth/jwt/jwt?connect_session_token=${token}`, { keyId: 'k1' });
    expect([missing.status, missing.json.error.code]).toEqual([400, 'missing_credentials']);

    const basic = await api(undefined, 'POST', `/api-auth/basic/basic?connect_session_token=${token}`, {
      username: 'ann',
      password: 'pw',
    });
    expect(basic.status).toBe(200);
    const open = await api(undefined, 'POST', `/auth/unauthenticated/open?connect_session_token=${token}`);
    expect(open.status).toBe(200);
    expect(
      (await api(key, 'GET', `/connections/${open.json.connectionId}?provider_config_key=open`)).json.credentials,
    ).toEqual({ type: 'NONE' });
  });
});
