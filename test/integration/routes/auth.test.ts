import { describe, expect, it } from 'vitest';
import { api, seedEnvironment } from '../support/fixtures.js';

describe('secret-key authentication', () => {
  it('rejects a missing header with 401 missing_auth_header', async () => {
    const res = await api(undefined, 'GET', '/providers');
    expect(res.status).toBe(401);
    expect(res.json).toEqual({
      error: { code: 'missing_auth_header', message: 'Send your secret key as "Authorization: Bearer <key>"' },
    });
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
  });

  it('rejects a header that is not a bearer token', async () => {
    const res = await api(undefined, 'GET', '/integrations', undefined, { authorization: 'Basic dXNlcjpwYXNz' });
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe('malformed_auth_header');
  });

  it('rejects an unknown key with 401 unauthorized', async () => {
    const res = await api('pier_sk_not-a-real-key-at-all', 'GET', '/integrations');
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ error: { code: 'unauthorized', message: 'The secret key is not valid' } });
  });

  it('accepts a valid key and records when it was used', async () => {
    const { key } = await seedEnvironment();
    const res = await api(key, 'GET', '/integrations');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ data: [] });
  });

  it('puts a request id on every response, keeping a safe caller-supplied one', async () => {
    const mine = await api(undefined, 'GET', '/health', undefined, { 'x-request-id': 'caller-req-12345' });
    expect(mine.headers.get('x-request-id')).toBe('caller-req-12345');
    const unsafe = await api(undefined, 'GET', '/health', undefined, { 'x-request-id': 'bad id with spaces' });
    expect(unsafe.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await api(undefined, 'GET', '/no/such/route');
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ error: { code: 'not_found', message: 'No route for GET /no/such/route' } });
  });

  it('serves /health without a key', async () => {
    const res = await api(undefined, 'GET', '/health');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: 'ok' });
  });
});
