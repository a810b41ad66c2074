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
