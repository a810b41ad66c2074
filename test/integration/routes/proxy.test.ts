import { env, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { connectionStub } from '../../../durable-objects/connection-name.js';
import { readConfig } from '../../../workers/config.js';
import { openDb } from '../../../workers/db/client.js';
import { findEnvironmentById } from '../../../workers/environments/store.js';
import { handleProxy } from '../../../workers/proxy/proxy.js';
import { eventually } from '../../support/eventually.js';
import { api, BASE, seedEnvironment } from '../support/fixtures.js';

const upstream = inject('providerApi').url;
const oauth = inject('oauth');
const oauth1 = inject('oauth1');

const API_KEY = 'sk-proxy-secret-0123456789';

/** A proxied call as a backend makes it. */
async function proxy(
  key: string,
  method: string,
  path: string,
  options: { connection?: string; integration?: string; headers?: Record<string, string>; body?: BodyInit } = {},
): Promise<{ status: number; headers: Headers; text: string; json: any; ms: number }> {
  const started = Date.now();
  const response = await SELF.fetch(`${BASE}/proxy${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      'connection-id': options.connection ?? 'c1',
      'provider-config-key': options.integration ?? 'fake',
      ...options.headers,
    },
    body: options.body,
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: response.status, headers: response.headers, text, json, ms: Date.now() - started };
}

/** An API-key connection for `integration`, with the test's key. */
async function connectWithKey(key: string, integration: string, connectionId: string): Promise<void> {
  const created = await api(key, 'POST', '/connections', {
    provider_config_key: integration,
    connection_id: connectionId,
    credentials: { type: 'API_KEY', apiKey: API_KEY },
  });
  if (created.status !== 200) throw new Error(`import failed: ${JSON.stringify(created.json)}`);
}

async function upstreamCalls(key: string): Promise<{ count: number; at: number[] }> {
  return (await fetch(`${upstream}/__calls/${key}`)).json();
}

describe('ANY /proxy/*', () => {
  let key: string;
  let environmentId: number;

  beforeAll(async () => {
    ({ key, id: environmentId } = await seedEnvironment({ prefix: 'proxy' }));
    await api(key, 'POST', '/providers', {
      name: 'fake-api',
      display_name: 'Fake API',
      auth_mode: 'API_KEY',
      proxy: {
        base_url: upstream,
        headers: { 'x-api-key': '${apiKey}' },
        retry: { remaining: 'x-ratelimit-remaining', at: 'x-ratelimit-reset' },
      },
    });
    await api(key, 'POST', '/integrations', { unique_key: 'fake', provider: 'fake-api' });
    await connectWithKey(key, 'fake', 'c1');
    await api(key, 'POST', '/providers', {
      name: 'fake-query-key',
      display_name: 'Fake API (key in query)',
      auth_mode: 'API_KEY',
      proxy: { base_url: `${upstream}/echo/v1`, query: { api_key: '${apiKey}' } },
    });
    await api(key, 'POST', '/integrations', { unique_key: 'fake-query', provider: 'fake-query-key' });
    await connectWithKey(key, 'fake-query', 'c1');
    await api(key, 'POST', '/providers', {
      name: 'fake-basic',
      display_name: 'Fake API (basic)',
      auth_mode: 'BASIC',
      proxy: { base_url: 'http://${connectionConfig.host}/echo' },
      connection_config: { host: { type: 'string', title: 'Host' } },
    });
    // A free host (a self-hosted instance): the integration opts in to hosts the catalog does not name.
    await api(key, 'POST', '/integrations', {
      unique_key: 'fake-basic',
      provider: 'fake-basic',
      integration_config: { allow_custom_hosts: 'true' },
    });
    await api(key, 'POST', '/connections', {
      provider_config_key: 'fake-basic',
      connection_id: 'c1',
      credentials: { type: 'BASIC', username: 'ann', password: 'pa55word-secret' },
      connection_config: { host: new URL(upstream).host },
    });
  });

  it('applies the API key per the catalog, forwards the path, query, body and Nango-Proxy-* headers, and nothing else', async () => {
    const r = await proxy(key, 'POST', '/echo/items/42?sort=desc&q=a%20b', {
      headers: {
        'content-type': 'application/json',
        'nango-proxy-x-custom': 'kept',
        'x-not-forwarded': 'dropped',
        cookie: 'session=1',
      },
      body: JSON.stringify({ name: 'widget' }),
    });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({
      method: 'POST',
      path: '/echo/items/42',
      query: '?sort=desc&q=a%20b',
      body: { text: '{"name":"widget"}' },
    });
    expect(r.json.headers).toMatchObject({
      'x-api-key': API_KEY,
      'x-custom': 'kept',
      'content-type': 'application/json',
    });
    expect(r.json.headers['x-not-forwarded']).toBeUndefined();
    expect(r.json.headers.cookie).toBeUndefined();
    // Pier's own secret key never goes upstream.
    expect(r.json.headers.authorization).toBeUndefined();
    expect(r.headers.get('pier-proxy-retries')).toBe('0');
  });

  it('forwards form, multipart and binary bodies byte for byte', async () => {
    const form = await proxy(key, 'PUT', '/echo/form', { body: new URLSearchParams({ a: '1', b: 'two words' }) });
    expect(form.json).toMatchObject({ method: 'PUT', body: { text: 'a=1&b=two+words' } });
    expect(form.json.headers['content-type']).toContain('application/x-www-form-urlencoded');

    const multipart = new FormData();
    multipart.set('file', new Blob(['hello file']), 'hello.txt');
    const sent = new Response(multipart);
    const mp = await proxy(key, 'POST', '/echo/upload', {
      headers: { 'content-type': sent.headers.get('content-type') ?? '' },
      body: await sent.arrayBuffer(),
    });
    expect(mp.json.body.text).toContain('hello file');
    expect(mp.json.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);

    const bytes = new Uint8Array(300_000);
    for (let at = 0; at < bytes.length; at += 65_536) crypto.getRandomValues(bytes.subarray(at, at + 65_536));
    const digest = [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))]
      .map((b) => b.toString(16).padStart(2, '0'))
      .join('');
    const bin = await proxy(key, 'PATCH', '/echo/bin', {
      headers: { 'content-type': 'application/octet-stream', retries: '0' },
      body: bytes,
    });
    expect(bin.json.body).toMatchObject({ size: 300_000, sha256: digest });
  });

  it('puts a query-template key on the upstream URL but never in the log', async () => {
    const r = await proxy(key, 'GET', '/things?limit=5', { integration: 'fake-query' });
    expect(r.json.path).toBe('/echo/v1/things');
    expect(r.json.query).toBe(`?limit=5&api_key=${API_KEY}`);
  });

  it('sends basic credentials to a host templated from connection config', async () => {
    const r = await proxy(key, 'GET', '/who', { integration: 'fake-basic' });
    expect(r.status).toBe(200);
    expect(r.json.headers.authorization).toBe(`Basic ${btoa('ann:pa55word-secret')}`);
  });

  it('refuses connection-config values that would change the templated host', async () => {
    await api(key, 'POST', '/connections', {
      provider_config_key: 'fake-basic',
      connection_id: 'evil',
      credentials: { type: 'BASIC', username: 'ann', password: 'pw' },
      connection_config: { host: 'evil.example#' },
    });
    const r = await proxy(key, 'GET', '/who', { integration: 'fake-basic', connection: 'evil' });
    expect([r.status, r.json.error.code]).toEqual([400, 'invalid_connection_config']);
  });

  it('retries 5xx for GET with backoff, and reports how many times', async () => {
    const id = crypto.randomUUID();
    const r = await proxy(key, 'GET', `/flaky/${id}?fail=2`);
    expect(r.status).toBe(200);
    expect(r.headers.get('pier-proxy-retries')).toBe('2');
    expect((await upstreamCalls(`flaky/${id}`)).count).toBe(3);
  });

  it('does not retry a POST unless the caller asks, and honours Retries and Retry-On', async () => {
    const a = crypto.randomUUID();
    const post = await proxy(key, 'POST', `/flaky/${a}?fail=1`, { body: '{}' });
    expect(post.status).toBe(503);
    expect((await upstreamCalls(`flaky/${a}`)).count).toBe(1);

    const b = crypto.randomUUID();
    const asked = await proxy(key, 'POST', `/flaky/${b}?fail=2`, { body: '{}', headers: { retries: '3' } });
    expect([asked.status, asked.headers.get('pier-proxy-retries')]).toEqual([200, '2']);

    const c = crypto.randomUUID();
    const teapot = await proxy(key, 'GET', `/flaky/${c}?fail=1&status=418`);
    expect(teapot.status).toBe(418);
    const d = crypto.randomUUID();
    const retried = await proxy(key, 'GET', `/flaky/${d}?fail=1&status=418`, { headers: { 'retry-on': '418' } });
    expect(retried.status).toBe(200);

    const e = crypto.randomUUID();
    const none = await proxy(key, 'GET', `/flaky/${e}?fail=1`, { headers: { retries: '0' } });
    expect(none.status).toBe(503);
  });

  it('waits for Retry-After on a 429 and then succeeds', async () => {
    const id = crypto.randomUUID();
    const r = await proxy(key, 'GET', `/rate-limited/${id}?times=1&after=1`);
    expect(r.status).toBe(200);
    expect(r.headers.get('pier-proxy-retries')).toBe('1');
    const { at } = await upstreamCalls(`rate-limited/${id}`);
    expect(at).toHaveLength(2);
    expect((at[1] ?? 0) - (at[0] ?? 0)).toBeGreaterThanOrEqual(900);
  });

  it('remembers a 429 for the connection: the next call fails fast with 429 + Retry-After when asked, without calling the provider', async () => {
    await connectWithKey(key, 'fake', 'limited');
    const id = crypto.randomUUID();
    const first = await proxy(key, 'GET', `/rate-limited/${id}?times=5&after=20`, {
      connection: 'limited',
      headers: { 'pier-rate-limit-wait': '5' },
    });
    // Retry-After (20 s) is longer than the caller will wait: the provider's 429 comes back as is.
    expect([first.status, first.headers.get('retry-after')]).toEqual([429, '20']);
    const fast = await proxy(key, 'GET', `/rate-limited/${id}`, {
      connection: 'limited',
      headers: { 'pier-rate-limit-wait': '0' },
    });
    expect([fast.status, fast.json.error.code]).toEqual([429, 'rate_limited']);
    expect(Number(fast.headers.get('retry-after'))).toBeGreaterThan(10);
    expect((await upstreamCalls(`rate-limited/${id}`)).count).toBe(1);
    // Another connection of the same integration is not affected.
    const other = await proxy(key, 'GET', '/echo/ok');
    expect(other.status).toBe(200);
  });

  it('spends the connection budget from x-ratelimit-remaining: concurrent callers wait for the reset instead of getting 429s', async () => {
    await connectWithKey(key, 'fake', 'budget');
    const id = crypto.randomUUID();
    // 4 s windows: the last check must run before the second window resets, with room for a loaded machine.
    const path = `/budget/${id}?limit=2&window=4`;
    // The first call teaches Pier the budget (1 left) and the reset time.
    const first = await proxy(key, 'GET', path, { connection: 'budget' });
    expect(first.status).toBe(200);
    const stub = connectionStub(env, {
      environmentId,
      integrationId: await integrationId('fake'),
      connectionId: 'budget',
    });
    // What a response teaches is recorded in the object after the response is sent: wait for it.
    const learned = await eventually(
      () => stub.readRateLimit(),
      (state) => state.remaining !== null,
    );
    expect(learned.remaining).toBe(1);
    const burst = await Promise.all(Array.from({ length: 3 }, () => proxy(key, 'GET', path, { connection: 'budget' })));
    expect(burst.map((r) => r.status)).toEqual([200, 200, 200]);
    // 4 calls in all, none of them answered 429 by the provider.
    expect(burst.every((r) => r.headers.get('pier-proxy-retries') === '0')).toBe(true);
    expect((await upstreamCalls(`budget/${id}`)).count).toBe(4);

    // The last answers teach the object that this window's budget is spent, after they are sent
    // (a window may have reset during the burst): wait for that lesson, as above.
    const spentState = await eventually(
      () => stub.readRateLimit(),
      (state) => state.remaining === 0,
    );
    expect(spentState.remaining).toBe(0);
    const spent = await proxy(key, 'GET', path, { connection: 'budget', headers: { 'pier-rate-limit-wait': '0' } });
    expect([spent.status, spent.json?.error?.code]).toEqual([429, 'rate_limited']);
  }, 20_000);

  it('on a 429 with only x-ratelimit-reset (budget spent elsewhere) waits for the reset and retries', async () => {
    await connectWithKey(key, 'fake', 'shared-budget');
    const id = crypto.randomUUID();
    const path = `/budget/${id}?limit=1&window=3`;
    // Another client of the same account spends the window's only call.
    expect((await fetch(`${upstream}${path}`)).status).toBe(200);
    const r = await proxy(key, 'GET', path, { connection: 'shared-budget' });
    expect([r.status, r.headers.get('pier-proxy-retries')]).toEqual([200, '1']);
    const { at } = await upstreamCalls(`budget/${id}`);
    expect(at).toHaveLength(3);
    // The retry waited for the window to reset (3 s windows, reset reported in whole seconds).
    expect((at[2] ?? 0) - (at[1] ?? 0)).toBeGreaterThan(200);
  });

  async function integrationId(uniqueKey: string): Promise<number> {
    const row = await env.DB.prepare('SELECT id FROM integrations WHERE unique_key = ? AND environment_id = ?')
      .bind(uniqueKey, environmentId)
      .first<{ id: number }>();
    return row?.id ?? 0;
  }

  it('passes slow responses and gzip bodies through, decoding them when asked', async () => {
    const slow = await proxy(key, 'GET', '/slow?ms=1200');
    expect(slow.status).toBe(200);
    expect(slow.ms).toBeGreaterThanOrEqual(1100);

    const zipped = await proxy(key, 'GET', '/gzip');
    expect(zipped.json.compressed).toBe(true);
    const plain = await proxy(key, 'GET', '/gzip', { headers: { decompress: 'true' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(plain.json.items).toHaveLength(25);
  });

  it('follows same-origin redirects with credentials and strips them on a cross-origin hop unless asked', async () => {
    const same = await proxy(key, 'GET', `/redirect?to=${encodeURIComponent('/echo/landed')}`);
    expect(same.json).toMatchObject({ path: '/echo/landed' });
    expect(same.json.headers['x-api-key']).toBe(API_KEY);

    const other = upstream.replace('127.0.0.1', 'localhost');
    const cross = await proxy(key, 'GET', `/redirect?to=${encodeURIComponent(`${other}/echo/elsewhere`)}`);
    expect(cross.json).toMatchObject({ path: '/echo/elsewhere' });
    expect(cross.json.headers['x-api-key']).toBeUndefined();

    const forwarded = await proxy(key, 'GET', `/redirect?to=${encodeURIComponent(`${other}/echo/elsewhere`)}`, {
      headers: { 'forward-headers-on-redirect': 'true' },
    });
    expect(forwarded.json.headers['x-api-key']).toBe(API_KEY);

    const post = await proxy(key, 'POST', `/redirect?status=303&to=${encodeURIComponent('/echo/after-post')}`, {
      body: 'x=1',
    });
    expect(post.json).toMatchObject({ method: 'GET', path: '/echo/after-post' });
    const keep = await proxy(key, 'POST', `/redirect?status=307&to=${encodeURIComponent('/echo/again')}`, {
      body: 'x=1',
    });
    expect(keep.json).toMatchObject({ method: 'POST', path: '/echo/again', body: { text: 'x=1' } });
  });

  it('never reaches metadata or link-local addresses: redirects or Base-Url-Override', async () => {
    const redirect = await proxy(
      key,
      'GET',
      `/redirect?to=${encodeURIComponent('http://169.254.169.254/latest/meta-data/')}`,
    );
    expect([redirect.status, redirect.json.error.code]).toEqual([403, 'forbidden_url']);
    const override = await proxy(key, 'GET', '/latest/meta-data/', {
      headers: { 'base-url-override': 'http://169.254.169.254' },
    });
    expect([override.status, override.json.error.code]).toEqual([403, 'forbidden_url']);
  });

  it('calls a Base-Url-Override with the connection credentials, never interpolating it', async () => {
    const r = await proxy(key, 'GET', '/x', {
      headers: { 'base-url-override': `${upstream}/echo/\${apiKey}` },
    });
    expect(r.status).toBe(200);
    expect(r.json.path).toBe('/echo/$%7BapiKey%7D/x');
    expect(r.json.headers['x-api-key']).toBe(API_KEY);
  });

  it('in production mode refuses loopback provider addresses', async () => {
    const db = openDb(env.DB);
    const environment = await findEnvironmentById(db, environmentId);
    if (!environment) throw new Error('seeded environment missing');
    const pending: Promise<unknown>[] = [];
    const call = () =>
      handleProxy(
        {
          env,
          config: { ...readConfig(env), mode: 'production' },
          db,
          environment,
          requestId: 'test-production-mode',
          waitUntil: (p) => pending.push(p),
        },
        new Request(`${BASE}/proxy/echo/x`, { headers: { 'connection-id': 'c1', 'provider-config-key': 'fake' } }),
      );
    await expect(call()).rejects.toMatchObject({ status: 403, code: 'forbidden_url' });
    await Promise.all(pending);
  });

  it('answers bad requests with clear 4xx errors', async () => {
    const bare = await SELF.fetch(`${BASE}/proxy/echo`, { headers: { authorization: `Bearer ${key}` } });
    const missing = (await bare.json()) as any;
    expect([bare.status, missing.error.code]).toEqual([400, 'invalid_headers']);
    expect(missing.error.errors.map((e: { path: string[] }) => e.path[1]).sort()).toEqual([
      'connection-id',
      'provider-config-key',
    ]);
    const unknownConnection = await proxy(key, 'GET', '/echo', { connection: 'ghost' });
    expect([unknownConnection.status, unknownConnection.json.error.code]).toEqual([404, 'unknown_connection']);
    const unknownIntegration = await proxy(key, 'GET', '/echo', { integration: 'nope' });
    expect([unknownIntegration.status, unknownIntegration.json.error.code]).toEqual([404, 'unknown_provider_config']);
    const badRetries = await proxy(key, 'GET', '/echo', { headers: { retries: 'lots', 'retry-on': '200,abc' } });
    expect([badRetries.status, badRetries.json.error.code]).toEqual([400, 'invalid_headers']);
    expect(badRetries.json.error.errors).toHaveLength(3);
    const badOverride = await proxy(key, 'GET', '/echo', { headers: { 'base-url-override': 'ftp://x' } });
    expect([badOverride.status, badOverride.json.error.code]).toEqual([400, 'invalid_headers']);
    const noKey = await SELF.fetch(`${BASE}/proxy/echo`, { headers: { 'connection-id': 'c1' } });
    expect(noKey.status).toBe(401);
  });

  it('returns 502 when the provider cannot be reached, after retrying', async () => {
    await api(key, 'POST', '/providers', {
      name: 'fake-down',
      display_name: 'Down API',
      auth_mode: 'API_KEY',
      proxy: { base_url: 'http://127.0.0.1:9' },
    });
    await api(key, 'POST', '/integrations', { unique_key: 'down', provider: 'fake-down' });
    await connectWithKey(key, 'down', 'c1');
    const r = await proxy(key, 'GET', '/anything', { integration: 'down', headers: { retries: '1' } });
    expect([r.status, r.json.error.code]).toEqual([502, 'upstream_unreachable']);
  });
});

describe('proxy auth: OAuth 2 refresh on 401 and on expiry, OAuth 1 signing', () => {
  let key: string;

  const tokens = async (): Promise<{ access_token: string; refresh_token: string }> =>
    (await fetch(`${oauth.url}/__test/tokens`, { method: 'POST' })).json();
  const refreshCount = async () =>
    ((await (await fetch(`${oauth.url}/__test/token-requests`)).json()) as { grantType: string }[]).filter(
      (r) => r.grantType === 'refresh_token',
    ).length;

  beforeAll(async () => {
    ({ key } = await seedEnvironment({ prefix: 'proxy-auth' }));
    await api(key, 'POST', '/providers', {
      name: 'oidc-api',
      display_name: 'OIDC API',
      auth_mode: 'OAUTH2',
      authorization_url: `${oauth.url}/auth`,
      token_url: `${oauth.url}/token`,
      token_expiration_buffer: 5,
      proxy: { base_url: oauth.url },
    });
    await api(key, 'POST', '/integrations', {
      unique_key: 'oidc',
      provider: 'oidc-api',
      credentials: { type: 'OAUTH2', client_id: oauth.clientId, client_secret: oauth.clientSecret },
    });
    await api(key, 'POST', '/providers', {
      name: 'oauth1-api',
      display_name: 'OAuth 1 API',
      auth_mode: 'OAUTH1',
      request_url: `${oauth1.url}/request_token`,
      authorization_url: `${oauth1.url}/authorize`,
      token_url: `${oauth1.url}/access_token`,
      signature_method: 'HMAC-SHA1',
      proxy: { base_url: `${oauth1.url}/api` },
    });
    await api(key, 'POST', '/integrations', {
      unique_key: 'o1',
      provider: 'oauth1-api',
      credentials: { type: 'OAUTH1', client_id: oauth1.consumerKey, client_secret: oauth1.consumerSecret },
    });
  });

  it('a 401 from the provider forces one refresh and one retry, which succeeds', async () => {
    const t = await tokens();
    // The stored access token is no longer accepted (revoked or replaced elsewhere) though not expired.
    await api(key, 'POST', '/connections', {
      provider_config_key: 'oidc',
      connection_id: 'revoked',
      credentials: {
        type: 'OAUTH2',
        access_token: `${t.access_token}-no-longer-valid`,
        refresh_token: t.refresh_token,
        expires_at: new Date(Date.now() + 3600_000).toISOString(),
      },
    });
    const before = await refreshCount();
    // Several calls see the 401 at once: still one refresh.
    const results = await Promise.all(
      Array.from({ length: 5 }, () => proxy(key, 'GET', '/me', { integration: 'oidc', connection: 'revoked' })),
    );
    expect(results.map((r) => `${r.status} ${r.status === 200 ? '' : r.text}`)).toEqual(Array(5).fill('200 '));
    expect(await refreshCount()).toBe(before + 1);
    const again = await proxy(key, 'GET', '/me', { integration: 'oidc', connection: 'revoked' });
    expect(again.status).toBe(200);
    expect(await refreshCount()).toBe(before + 1);
  });

  it('a connection whose token expired refreshes once and the call succeeds', async () => {
    const t = await tokens();
    // Counted before the import: the connection's alarm may do the one refresh before the call does.
    const before = await refreshCount();
    await api(key, 'POST', '/connections', {
      provider_config_key: 'oidc',
      connection_id: 'expired',
      credentials: {
        type: 'OAUTH2',
        access_token: t.access_token,
        refresh_token: t.refresh_token,
        expires_at: new Date(Date.now() - 60_000).toISOString(),
      },
    });
    const r = await proxy(key, 'GET', '/me', { integration: 'oidc', connection: 'expired' });
    expect(r.status).toBe(200);
    expect(r.json.sub).toBeDefined();
    expect(await refreshCount()).toBe(before + 1);
  });

  it('a refresh token the provider rejects ends in the provider’s 401 and a connection marked for re-auth', async () => {
    const t = await tokens();
    await api(key, 'POST', '/connections', {
      provider_config_key: 'oidc',
      connection_id: 'dead',
      credentials: {
        type: 'OAUTH2',
        access_token: `${t.access_token}-no-longer-valid`,
        refresh_token: 'not-a-real-refresh-token',
        expires_at: new Date(Date.now() + 3600_000).toISOString(),
      },
    });
    const r = await proxy(key, 'GET', '/me', { integration: 'oidc', connection: 'dead' });
    expect(r.status).toBe(401);
    const next = await proxy(key, 'GET', '/me', { integration: 'oidc', connection: 'dead' });
    expect([next.status, next.json.error.code]).toEqual([424, 'connection_refresh_failed']);
    // The failed refresh is in the operations log, next to the calls; no token is. Lines are written
    // in batches after the responses: wait for all three.
    const logs = await eventually(
      () => api(key, 'GET', '/logs?connection_id=dead'),
      (l) => l.json.data.length >= 3,
    );
    expect(
      logs.json.data.map((l: { type: string; outcome: string; status: number | null }) => [
        l.type,
        l.outcome,
        l.status,
      ]),
    ).toEqual([
      ['proxy', 'failure', 424],
      ['auth', 'failure', 400],
      ['proxy', 'failure', 401],
    ]);
    expect(logs.json.data[1].error.code).toBe('needs_reauth');
    expect(JSON.stringify(logs.json)).not.toContain('not-a-real-refresh-token');
  });

  it('signs every OAuth 1.0a request, query and form body included', async () => {
    const access = (await (await fetch(`${oauth1.url}/__test/access-token`, { method: 'POST' })).json()) as {
      oauth_token: string;
      oauth_token_secret: string;
    };
    await api(key, 'POST', '/connections', {
      provider_config_key: 'o1',
      connection_id: 'signed',
      credentials: { type: 'OAUTH1', ...access },
    });
    const get = await proxy(key, 'GET', '/statuses?count=5&q=hello%20world', {
      integration: 'o1',
      connection: 'signed',
    });
    expect([get.status, get.json?.user_id]).toEqual([200, 42]);
    const post = await proxy(key, 'POST', '/statuses/update', {
      integration: 'o1',
      connection: 'signed',
      body: new URLSearchParams({ status: 'Hello Ladies + Gentlemen, a signed OAuth request!' }),
    });
    expect(post.status).toBe(200);
    expect(post.json.form.status).toBe('Hello Ladies + Gentlemen, a signed OAuth request!');
  });
});
