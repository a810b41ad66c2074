import { validate } from '@readme/openapi-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { type RunningPlatform, startPlatform } from './support/platform.js';

describe('the local platform, started the way npm start does', () => {
  let platform: RunningPlatform | undefined;
  afterAll(async () => platform?.stop());

  const call = (path: string, init: RequestInit = {}, key = platform?.secretKey) =>
    fetch(`${platform?.url}${path}`, {
      ...init,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        'content-type': 'application/json',
        ...init.headers,
      },
    });

  it('becomes healthy within 30 s and serves the API with the dev key', async () => {
    const started = Date.now();
    platform = await startPlatform();
    const health = await fetch(`${platform.url}/health`);
    expect(health.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(platform.output()).toContain(`Secret key:  ${platform.secretKey}`);

    const unauthenticated = await call('/providers', {}, '');
    expect(unauthenticated.status).toBe(401);
    expect(((await unauthenticated.json()) as any).error.code).toBe('missing_auth_header');

    const providers = (await (await call('/providers')).json()) as any;
    expect(providers.data.length).toBeGreaterThanOrEqual(100);
  });

  it('serves a valid OpenAPI 3.1 document', async () => {
    const doc = (await (await call('/openapi.json', {}, '')).json()) as any;
    expect(doc.openapi).toBe('3.1.0');
    const result = await validate(doc);
    expect(result.valid).toBe(true);
  });

  it('keeps data across a restart', async () => {
    const created = await call('/integrations', {
      method: 'POST',
      body: JSON.stringify({
        unique_key: 'persisted',
        provider: 'hubspot',
        credentials: { type: 'OAUTH2', client_id: 'id', client_secret: 'kept-secret' },
      }),
    });
    expect(created.status).toBe(200);
    const stateDir = platform?.stateDir;
    const secretKey = platform?.secretKey;
    await platform?.stop();
    platform = await startPlatform({ stateDir, secretKey });
    const got = (await (await call('/integrations/persisted?include=credentials')).json()) as any;
    expect(got.data).toMatchObject({
      unique_key: 'persisted',
      provider: 'hubspot',
      credentials: { client_secret: 'kept-secret' },
    });
  });

  it('replaces the dev key when PIER_SECRET_KEY changes, and the old key stops working', async () => {
    const { stateDir, secretKey: oldKey } = platform as RunningPlatform;
    await platform?.stop();
    platform = await startPlatform({ stateDir, secretKey: `rotated_${crypto.randomUUID().replace(/-/g, '')}` });
    expect((await call('/integrations', {}, oldKey)).status).toBe(401);
    const list = (await (await call('/integrations')).json()) as any;
    expect(list.data.map((i: { unique_key: string }) => i.unique_key)).toEqual(['persisted']);
  });
});
