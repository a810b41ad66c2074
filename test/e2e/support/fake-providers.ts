import { createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import { jwtVerify } from 'jose';
import OAuth from 'oauth-1.0a';
import { listenOnLoopback } from './platform.js';

function parseOAuthHeader(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const match of (header ?? '').replace(/^OAuth\s+/, '').matchAll(/([a-z_]+)="([^"]*)"/g))
    if (match[1]) out[match[1]] = decodeURIComponent(match[2] ?? '');
  return out;
}

/**
 * An OAuth 1.0a server (RFC 5849) that checks every HMAC-SHA1 signature with an independent
 * implementation (the `oauth-1.0a` package): request token → authorize → access token → resource.
 */
export async function startOAuth1Server(consumer: { key: string; secret: string }) {
  const oauth = new OAuth({
    consumer,
    signature_method: 'HMAC-SHA1',
    hash_function: (base, key) => createHmac('sha1', key).update(base).digest('base64'),
  });
  const requestTokens = new Map<string, { secret: string; callback: string; verifier: string }>();
  const accessTokens = new Map<string, string>();
  let url = '';
  const valid = (req: IncomingMessage, tokenSecret?: string) => {
    const params = parseOAuthHeader(req.headers.authorization);
    if (params.oauth_consumer_key !== consumer.key) return undefined;
    const { oauth_signature, ...data } = params;
    const expected = oauth.getSignature(
      { url: `${url}${req.url}`, method: req.method ?? 'GET' },
      tokenSecret,
      data as unknown as OAuth.Data,
    );
    return expected === oauth_signature ? params : undefined;
  };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', url);
    if (path.pathname === '/request_token' && req.method === 'POST') {
      const params = valid(req);
      if (!params?.oauth_callback) return res.writeHead(401).end('bad signature');
      const token = `rt-${crypto.randomUUID()}`;
      requestTokens.set(token, {
        secret: `rts-${crypto.randomUUID()}`,
        callback: params.oauth_callback,
        verifier: `v-${crypto.randomUUID()}`,
      });
      res.writeHead(200, { 'content-type': 'application/x-www-form-urlencoded' });
      return res.end(
        `oauth_token=${token}&oauth_token_secret=${requestTokens.get(token)?.secret}&oauth_callback_confirmed=true`,
      );
    }
    if (path.pathname === '/authorize') {
      // The user approves at once: redirect back with the verifier.
      const token = path.searchParams.get('oauth_token') ?? '';
      const pending = requestTokens.get(token);
      if (!pending) return res.writeHead(400).end('unknown token');
      const back = new URL(pending.callback);
      back.searchParams.set('oauth_token', token);
      back.searchParams.set('oauth_verifier', pending.verifier);
      res.writeHead(302, { location: back.toString() });
      return res.end();
    }
    if (path.pathname === '/access_token' && req.method === 'POST') {
      const token = parseOAuthHeader(req.headers.authorization).oauth_token ?? '';
      const pending = requestTokens.get(token);
      const params = pending ? valid(req, pending.secret) : undefined;
      if (!pending || !params || params.oauth_verifier !== pending.verifier)
        return res.writeHead(401).end('bad signature');
      requestTokens.delete(token);
      const access = `at-${crypto.randomUUID()}`;
      accessTokens.set(access, `ats-${crypto.randomUUID()}`);
      res.writeHead(200, { 'content-type': 'application/x-www-form-urlencoded' });
      return res.end(`oauth_token=${access}&oauth_token_secret=${accessTokens.get(access)}&user_id=42`);
    }
    if (path.pathname === '/__test/access-token' && req.method === 'POST') {
      // As if a user had just finished the three legs (for tests of what comes after).
      const access = `at-${crypto.randomUUID()}`;
      accessTokens.set(access, `ats-${crypto.randomUUID()}`);
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ oauth_token: access, oauth_token_secret: accessTokens.get(access) }));
    }
    if (path.pathname.startsWith('/api/')) {
      // A protected resource: every request signed with the access token, form bodies included.
      const token = parseOAuthHeader(req.headers.authorization).oauth_token ?? '';
      const secret = accessTokens.get(token);
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on('end', () => {
        const form = req.headers['content-type']?.startsWith('application/x-www-form-urlencoded')
          ? Object.fromEntries(new URLSearchParams(body))
          : {};
        const params = parseOAuthHeader(req.headers.authorization);
        const { oauth_signature, ...data } = params;
        const expected =
          secret === undefined
            ? undefined
            : oauth.getSignature({ url: `${url}${req.url}`, method: req.method ?? 'GET', data: form }, secret, {
                ...(data as unknown as OAuth.Data),
              });
        if (!secret || expected !== oauth_signature) return res.writeHead(401).end('bad signature');
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ user_id: 42, path: path.pathname, query: path.search, form }));
      });
      return;
    }
    res.writeHead(404).end();
  });
  const listening = await listenOnLoopback(server);
  url = listening.url;
  return { url, accessTokens, close: listening.close };
}

/** A GitHub App API stand-in: installation tokens for an RS256 app JWT (iss = app id), verified with the app's public key. */
export async function startFakeGitHubApp(options: { appId: string; tokenTtlSeconds?: number }) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const issued: { installationId: string; token: string }[] = [];
  const rejected: string[] = [];
  const server = createServer(async (req, res) => {
    const match = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(req.url ?? '');
    if (!match || req.method !== 'POST') return res.writeHead(404).end();
    const jwt = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    try {
      const { payload } = await jwtVerify(jwt, publicKey as KeyObject, {
        algorithms: ['RS256'],
        issuer: options.appId,
      });
      if (!payload.exp || !payload.iat || payload.exp - payload.iat > 660) throw new Error('lifetime too long');
    } catch (err) {
      rejected.push(String(err));
      res.writeHead(401, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ message: 'A JSON web token could not be decoded' }));
    }
    const token = `ghs_${crypto.randomUUID().replace(/-/g, '')}`;
    issued.push({ installationId: match[1] ?? '', token });
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        token,
        expires_at: new Date(Date.now() + (options.tokenTtlSeconds ?? 3600) * 1000).toISOString(),
      }),
    );
  });
  const { url, close } = await listenOnLoopback(server);
  return {
    url,
    privateKeyPem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    issued,
    rejected,
    close,
  };
}
