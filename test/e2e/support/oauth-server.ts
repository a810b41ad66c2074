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
    features: { clientCredentials: { enabled: true }, devInteractions: { enabled: true } },
    findAccount: async (_ctx, id) => ({ accountId: id, claims: async () => ({ sub: id }) }),
    cookies: { keys: ['test-cookie-key'] },
  });
  provider.proxy = false;
  const tokenRequests: TokenRequestRecord[] = [];
  let failures = { count: 0, status: 500 };
  const callback = provider.callback();

  const server: Server = createServer(async (req, res) => {
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
  return {
    url,
    clientId,
    clientSecret,
    tokenRequests,
    failNextTokenRequests(count, status) {
      failures = { count, status };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
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
