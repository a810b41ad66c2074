import { env, SELF } from 'cloudflare:test';
import type { ApiKeyScope } from '../../../sdk/contract/environments.js';
import { readConfig } from '../../../workers/config.js';
import { displayPrefix, generateSecretKey, hashSecretKey } from '../../../workers/crypto/api-keys.js';
import { openDb } from '../../../workers/db/client.js';
import { createEnvironment } from '../../../workers/environments/service.js';
import { insertKey } from '../../../workers/environments/store.js';

export const BASE = 'http://pier.test';

/** A fresh environment with a secret key, named uniquely so test files never collide. */
export async function seedEnvironment(
  options: { scopes?: ApiKeyScope[]; prefix?: string } = {},
): Promise<{ id: number; name: string; key: string }> {
  const db = openDb(env.DB);
  const name = `${options.prefix ?? 'env'}-${crypto.randomUUID().slice(0, 8)}`;
  const { id } = await createEnvironment(db, readConfig(env), { name });
  const key = generateSecretKey();
  await insertKey(db, {
    environmentId: id,
    displayName: 'test',
    keyHash: await hashSecretKey(key),
    prefix: displayPrefix(key),
    scopes: options.scopes ?? ['environment:*', 'account:*'],
  });
  return { id, name, key };
}

/** Calls the Worker like a backend would. A plain object body is sent as JSON. */
export async function api(
  key: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; json: any }> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (key) (init.headers as Record<string, string>).authorization = `Bearer ${key}`;
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const response = await SELF.fetch(`${BASE}${path}`, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : undefined };
}

/**
 * Through the API: an API-key provider, an integration of it, and connections imported with the key
 * `k`. Any refusal fails the test.
 */
export async function seedApiKeyIntegration(
  key: string,
  setup: { provider: string; integration: string; connections: string[]; baseUrl?: string },
): Promise<void> {
  const expectStatus = (res: { status: number; json: unknown }, ok: (status: number) => boolean, what: string) => {
    if (!ok(res.status)) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.json)}`);
  };
  expectStatus(
    await api(key, 'POST', '/providers', {
      name: setup.provider,
      displayName: setup.provider,
      auth: { mode: 'API_KEY' },
      api: { baseUrl: setup.baseUrl ?? 'https://api.example.com' },
    }),
    (s) => s === 201,
    'provider',
  );
  expectStatus(
    await api(key, 'POST', '/integrations', { unique_key: setup.integration, provider: setup.provider }),
    (s) => s === 200,
    'integration',
  );
  for (const connectionId of setup.connections)
    expectStatus(
      await api(key, 'POST', '/connections', {
        provider_config_key: setup.integration,
        connection_id: connectionId,
        credentials: { type: 'API_KEY', apiKey: 'k' },
      }),
      (s) => s < 300,
      `connection ${connectionId}`,
    );
}
