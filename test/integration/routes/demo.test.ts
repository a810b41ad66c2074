import { createExecutionContext, env, SELF, waitOnExecutionContext } from 'cloudflare:test';
import { calculatePKCECodeChallenge } from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../workers/app.js';
import { DEMO_CLIENT } from '../../../workers/demo/demo-provider.js';
import { BASE } from '../support/fixtures.js';

const authorize = (params: Record<string, string>) =>
  SELF.fetch(`${BASE}/demo/oauth/decide?${new URLSearchParams(params)}`, { redirect: 'manual' });
const token = (params: Record<string, string>) =>
  SELF.fetch(`${BASE}/demo/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params),
  });

describe('pier-demo, the provider Pier serves in development mode', () => {
  const base = {
    client_id: DEMO_CLIENT.id,
    response_type: 'code',
    redirect_uri: `${BASE}/oauth/callback`,
    state: 's1',
  };

  it('runs authorization code + PKCE, refresh, and an API that wants the access token', async () => {
    const verifier = 'v'.repeat(50);
    const approved = await authorize({
      ...base,
      approve: '1',
      code_challenge: await calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    expect(approved.status).toBe(302);
    const back = new URL(approved.headers.get('location') ?? '');
    expect(`${back.origin}${back.pathname}`).toBe(`${BASE}/oauth/callback`);
    expect(back.searchParams.get('state')).toBe('s1');
    const code = back.searchParams.get('code') ?? '';
    const exchange = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: base.redirect_uri,
      client_id: DEMO_CLIENT.id,
      client_secret: DEMO_CLIENT.secret,
    };
    expect((await token({ ...exchange, code_verifier: 'wrong' })).status).toBe(400);
    const issued = (await (await token({ ...exchange, code_verifier: verifier })).json()) as Record<string, string>;
    expect(issued).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    const me = await SELF.fetch(`${BASE}/demo/api/me`, { headers: { authorization: `Bearer ${issued.access_token}` } });
    expect(await me.json()).toMatchObject({ name: 'Ada Lovelace' });
    expect((await SELF.fetch(`${BASE}/demo/api/me`)).status).toBe(401);
    // A refresh token is not an access token, and the reverse.
    expect(
      (await SELF.fetch(`${BASE}/demo/api/me`, { headers: { authorization: `Bearer ${issued.refresh_token}` } }))
        .status,
    ).toBe(401);
    const refreshed = await token({
      grant_type: 'refresh_token',
      refresh_token: issued.refresh_token ?? '',
      client_id: DEMO_CLIENT.id,
      client_secret: DEMO_CLIENT.secret,
    });
    expect(refreshed.status).toBe(200);
    const page1 = (await (
      await SELF.fetch(`${BASE}/demo/api/contacts?limit=10`, {
        headers: { authorization: `Bearer ${issued.access_token}` },
      })
    ).json()) as { contacts: unknown[]; next_cursor: string };
    expect([page1.contacts.length, page1.next_cursor]).toEqual([10, '10']);
  });

  it('sends codes only to this Pier’s own callback, to its own client, and refuses a wrong secret', async () => {
    const elsewhere = await authorize({ ...base, approve: '1', redirect_uri: 'https://evil.example/cb' });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.headers.get('location')).toBeNull();
    expect((await authorize({ ...base, approve: '1', client_id: 'other' })).status).toBe(400);
    const denied = await authorize({ ...base, approve: '0' });
    expect(new URL(denied.headers.get('location') ?? '').searchParams.get('error')).toBe('access_denied');
    const wrongSecret = await token({
      grant_type: 'refresh_token',
      refresh_token: 'x',
      client_id: DEMO_CLIENT.id,
      client_secret: 'nope',
    });
    expect([wrongSecret.status, ((await wrongSecret.json()) as { error: string }).error]).toEqual([
      401,
      'invalid_client',
    ]);
  });

  it('does not exist in production', async () => {
    const ctx = createExecutionContext();
    const response = await createApp().fetch(
      new Request(`${BASE}/demo/oauth/authorize`),
      { ...env, PIER_MODE: 'production' },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });
});
