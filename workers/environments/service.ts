import type { z } from 'zod';
import {
  type ApiKeyScope,
  apiKeyScopeSchema,
  type createApiKeyBodySchema,
  type createEnvironmentBodySchema,
  type Environment,
  type updateEnvironmentBodySchema,
} from '../../sdk/contract/environments.js';
import type { PierConfig } from '../config.js';
import { displayPrefix, generateSecretKey, generateToken, hashSecretKey } from '../crypto/api-keys.js';
import { sealJson } from '../crypto/secret-box.js';
import { type Db, isUniqueViolation } from '../db/client.js';
import type { ApiKeyRow, EnvironmentRow } from '../db/schema.js';
import { ApiError } from '../http/api-error.js';
import { forgetCachedKeys } from '../middleware/key-cache.js';
import { parseWebhookSettings } from '../webhooks/settings.js';
import { signingKeyContext } from './signing-key.js';
import * as store from './store.js';

/**
 * The API shape of an environment. `callback_url` is the OAuth redirect URI providers must know: the
 * one configured, or this deployment's own `/oauth/callback` when none is (given the origin).
 */
export function formatEnvironment(row: EnvironmentRow, origin?: string): Environment {
  return {
    id: row.id,
    uuid: row.uuid,
    name: row.name,
    is_production: row.isProduction,
    callback_url: row.callbackUrl ?? (origin ? `${origin}/oauth/callback` : null),
    webhook_settings: parseWebhookSettings(row.webhookSettings),
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
}

export function parseScopes(text: string): ApiKeyScope[] {
  const values: unknown = JSON.parse(text);
  return Array.isArray(values)
    ? values.flatMap((v) => (apiKeyScopeSchema.safeParse(v).success ? [v as ApiKeyScope] : []))
    : [];
}

export function formatApiKey(row: ApiKeyRow) {
  return {
    id: row.id,
    display_name: row.displayName,
    scopes: parseScopes(row.scopes),
    prefix: row.prefix,
    created_at: row.createdAt,
    last_used_at: row.lastUsedAt,
  };
}

/** Creates an environment with its own webhook signing key. `prod` is always a production environment. */
export async function createEnvironment(
  db: Db,
  config: PierConfig,
  input: z.output<typeof createEnvironmentBodySchema>,
): Promise<{ id: number; name: string }> {
  const uuid = crypto.randomUUID();
  try {
    const row = await store.insertEnvironment(db, {
      uuid,
      name: input.name,
      isProduction: input.name === 'prod' || (input.is_production ?? false),
      callbackUrl: input.callback_url ?? null,
      webhookSigningKeyEnc: await sealJson(config, generateToken(), signingKeyContext(uuid)),
    });
    return { id: row.id, name: row.name };
  } catch (err) {
    if (isUniqueViolation(err))
      throw new ApiError('duplicate_environment', 409, `An environment named "${input.name}" already exists`);
    throw err;
  }
}

export async function listEnvironments(db: Db, origin: string): Promise<Environment[]> {
  return (await store.listEnvironmentRows(db)).map((row) => formatEnvironment(row, origin));
}

/** Deletes an environment with `remove`, which also tears down its connections (connections/teardown.ts). */
export async function deleteEnvironment(
  db: Db,
  environmentId: number,
  callerEnvironmentId: number,
  remove: (row: EnvironmentRow) => Promise<unknown>,
): Promise<void> {
  const row = await requireEnvironment(db, environmentId);
  if (row.name === 'prod') throw new ApiError('reserved_environment', 400, 'The prod environment cannot be deleted');
  if (row.id === callerEnvironmentId)
    throw new ApiError(
      'reserved_environment',
      400,
      'A key cannot delete its own environment; use a key of another environment',
    );
  await remove(row);
  // After the write, so no request of this isolate can re-remember the old row in between.
  forgetCachedKeys();
}

export async function updateEnvironment(
  db: Db,
  environment: EnvironmentRow,
  input: z.output<typeof updateEnvironmentBodySchema>,
  origin: string,
): Promise<Environment> {
  const webhookSettings = input.webhook_settings
    ? { ...parseWebhookSettings(environment.webhookSettings), ...input.webhook_settings }
    : undefined;
  const row = await store.updateEnvironmentRow(db, environment.id, {
    ...(input.callback_url !== undefined ? { callbackUrl: input.callback_url } : {}),
    ...(webhookSettings ? { webhookSettings } : {}),
  });
  forgetCachedKeys();
  if (!row) throw new ApiError('unknown_environment', 404, 'The environment no longer exists');
  return formatEnvironment(row, origin);
}

/** Replaces the webhook signing key; the new key is returned once and stored encrypted. */
export async function rotateWebhookSigningKey(
  db: Db,
  config: PierConfig,
  environment: EnvironmentRow,
): Promise<{ webhook_signing_key: string }> {
  const key = generateToken();
  await store.updateEnvironmentRow(db, environment.id, {
    webhookSigningKeyEnc: await sealJson(config, key, signingKeyContext(environment.uuid)),
  });
  return { webhook_signing_key: key };
}

async function requireEnvironment(db: Db, id: number): Promise<EnvironmentRow> {
  const row = await store.findEnvironmentById(db, id);
  if (!row) throw new ApiError('unknown_environment', 404, `No environment with id ${id}`);
  return row;
}

type Caller = { environmentId: number; scopes: readonly ApiKeyScope[] };

/** `account:*` reaches every environment, so it includes `environment:*`. */
function holdsScope(caller: Caller, scope: ApiKeyScope): boolean {
  return caller.scopes.includes(scope) || caller.scopes.includes('account:*');
}

/**
 * A caller manages keys of its own environment (any environment with `account:*`), and only keys
 * whose scopes it holds itself: granting, rotating (which hands over the new secret) or deleting a
 * key with more scopes than the caller's would widen what the caller can do.
 */
function authorizeKeyManagement(caller: Caller, environmentId: number, targetScopes: readonly ApiKeyScope[]): void {
  if (!caller.scopes.includes('account:*') && environmentId !== caller.environmentId)
    throw new ApiError('forbidden', 403, 'This key can only manage keys of its own environment');
  const beyond = targetScopes.filter((scope) => !holdsScope(caller, scope));
  if (beyond.length > 0)
    throw new ApiError(
      'forbidden',
      403,
      `Only a key with the ${beyond.join(', ')} scope can grant, rotate or delete a key that has it`,
    );
}

/** The key a rotation or deletion targets, once the caller may see its environment's keys at all. */
async function requireManagedKey(db: Db, caller: Caller, environmentId: number, keyId: number): Promise<ApiKeyRow> {
  authorizeKeyManagement(caller, environmentId, []);
  const row = await store.findKeyRow(db, environmentId, keyId);
  if (!row) throw new ApiError('unknown_api_key', 404, `No key ${keyId} in environment ${environmentId}`);
  authorizeKeyManagement(caller, environmentId, parseScopes(row.scopes));
  return row;
}

export async function listApiKeys(db: Db, caller: Caller, environmentId = caller.environmentId) {
  authorizeKeyManagement(caller, environmentId, []);
  await requireEnvironment(db, environmentId);
  return (await store.listKeyRows(db, environmentId)).map(formatApiKey);
}

export async function createApiKey(db: Db, caller: Caller, input: z.output<typeof createApiKeyBodySchema>) {
  const scopes = input.scopes ? [...new Set(input.scopes)] : (['environment:*'] as ApiKeyScope[]);
  authorizeKeyManagement(caller, input.environment_id, scopes);
  await requireEnvironment(db, input.environment_id);
  const secret = generateSecretKey();
  try {
    const row = await store.insertKey(db, {
      environmentId: input.environment_id,
      displayName: input.display_name,
      keyHash: await hashSecretKey(secret),
      prefix: displayPrefix(secret),
      scopes,
    });
    return { id: row.id, display_name: row.displayName, scopes, secret, created_at: row.createdAt };
  } catch (err) {
    if (isUniqueViolation(err))
      throw new ApiError(
        'duplicate_api_key',
        409,
        `A key named "${input.display_name}" already exists in this environment`,
      );
    throw err;
  }
}

/** Gives a key a new secret; the old secret stops working immediately. */
export async function rotateApiKey(db: Db, caller: Caller, environmentId: number, keyId: number) {
  await requireManagedKey(db, caller, environmentId, keyId);
  const secret = generateSecretKey();
  const row = await store.replaceKeyHash(db, environmentId, keyId, {
    keyHash: await hashSecretKey(secret),
    prefix: displayPrefix(secret),
  });
  forgetCachedKeys();
  if (!row) throw new ApiError('unknown_api_key', 404, `No key ${keyId} in environment ${environmentId}`);
  return {
    id: row.id,
    display_name: row.displayName,
    scopes: parseScopes(row.scopes),
    secret,
    created_at: row.createdAt,
  };
}

export async function deleteApiKey(db: Db, caller: Caller, environmentId: number, keyId: number): Promise<void> {
  const row = await requireManagedKey(db, caller, environmentId, keyId);
  if (parseScopes(row.scopes).includes('account:*') && (await store.countAccountKeys(db)) <= 1)
    throw new ApiError(
      'last_api_key',
      409,
      'This is the last key with the account:* scope; create another before deleting it',
    );
  await store.deleteKeyRow(db, row.id);
  forgetCachedKeys();
}
