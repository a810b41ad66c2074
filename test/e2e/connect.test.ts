import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './support/browser.js';
import { type OAuthServer, startOAuthServer } from './support/oauth-server.js';
import { type RunningPlatform, startPlatform } from './support/platform.js';
import { type Closable, startCustomerApp, startFakeApi } from './support/servers.js';

/**
 * A person connects accounts through the Connect UI in a real browser (Debian chromium), against a
 * real OAuth server (oidc-provider with PKCE, rotation and 10-second tokens) and the real local platform.
 */
describe('connect end to end', () => {
  let platform: RunningPlatform;
  let oauth: OAuthServer;
  let fakeApi: Closable & { calls: string[] };
  let app: Closable;
  let browser: Browser;

  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${platform.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${platform.secretKey}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : undefined };
  };
  const session = async (allowed: string[]) =>
    (await api('POST', '/connect/sessions', { allowed_integrations: allowed, tags: { end_user_id: 'user-1' } })).json
      .data.token as string;

  beforeAll(async () => {
    platform = await startPlatform();
    oauth = await startOAuthServer({ redirectUris: [`${platform.url}/oauth/callback`], accessTokenTtlSeconds: 10 });
    fakeApi = await startFakeApi();
    app = await startCustomerApp(platform.url);
    browser = await launchBrowser();

    expect(
      (
        await api('POST', '/providers', {
          name: 'local-oidc',
          display_name: 'Local OIDC',
          auth_mode: 'OAUTH2',
          authorization_url: `${oauth.url}/auth`,
          token_url: `${oauth.url}/token`,
          authorization_params: { prompt: 'consent' },
          default_scopes: ['openid', 'offline_access', 'api:read'],
          token_expiration_buffer: 2,
          proxy: { base_url: oauth.url },
        })
      ).status,
    ).toBe(201);
    await api('POST', '/providers', {
      name: 'local-oidc-cc',
      display_name: 'Local OIDC (machine)',
      auth_mode: 'OAUTH2_CC',
      token_url: `${oauth.url}/token`,
      default_scopes: ['api:read'],
      token_expiration_buffer: 2,
      proxy: { base_url: oauth.url },
    });
    await api('POST', '/providers', {
      name: 'local-keyed',
      display_name: 'Keyed API',
      auth_mode: 'API_KEY',
      credentials: { apiKey: { type: 'string', title: 'API key', secret: true } },
      proxy: {
        base_url: fakeApi.url,
        headers: { authorization: 'Bearer ${apiKey}' },
        verification: { method: 'GET', endpoints: ['/me'] },
      },
    });
    await api('POST', '/integrations', {
      unique_key: 'oidc',
      provider: 'local-oidc',
      credentials: { type: 'OAUTH2', client_id: oauth.clientId, client_secret: oauth.clientSecret },
    });
    await api('POST', '/integrations', { unique_key: 'machine', provider: 'local-oidc-cc' });
    await api('POST', '/integrations', { unique_key: 'keyed', provider: 'local-keyed' });
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([platform?.stop(), oauth?.close(), fakeApi?.close(), app?.close()]);
  });

  async function openConnectUi(page: Page, allowed: string[]): Promise<Frame> {
    await page.goto(app.url);
    await page.waitForFunction(() => (window as unknown as { appReady?: boolean }).appReady === true);
    const token = await session(allowed);
    await page.evaluate((t) => (window as unknown as { openConnect(t: string): void }).openConnect(t), token);
    const handle = await page.waitForSelector('#pier-connect-ui');
    const frame = await handle.contentFrame();
    if (!frame) throw new Error('no Connect UI frame');
    return frame;
  }

  async function signInAndConsent(popup: Page): Promise<void> {
    await popup.waitForSelector('input[name=login]');
    await popup.fill('input[name=login]', 'alice');
    await popup.fill('input[name=password]', 'wonderland');
    await popup.click('button[type=submit]');
    await popup.waitForSelector('button:has-text("Continue")');
    await popup.click('button:has-text("Continue")');
  }

  const events = (page: Page) =>
    page.evaluate(() => (window as unknown as { events: { type: string; payload?: any }[] }).events);

  it('connects an OAuth 2 account in a popup; the page gets the connect event; tokens refresh without reusing a refresh token', async () => {
    const page = await browser.newPage();
    const frame = await openConnectUi(page, ['oidc', 'keyed', 'machine']);
    await frame.getByRole('searchbox').fill('oidc');
    await frame
      .getByRole('button', { name: /Local OIDC/ })
      .first()
      .click();
    const popupPromise = page.context().waitForEvent('page');
    await frame.getByRole('button', { name: /Continue to/ }).click();
    const popup = await popupPromise;
    await signInAndConsent(popup);
    await frame.getByText('connected').waitFor({ timeout: 30_000 });

    const connect = (await events(page)).find((e) => e.type === 'connect');
    expect(connect?.payload).toMatchObject({ providerConfigKey: 'oidc', isPending: false });
    const connectionId: string = connect?.payload.connectionId;
    expect(connectionId).toMatch(/^[0-9a-f-]{36}$/);

    const listed = await api('GET', '/connections?integrationId=oidc');
    expect(listed.json.connections).toEqual([
      expect.objectContaining({
        connection_id: connectionId,
        provider_config_key: 'oidc',
        tags: { end_user_id: 'user-1' },
        errors: [],
      }),
    ]);

    const first = await api('GET', `/connections/${connectionId}?provider_config_key=oidc&refresh_token=true`);
    expect(first.json.credentials).toMatchObject({
      type: 'OAUTH2',
      access_token: expect.any(String),
      refresh_token: expect.any(String),
    });
    const exchange = oauth.tokenRequests.filter((r) => r.grantType === 'authorization_code');
    expect(exchange).toHaveLength(1);

    // Tokens live 10 s and refresh 2 s before expiry: wait, then read twice more.
    await new Promise((r) => setTimeout(r, 8_500));
    const second = await api('GET', `/connections/${connectionId}?provider_config_key=oidc`);
    expect(second.status).toBe(200);
    expect(second.json.credentials.access_token).not.toBe(first.json.credentials.access_token);
    await new Promise((r) => setTimeout(r, 8_500));
    const third = await api('GET', `/connections/${connectionId}?provider_config_key=oidc`);
    expect(third.json.credentials.access_token).not.toBe(second.json.credentials.access_token);

    const refreshes = oauth.tokenRequests.filter((r) => r.grantType === 'refresh_token');
    expect(refreshes.length).toBeGreaterThanOrEqual(2);
    expect(refreshes.every((r) => r.status === 200)).toBe(true);
    const used = refreshes.map((r) => r.refreshToken);
    expect(new Set(used).size).toBe(used.length);
    expect(used[0]).toBe(first.json.credentials.refresh_token);
    await page.close();
  });

  it('connects an API-key provider through the form, after refusing a key the provider rejects', async () => {
    const page = await browser.newPage();
    const frame = await openConnectUi(page, ['keyed']);
    // A single allowed integration opens its form directly.
    const input = frame.getByLabel('API key');
    await input.fill('bad-key');
    await frame.getByRole('button', { name: 'Connect' }).click();
    await frame.getByRole('alert').getByText('rejected these credentials').waitFor();
    await input.fill('good-key');
    await frame.getByRole('button', { name: 'Connect' }).click();
    await frame.getByText('Keyed API connected').waitFor();
    const connect = (await events(page)).find((e) => e.type === 'connect');
    const got = await api('GET', `/connections/${connect?.payload.connectionId}?provider_config_key=keyed`);
    expect(got.json.credentials).toEqual({ type: 'API_KEY', apiKey: 'good-key' });
    expect(fakeApi.calls).toContain('GET /me Bearer good-key');
    await page.close();
  });

  it('connects with client credentials through the form and renews the token when it expires', async () => {
    const page = await browser.newPage();
    const frame = await openConnectUi(page, ['machine']);
    await frame.getByLabel('Client ID').fill(oauth.clientId);
    await frame.getByLabel('Client secret').fill(oauth.clientSecret);
    await frame.getByRole('button', { name: 'Connect' }).click();
    await frame.getByText('connected').waitFor();
    const connect = (await events(page)).find((e) => e.type === 'connect');
    const id = connect?.payload.connectionId;
    const first = await api('GET', `/connections/${id}?provider_config_key=machine`);
    expect(first.json.credentials).toMatchObject({
      type: 'OAUTH2_CC',
      token: expect.any(String),
      client_id: oauth.clientId,
    });
    await new Promise((r) => setTimeout(r, 8_500));
    const second = await api('GET', `/connections/${id}?provider_config_key=machine`);
    expect(second.json.credentials.token).not.toBe(first.json.credentials.token);
    await page.close();
  });

  it('shows a clear message for an expired or invalid session link', async () => {
    const page = await browser.newPage();
    await page.goto(`${platform.url}/connect/?session_token=pier_connect_session_not-a-real-token`);
    await page.getByRole('heading', { name: 'Link not valid' }).waitFor();
    await page.goto(`${platform.url}/connect/`);
    await page.getByRole('heading', { name: 'Link incomplete' }).waitFor();
    await page.close();
  });

  it("works unchanged with Nango's frontend SDK: auth() popup over the WebSocket, and openConnectUI() pointed at Pier", async () => {
    const page = await browser.newPage();
    await page.goto(`${app.url}/nango`);
    await page.waitForFunction(() => (window as unknown as { appReady?: boolean }).appReady === true);
    const token = await session(['oidc']);
    const popupPromise = page.context().waitForEvent('page');
    const result = page.evaluate((t) => (window as any).nangoAuth(t, 'oidc'), token);
    await signInAndConsent(await popupPromise);
    const auth = await result;
    expect(auth).toMatchObject({ providerConfigKey: 'oidc', connectionId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect((await api('GET', `/connections/${auth.connectionId}?provider_config_key=oidc`)).status).toBe(200);

    const uiToken = await session(['keyed']);
    await page.evaluate((t) => (window as any).nangoConnectUI(t), uiToken);
    const frame = await (await page.waitForSelector('iframe#connect-ui')).contentFrame();
    if (!frame) throw new Error('no Connect UI frame');
    await frame.getByLabel('API key').fill('good-key');
    await frame.getByRole('button', { name: 'Connect' }).click();
    await frame.getByText('Keyed API connected').waitFor();
    const kinds = (await events(page)).map((e) => e.type);
    expect(kinds).toEqual(expect.arrayContaining(['ready', 'connect']));
    await page.close();
  });
});
