import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import {
  expiresAtFrom,
  requestToken,
  tokenResponseMetadata,
  toOAuth2Credentials,
} from '../../../workers/auth/oauth2-token.js';

const now = Date.parse('2026-01-01T00:00:00Z');

describe('token responses', () => {
  it('computes expiry in seconds or the declared milliseconds', () => {
    expect(expiresAtFrom({ expires_in: 3600 }, 'seconds', now)).toBe('2026-01-01T01:00:00.000Z');
    expect(expiresAtFrom({ expires_in: '60000' }, 'milliseconds', now)).toBe('2026-01-01T00:01:00.000Z');
    expect(expiresAtFrom({}, 'seconds', now)).toBeUndefined();
    expect(expiresAtFrom({ expires_in: 0 }, 'seconds', now)).toBeUndefined();
  });

  it('reads nested tokens, keeps the old refresh token when none is returned, and copies metadata', () => {
    const body = { ok: true, authed_user: { access_token: 'xoxp', expires_in: 60 }, team: { id: 'T1' } };
    expect(
      toOAuth2Credentials(body, { tokenResponsePath: 'authed_user', expiresInUnit: 'seconds' }, now, 'old-rt'),
    ).toEqual({
      type: 'OAUTH2',
      access_token: 'xoxp',
      refresh_token: 'old-rt',
      expires_at: '2026-01-01T00:01:00.000Z',
      raw: body,
    });
    expect(toOAuth2Credentials({ error: 'x' }, { expiresInUnit: 'seconds' }, now)).toBeUndefined();
    expect(
      tokenResponseMetadata({ instance_url: 'https://acme.my.salesforce.com', team: { id: 'T1' } }, [
        'instance_url',
        'team.id',
      ]),
    ).toEqual({
      instance_url: 'https://acme.my.salesforce.com',
      'team.id': 'T1',
    });
  });
});

describe('token requests', () => {
  async function withServer(
    handler: (body: string, headers: Record<string, string | string[] | undefined>) => [number, string, string?],
  ) {
    const seen: { body: string; headers: Record<string, string | string[] | undefined> }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        seen.push({ body, headers: req.headers });
        const [status, text, type] = handler(body, req.headers);
        res.writeHead(status, { 'content-type': type ?? 'application/json' });
        res.end(text);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const address = server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/token`;
    return { url, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
  }

  it('sends client credentials in a Basic header, form-encoded per RFC 6749 §2.3.1', async () => {
    const s = await withServer(() => [200, JSON.stringify({ access_token: 'a' })]);
    const result = await requestToken({
      tokenUrl: s.url,
      auth: { clientAuth: 'basic', tokenBodyFormat: 'form' },
      clientId: 'id:with colon',
      clientSecret: 's&cret',
      params: { grant_type: 'refresh_token', refresh_token: 'r' },
      mode: 'development',
    });
    await s.close();
    expect(result).toEqual({ ok: true, body: { access_token: 'a' } });
    expect(s.seen[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from('id%3Awith+colon:s%26cret').toString('base64')}`,
    );
    expect(s.seen[0]?.body).toBe('grant_type=refresh_token&refresh_token=r');
  });

  it('sends JSON bodies with credentials in the body when the provider wants that', async () => {
    const s = await withServer(() => [200, 'access_token=a&token_type=bearer', 'application/x-www-form-urlencoded']);
    const result = await requestToken({
      tokenUrl: s.url,
      auth: { clientAuth: 'body', tokenBodyFormat: 'json' },
      clientId: 'id',
      clientSecret: 'secret',
      params: { grant_type: 'client_credentials' },
      mode: 'development',
    });
    await s.close();
    expect(JSON.parse(s.seen[0]?.body ?? '')).toEqual({
      grant_type: 'client_credentials',
      client_id: 'id',
      client_secret: 'secret',
    });
    expect(result).toEqual({ ok: true, body: { access_token: 'a', token_type: 'bearer' } });
  });

  it('reports OAuth errors, including ones sent with 200, and refuses private addresses in production', async () => {
    const s = await withServer((body) =>
      body.includes('slack')
        ? [200, JSON.stringify({ ok: false, error: 'invalid_refresh_token' })]
        : [400, JSON.stringify({ error: 'invalid_grant', error_description: 'expired' })],
    );
    const base = {
      auth: { clientAuth: 'body' as const, tokenBodyFormat: 'form' as const },
      clientId: 'i',
      clientSecret: 's',
      mode: 'development' as const,
    };
    expect(await requestToken({ ...base, tokenUrl: s.url, params: { grant_type: 'refresh_token' } })).toEqual({
      ok: false,
      status: 400,
      oauthError: 'invalid_grant',
      message: 'expired',
    });
    expect(await requestToken({ ...base, tokenUrl: s.url, params: { p: 'slack' } })).toMatchObject({
      ok: false,
      status: 200,
      oauthError: 'invalid_refresh_token',
    });
    await s.close();
    expect(await requestToken({ ...base, tokenUrl: s.url, params: {}, mode: 'production' })).toEqual({
      ok: false,
      message: 'token URL refused (private_address)',
    });
  });
});
