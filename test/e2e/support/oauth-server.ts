import { createServer, type IncomingMessage, type Server } from 'node:http';
import Provider from 'oidc-provider';
import { freePort } from './platform.js';

/**
 * A real OAuth 2.0 / OpenID Connect server (oidc-provider, certified) for tests: authorization code
 * with PKCE required, refresh-token rotation (reusing an old refresh token is rejected), client
 * credentials, and short token lifetimes. It records every token request so tests can count them.
 */
export type TokenRequestRecord = { grantType: string; refreshToken?: string; status: number };

export type OAuthServer = {
  url: string;
  clientId: string;
  clientSecret: string;
  tokenRequests: TokenRequestRecord[];
  /** Makes the next N token requests fail with this status (fault injection). */
  failNextTokenRequests(count: number, status: number): void;
  close(): Promise<void>;
};

export async function startOAuthServer(options: {
  redirectUris: string[];
  accessTokenTtlSeconds?: number;
}): Promise<OAuthServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const clientId = 'pier-e2e';
  const clientSecret = `secret-${crypto.randomUUID()}`;
  const ttl = options.accessTokenTtlSeconds ?? 10;
  const provider = new Provider(url, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: options.redirectUris,
        grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
        scope: 'openid offline_access api:read',
      },
    ],
    scopes: ['openid', 'offline_access', 'api:read'],
    pkce: { required: () => true },
    rotateRefreshToken: () => true,
    ttl: { AccessToken: ttl, ClientCredentials: ttl, RefreshToken: 3600, Session: 3600, Grant: 3600, Interaction: 600 },
    features: {
      clientCredentials: { enabled: true },
      devInteractions: { enabled: true },
      revocation: { enabled: true },
    },
    findAccount: async (_ctx: unknown, id: string) => ({ accountId: id, claims: async () => ({ sub: id }) }),
    cookies: { keys: ['test-cookie-key'] },
  });
  provider.proxy = false;
  const tokenRequests: TokenRequestRecord[] = [];
  let failures = { count: 0, status: 500 };
  const callback = provider.callback();

  let self: OAuthServer | undefined;
  const server: Server = createServer(async (req, res) => {
    // Test-only helpers, for tests that run where they cannot reach this object (inside workerd).
    if (req.url === '/__test/token-requests') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(tokenRequests));
      return;
    }
    if (req.method === 'POST' && req.url?.startsWith('/__test/tokens') && self) {
      const redirect = new URL(req.url, url).searchParams.get('redirect_uri') ?? options.redirectUris[0] ?? '';
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(await obtainTokens(self, redirect)));
      return;
    }
    if (req.method === 'POST' && req.url?.startsWith('/__test/fail')) {
      const q = new URL(req.url, url).searchParams;
      failures = { count: Number(q.get('count') ?? 1), status: Number(q.get('status') ?? 500) };
      res.writeHead(204).end();
      return;
    }
    if (req.method === 'POST' && req.url?.startsWith('/token')) {
      const body = await readBody(req);
      const params = new URLSearchParams(body);
      const record: TokenRequestRecord = {
        grantType: params.get('grant_type') ?? '',
        ...(params.get('refresh_token') ? { refreshToken: params.get('refresh_token') as string } : {}),
        status: 0,
      };
      tokenRequests.push(record);
      if (failures.count > 0) {
        failures.count--;
        record.status = failures.status;
        res.writeHead(failures.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'temporarily_unavailable' }));
        return;
      }
      res.on('finish', () => {
        record.status = res.statusCode;
      });
      // Hand the already-read body back to the provider.
      const replay = Object.assign(req, { body: Object.fromEntries(params) });
      callback(replay, res);
      return;
    }
    callback(req, res);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  self = {
    url,
    clientId,
    clientSecret,
    tokenRequests,
    failNextTokenRequests(count, status) {
      failures = { count, status };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return self;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

/**
 * Runs the authorization-code flow (with PKCE) without a browser, logging in through the server's
 * own interaction forms, and returns the token response. For tests and benchmarks that need a real
 * refresh token but do not test the browser part.
 */
export async function obtainTokens(
  server: OAuthServer,
  redirectUri: string,
): Promise<{ access_token: string; refresh_token: string }> {
  const verifier = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
  const challenge = Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))).toString(
    'base64url',
  );
  const jar = new Map<string, string>();
  const remember = (response: Response) => {
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const [name, ...value] = (pair ?? '').split('=');
      if (name) jar.set(name.trim(), value.join('='));
    }
  };
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const go = async (url: string, init: RequestInit = {}): Promise<Response> => {
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers ?? {}), cookie: cookieHeader() },
    });
    remember(response);
    return response;
  };
  const auth = new URL(`${server.url}/auth`);
  for (const [k, v] of Object.entries({
    client_id: server.clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: 'openid offline_access api:read',
    prompt: 'consent',
    state: 'state-1',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }))
    auth.searchParams.set(k, v);
  let response = await go(auth.toString());
  for (let hops = 0; hops < 12; hops++) {
    const location = response.headers.get('location');
    if (location?.startsWith(redirectUri)) {
      const code = new URL(location).searchParams.get('code');
      if (!code) throw new Error(`no code in ${location}`);
      const token = await fetch(`${server.url}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code,
          redirect_uri: redirectUri,
          code_verifier: verifier,
          client_id: server.clientId,
          client_secret: server.clientSecret,
        }),
      });
      return (await token.json()) as { access_token: string; refresh_token: string };
    }
    if (location) {
      response = await go(new URL(location, server.url).toString());
      continue;
    }
    const html = await response.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (!action) throw new Error(`unexpected page: ${html.slice(0, 200)}`);
    const isLogin = html.includes('name="login"');
    response = await go(new URL(action.replace(/&amp;/g, '&'), server.url).toString(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(isLogin ? { prompt: 'login', login: 'alice', password: 'pw' } : { prompt: 'consent' }),
    });
  }
  throw new Error('authorization flow did not finish');
}
