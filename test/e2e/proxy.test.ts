import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pier, PierError } from '../../sdk/index.js';
import { eventually } from '../support/eventually.js';
import { DOWNLOAD_BLOCK, type FakeProviderApi, startFakeProviderApi } from './support/fake-provider-api.js';
import { type OAuthServer, obtainTokens, startOAuthServer } from './support/oauth-server.js';
import { type RunningPlatform, startPlatform } from './support/platform.js';

/**
 * The proxy through the real local platform (`npm start`: wrangler dev, workerd, local D1 and
 * Durable Objects), a real OAuth server and a fake provider API on loopback.
 */
describe('the proxy on the local platform', () => {
  let platform: RunningPlatform;
  let providerApi: FakeProviderApi;
  let oauth: OAuthServer;
  let pier: Pier;
  const conn = { connectionId: 'big', providerConfigKey: 'files' };

  beforeAll(async () => {
    providerApi = await startFakeProviderApi();
    oauth = await startOAuthServer({ redirectUris: ['http://127.0.0.1/callback'], accessTokenTtlSeconds: 60 });
    platform = await startPlatform();
    pier = new Pier({ secretKey: platform.secretKey, host: platform.url });
    await pier.createProvider({
      name: 'files-api',
      displayName: 'Files API',
      auth: { mode: 'API_KEY' },
      api: { baseUrl: providerApi.url, headers: { 'x-api-key': '${apiKey}' } },
    });
    await pier.createIntegration({ unique_key: 'files', provider: 'files-api' });
    await pier.importConnection({
      provider_config_key: 'files',
      connection_id: 'big',
      credentials: { type: 'API_KEY', apiKey: 'sk-e2e-files' },
    });
  });

  afterAll(async () => {
    await platform?.stop();
    await providerApi?.close();
    await oauth?.close();
  });

  /** Streams a proxied download, hashing it, while sampling the Worker process's memory. */
  async function download(path: string): Promise<{ bytes: number; sha256: string; rssGrowth: number }> {
    const baseline = platform.workerRssBytes();
    if (baseline === 0)
      throw new Error(`the Worker process was not found; platform output:\n${platform.output().slice(-4000)}`);
    let peak = baseline;
    const sampler = setInterval(() => {
      const now = platform.workerRssBytes();
      if (now > 0) peak = Math.max(peak, now);
    }, 100);
    try {
      const response = await pier.get<ReadableStream<Uint8Array>>({
        ...conn,
        endpoint: path,
        responseType: 'stream',
        signal: AbortSignal.timeout(60_000),
      });
      const hash = createHash('sha256');
      let bytes = 0;
      for await (const chunk of response.data as unknown as AsyncIterable<Uint8Array>) {
        hash.update(chunk);
        bytes += chunk.byteLength;
      }
      return { bytes, sha256: hash.digest('hex'), rssGrowth: peak - baseline };
    } catch (err) {
      throw new Error(
        `download of ${path} failed (${String(err)}); platform output:\n${platform.output().slice(-4000)}`,
      );
    } finally {
      clearInterval(sampler);
    }
  }

  function expectedDownload(mb: number): string {
    const hash = createHash('sha256');
    for (let i = 0; i < mb; i++) hash.update(DOWNLOAD_BLOCK);
    return hash.digest('hex');
  }

  it('streams a 100 MB download with flat memory, and counts the bytes of one without a length', async () => {
    // Warm the path so the first-request compile does not count as growth.
    await download('/download?mb=1');
    const sized = await download('/download?mb=100');
    expect(sized.bytes).toBe(100 * 1024 * 1024);
    expect(sized.sha256).toBe(expectedDownload(100));
    // A buffered body would add at least 100 MB; streamed, growth stays well under the body size.
    expect(sized.rssGrowth).toBeLessThan(50 * 1024 * 1024);

    // Without a Content-Length Pier counts the bytes as they pass; the log line has the size.
    const chunked = await download('/download?mb=20&chunked=1');
    expect(chunked.bytes).toBe(20 * 1024 * 1024);
    const chunkedLine = (logs: Awaited<ReturnType<Pier['listLogs']>>) =>
      logs.data.find((l) => l.path === '/download?mb=20&chunked=1');
    const logged = chunkedLine(
      await eventually(
        () => pier.listLogs({ connection_id: 'big', limit: 5 }),
        (l) => Boolean(chunkedLine(l)),
      ),
    )?.bytes;
    expect(logged).toBe(20 * 1024 * 1024);
  });

  it('streams a 20 MB upload through once (too big to hold for retries) byte for byte', async () => {
    const body = Buffer.alloc(20 * 1024 * 1024, 'upload-');
    const response = await pier.post<{ body: { size: number; sha256: string } }>({
      ...conn,
      endpoint: '/echo/upload',
      data: body,
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(response.data.body.size).toBe(body.length);
    expect(response.data.body.sha256).toBe(createHash('sha256').update(body).digest('hex'));
  });

  /**
   * Sends a body of `size` bytes, declared or chunked, and resolves with Pier's answer (the upload may
   * be cut short). A declared size is refused from the header alone, so only its first MiB is sent
   * before the answer is awaited: pushing the rest into a connection already answered only races a reset.
   */
  function upload(base: string, size: number, declared: boolean): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      let answered = false;
      const req = request(
        `${base}/proxy/echo/upload`,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${platform.secretKey}`,
            'connection-id': 'big',
            'provider-config-key': 'files',
            'content-type': 'application/octet-stream',
            ...(declared ? { 'content-length': String(size) } : {}),
          },
        },
        (res) => {
          answered = true;
          let text = '';
          res.on('data', (c: Buffer) => {
            text += c.toString();
          });
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, body: text });
            req.destroy();
          });
        },
      );
      req.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EPIPE' && err.code !== 'ECONNRESET') reject(err);
        else if (!answered) reject(new Error(`the connection was ${err.code} before Pier answered`));
      });
      const chunk = Buffer.alloc(1024 * 1024, 'x');
      const limit = declared ? Math.min(size, chunk.length) : size;
      let sent = 0;
      const pump = () => {
        while (sent < limit && !answered) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        if (sent >= size) req.end();
      };
      pump();
    });
  }

  it('refuses a declared body over 100 MiB with 413 (a counted one is tested in workerd: proxy-body.test.ts)', async () => {
    const declared = await upload(platform.url, 101 * 1024 * 1024, true);
    expect([declared.status, JSON.parse(declared.body).error.code]).toEqual([413, 'payload_too_large']);
    const logs = await eventually(
      () => pier.listLogs({ connection_id: 'big', status: '413' }),
      (l) => l.data.length > 0,
    );
    const refused = logs.data.map((l) => l.error?.code ?? '');
    expect(refused).toEqual(['payload_too_large']);
  });

  it('refreshes an expired OAuth token once through the real OAuth server, then the call succeeds', async () => {
    await pier.createProvider({
      name: 'oidc-api',
      displayName: 'OIDC API',
      auth: { mode: 'OAUTH2', authorizationUrl: `${oauth.url}/auth`, tokenUrl: `${oauth.url}/token` },
      api: { baseUrl: oauth.url },
    });
    await pier.createIntegration({
      unique_key: 'oidc',
      provider: 'oidc-api',
      credentials: { type: 'OAUTH2', client_id: oauth.clientId, client_secret: oauth.clientSecret },
    });
    const tokens = await obtainTokens(oauth, 'http://127.0.0.1/callback');
    // Counted before the import: the connection's own alarm may do the one refresh before any call does.
    const refreshesBefore = oauth.tokenRequests.filter((r) => r.grantType === 'refresh_token').length;
    await pier.importConnection({
      provider_config_key: 'oidc',
      connection_id: 'expired',
      credentials: {
        type: 'OAUTH2',
        access_token: tokens.access_token,
        refresh_token: tokens.refresh_token,
        expires_at: new Date(Date.now() - 1000).toISOString(),
      },
    });
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        pier.get<{ sub: string }>({ connectionId: 'expired', providerConfigKey: 'oidc', endpoint: '/me' }),
      ),
    );
    expect(results.every((r) => r.status === 200 && r.data.sub)).toBe(true);
    expect(oauth.tokenRequests.filter((r) => r.grantType === 'refresh_token').length).toBe(refreshesBefore + 1);
  });

  it('retries flaky 5xx, waits out a 429, paginates, strips credentials across origins, and logs without secrets', async () => {
    const flaky = await pier.get<{ ok: boolean }>({
      ...conn,
      endpoint: `/flaky/${crypto.randomUUID()}`,
      params: { fail: 2 },
    });
    expect([flaky.status, flaky.retries]).toEqual([200, 2]);

    const started = Date.now();
    const limited = await pier.get({ ...conn, endpoint: `/rate-limited/${crypto.randomUUID()}`, params: { after: 1 } });
    expect([limited.status, limited.retries]).toEqual([200, 1]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);

    const pages: number[] = [];
    for await (const page of pier.paginate({
      ...conn,
      endpoint: '/link-items',
      params: { per_page: 10 },
      paginate: { type: 'link' },
    }))
      pages.push(page.length);
    expect(pages).toEqual([10, 10, 5]);

    const elsewhere = providerApi.url.replace('127.0.0.1', 'localhost');
    const hop = await pier.get<{ headers: Record<string, string> }>({
      ...conn,
      endpoint: '/redirect',
      params: { to: `${elsewhere}/echo/elsewhere` },
    });
    expect(hop.data.headers['x-api-key']).toBeUndefined();

    // Log lines are written after each response (waitUntil): wait for the flaky call's line.
    const flakyLine = (l: { path: string | null; retries: number; status: number | null }) =>
      Boolean(l.path?.startsWith('/flaky/')) && l.retries === 2 && l.status === 200;
    const logs = await eventually(
      () => pier.listLogs({ connection_id: 'big', limit: 500 }),
      (l) => l.data.some(flakyLine),
    );
    expect(logs.data.some(flakyLine)).toBe(true);
    expect(JSON.stringify(logs)).not.toContain('sk-e2e-files');
  });

  it('writes log lines in batches off the request path, and a clean stop loses none of them', async () => {
    const marker = crypto.randomUUID();
    const calls = await Promise.all(
      Array.from({ length: 30 }, (_, i) => pier.get({ ...conn, endpoint: `/echo/batch-${marker}-${i}` })),
    );
    expect(calls.every((c) => c.status === 200)).toBe(true);
    // Stopped right after the responses, before the lines' batch is due: the stop waits for it.
    const { stateDir, secretKey } = platform;
    const stopped = platform;
    await platform.stop({ only: 'npm' });
    platform = await startPlatform({ stateDir, secretKey });
    pier = new Pier({ secretKey: platform.secretKey, host: platform.url });
    const logs = await pier.listLogs({ connection_id: 'big', limit: 500 });
    const written = logs.data.filter((l) => l.path?.startsWith(`/echo/batch-${marker}-`));
    expect(written, `the stopped platform said:\n${stopped.output().slice(-3000)}`).toHaveLength(30);
  });

  it('answers a forbidden Base-Url-Override with 403 in the documented shape', async () => {
    const error = await pier
      .get({ ...conn, endpoint: '/latest/meta-data', baseUrlOverride: 'http://169.254.169.254' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PierError);
    expect([(error as PierError).status, (error as PierError).code]).toEqual([403, 'forbidden_url']);
  });
});
