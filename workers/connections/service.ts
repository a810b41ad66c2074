import type { z } from 'zod';
import { connectionStub } from '../../durable-objects/connection-name.js';
import type { TokenOutcome } from '../../durable-objects/connection-types.js';
import type {
  ConnectionFull,
  ConnectionSummary,
  importConnectionBodySchema,
  listConnectionsQuerySchema,
  patchConnectionBodySchema,
} from '../../sdk/contract/connections.js';
import type { ProviderDefinition } from '../../sdk/contract/provider-definition.js';
import type { ConnectionCredentials } from '../auth/credentials.js';
import { installationToken } from '../auth/renew.js';
import { revocationFor } from '../auth/revoke.js';
import type { PierConfig } from '../config.js';
import { type Db, nowIso } from '../db/client.js';
import type { ConnectionRow, EnvironmentRow, IntegrationRow } from '../db/schema.js';
import { runPreDeletion, schedulePostCreation, validateNewConnection } from '../functions/on-events.js';
import { ApiError, retryAfterHeader } from '../http/api-error.js';
import { readIntegrationCredentials } from '../integrations/service.js';
import { findIntegrationRow } from '../integrations/store.js';
import { allowsCustomHosts } from '../providers/provider-url.js';
import { findProvider } from '../providers/service.js';
import { configureConnectionSyncs } from '../syncs/service.js';
import { authEventFor, recordEvents } from '../webhooks/outbox.js';
import * as store from './store.js';

export type ConnectionScope = {
  db: Db;
  config: PierConfig;
  env: Env;
  environment: EnvironmentRow;
  /** The request's `waitUntil`, when there is one (work after the answer: log lines of on-event scripts). */
  waitUntil?: (promise: Promise<unknown>) => void;
};

type Resolved = { integration: IntegrationRow; provider: ProviderDefinition };

/** The integration by key, with its provider definition; 404 / 400 in the documented shape. */
export async function resolveIntegration(scope: ConnectionScope, integrationKey: string): Promise<Resolved> {
  const integration = await findIntegrationRow(scope.db, scope.environment.id, integrationKey);
  if (!integration)
    throw new ApiError('unknown_provider_config', 404, `No integration "${integrationKey}" in this environment`);
  const provider = await findProvider(scope.db, scope.environment.id, integration.provider);
  if (!provider)
    throw new ApiError(
      'unknown_provider',
      400,
      `The provider "${integration.provider}" of this integration no longer exists`,
    );
  return { integration, provider: provider.definition };
}

/** Validates connection-config values against the provider's declared fields (prefix stripped, pattern checked). */
export function validateConnectionConfig(
  provider: ProviderDefinition,
  values: Record<string, string>,
  options: { requireUserFields: boolean },
): Record<string, string> {
  const out: Record<string, string> = { ...values };
  const problems: { code: string; path: (string | number)[]; message: string }[] = [];
  for (const [name, field] of Object.entries(provider.connectionConfig)) {
    let value = out[name];
    if (value !== undefined) {
      value = value.trim();
      if (field.prefix && value.startsWith(field.prefix)) value = value.slice(field.prefix.length);
      if (field.suffix && value.endsWith(field.suffix)) value = value.slice(0, -field.suffix.length);
      out[name] = value;
    }
    if (value === undefined || value === '') {
      if (field.defaultValue !== undefined) out[name] = field.defaultValue;
      else if (options.requireUserFields && !field.optional && !field.automated)
        problems.push({ code: 'custom', path: ['connection_config', name], message: `${field.title} is required` });
      continue;
    }
    if (field.enum && !field.enum.includes(value))
      problems.push({
        code: 'custom',
        path: ['connection_config', name],
        message: `${field.title} must be one of ${field.enum.join(', ')}`,
      });
    else if (field.pattern && !new RegExp(field.pattern).test(value))
      problems.push({
        code: 'custom',
        path: ['connection_config', name],
        message: `${field.title} is not in the expected format`,
      });
  }
  if (problems.length > 0)
    throw new ApiError('invalid_connection_config', 400, problems[0]?.message ?? 'Invalid connection config', problems);
  return out;
}

/**
 * Creates or overrides a connection: the index row in D1, the credentials in the connection's
 * object, and an `auth` event in the outbox.
 */
export async function saveConnection(
  scope: ConnectionScope,
  input: {
    resolved: Resolved;
    connectionId: string;
    credentials: ConnectionCredentials;
    connectionConfig: Record<string, string>;
    metadata?: Record<string, unknown>;
    tags?: Record<string, string>;
    endUser?: Record<string, unknown> | null;
    webhookUrlOverride?: string | null;
  },
): Promise<{ row: ConnectionRow; created: boolean }> {
  const { integration, provider } = input.resolved;
  const expiresAt = 'expires_at' in input.credentials ? (input.credentials.expires_at ?? null) : null;
  const existing = await store.findConnectionRow(scope.db, scope.environment.id, integration.id, input.connectionId);
  const { row, created } = await store.upsertConnectionRow(
    scope.db,
    {
      environmentId: scope.environment.id,
      integrationId: integration.id,
      connectionId: input.connectionId,
      provider: integration.provider,
      authMode: provider.auth.mode,
      connectionConfig: JSON.stringify(input.connectionConfig),
      metadata: JSON.stringify(input.metadata ?? (existing ? JSON.parse(existing.metadata) : {})),
      tags: JSON.stringify(input.tags ?? (existing ? JSON.parse(existing.tags) : {})),
      endUser: input.endUser ? JSON.stringify(input.endUser) : (existing?.endUser ?? null),
      webhookUrlOverride: input.webhookUrlOverride ?? existing?.webhookUrlOverride ?? null,
      credentialsExpiresAt: expiresAt,
      lastFetchedAt: nowIso(),
    },
    existing,
  );
  const stored = await connectionStub(scope.env, {
    environmentId: scope.environment.id,
    integrationId: integration.id,
    connectionId: input.connectionId,
  }).store({
    ref: { environmentId: scope.environment.id, integrationId: integration.id, connectionId: input.connectionId },
    environmentUuid: scope.environment.uuid,
    credentials: input.credentials,
    refreshBufferSeconds: 'refreshBufferSeconds' in provider.auth ? provider.auth.refreshBufferSeconds : undefined,
  });
  if (!stored.ok) throw new Error('connection object is bound to another connection');
  if (created) {
    try {
      await validateNewConnection(scope, integration, row);
    } catch (err) {
      // Refused by the integration's own check: the new connection does not stay.
      await stubFor(scope, row).destroy();
      await store.deleteConnectionRow(scope.db, row.id);
      throw err;
    }
    await schedulePostCreation(scope, integration, row);
    await configureConnectionSyncs(scope, integration, row);
  }
  await recordEvents(scope, { environment: scope.environment, webhookUrlOverride: row.webhookUrlOverride }, [
    await authEventFor(scope.environment, integration.uniqueKey, row, created ? 'creation' : 'override'),
  ]);
  return { row, created };
}

function errorsOf(row: ConnectionRow): ConnectionSummary['errors'] {
  return row.authError ? [{ type: 'auth', log_id: String(row.authErrorEventId ?? '') }] : [];
}

function formatFull(row: ConnectionRow, integrationKey: string, credentials: Record<string, unknown>): ConnectionFull {
  return {
    id: row.id,
    connection_id: row.connectionId,
    provider_config_key: integrationKey,
    provider: row.provider,
    errors: errorsOf(row),
    end_user: row.endUser ? JSON.parse(row.endUser) : null,
    metadata: JSON.parse(row.metadata),
    connection_config: JSON.parse(row.connectionConfig),
    tags: JSON.parse(row.tags),
    created_at: row.createdAt,
    updated_at: row.updatedAt,
    last_fetched_at: row.lastFetchedAt,
    credentials,
  };
}

/**
 * Credentials as the reference API returns them (the stored shape minus internals). The refresh
 * token — at the top level and inside the provider's raw response — only when asked for.
 */
export function publicCredentials(
  credentials: ConnectionCredentials,
  options: { includeRefreshToken: boolean } = { includeRefreshToken: false },
): Record<string, unknown> {
  if (credentials.type === 'OAUTH2') {
    const { client_override, refresh_token, raw, ...rest } = credentials;
    const override = client_override ? { config_override: client_override } : {};
    if (options.includeRefreshToken) return { ...rest, ...(refresh_token ? { refresh_token } : {}), ...override, raw };
    const { refresh_token: _raw, ...rawWithout } = (raw ?? {}) as Record<string, unknown>;
    return { ...rest, ...override, raw: rawWithout };
  }
  if (credentials.type === 'JWT')
    return { type: 'JWT', token: credentials.token, expires_at: credentials.expires_at, ...credentials.fields };
  return credentials;
}

/** The integration (with its provider) and the connection's row; 404 `unknown_provider_config` / `unknown_connection`. */
export async function requireConnection(scope: ConnectionScope, connectionId: string, integrationKey: string) {
  const resolved = await resolveIntegration(scope, integrationKey);
  const row = await store.findConnectionRow(scope.db, scope.environment.id, resolved.integration.id, connectionId);
  if (!row)
    throw new ApiError(
      'unknown_connection',
      404,
      `No connection "${connectionId}" for integration "${integrationKey}"`,
    );
  return { ...resolved, row };
}

function stubFor(scope: ConnectionScope, row: ConnectionRow) {
  return connectionStub(scope.env, {
    environmentId: row.environmentId,
    integrationId: row.integrationId,
    connectionId: row.connectionId,
  });
}

/** 424 for credentials that cannot be had, with `Retry-After` when a later attempt may succeed. */
export function credentialsUnavailable(outcome: Extract<TokenOutcome, { ok: false }>): ApiError {
  return new ApiError(
    'connection_refresh_failed',
    424,
    outcome.message,
    undefined,
    outcome.retryAtMs ? retryAfterHeader(outcome.retryAtMs) : undefined,
  );
}

/** A connection with valid credentials; refreshes when needed or forced. 424 when they cannot be had. */
export async function getConnection(
  scope: ConnectionScope,
  connectionId: string,
  integrationKey: string,
  options: { forceRefresh: boolean; includeRefreshToken: boolean },
): Promise<ConnectionFull> {
  const { row } = await requireConnection(scope, connectionId, integrationKey);
  const outcome: TokenOutcome = await stubFor(scope, row).getToken({ force: options.forceRefresh });
  if (!outcome.ok) throw credentialsUnavailable(outcome);
  // A refresh may have updated the row (expiry, token-response metadata).
  const fresh = outcome.refreshed
    ? ((await store.findConnectionRow(scope.db, scope.environment.id, row.integrationId, connectionId)) ?? row)
    : row;
  return formatFull(fresh, integrationKey, publicCredentials(outcome.credentials, options));
}

export async function listConnections(
  scope: ConnectionScope,
  query: z.output<typeof listConnectionsQuerySchema>,
  tags: Record<string, string>,
): Promise<ConnectionSummary[]> {
  const rows = await store.listConnectionRows(scope.db, scope.environment.id, {
    connectionId: query.connectionId,
    search: query.search,
    integrationKeys: query.integrationId,
    endUserId: query.endUserId,
    endUserOrganizationId: query.endUserOrganizationId,
    tags,
    limit: query.limit,
    page: query.page,
  });
  return rows.map((row) => ({
    id: row.id,
    connection_id: row.connectionId,
    provider: row.provider,
    provider_config_key: row.integrationKey,
    created: row.createdAt,
    metadata: JSON.parse(row.metadata),
    tags: JSON.parse(row.tags),
    errors: errorsOf(row),
    end_user: row.endUser ? JSON.parse(row.endUser) : null,
  }));
}

/** `POST /connections`: imports credentials obtained elsewhere (e.g. a migration from another platform). */
export async function importConnection(
  scope: ConnectionScope,
  body: z.output<typeof importConnectionBodySchema>,
): Promise<ConnectionFull> {
  const resolved = await resolveIntegration(scope, body.provider_config_key);
  const mode = resolved.provider.auth.mode;
  const wanted = body.credentials.type === 'APP' ? 'APP' : body.credentials.type;
  if (wanted !== mode)
    throw new ApiError(
      'wrong_auth_mode',
      400,
      `Integration "${body.provider_config_key}" uses ${mode}; credentials of type ${wanted} do not fit`,
      [{ code: 'custom', path: ['credentials', 'type'], message: `must be ${mode}` }],
    );
  const connectionConfig = validateConnectionConfig(resolved.provider, body.connection_config ?? {}, {
    requireUserFields: false,
  });
  const credentials = await credentialsFromImport(scope, resolved, body.credentials, connectionConfig);
  const connectionId = body.connection_id ?? crypto.randomUUID();
  const { row } = await saveConnection(scope, {
    resolved,
    connectionId,
    credentials,
    connectionConfig,
    metadata: body.metadata,
    tags: body.tags,
    endUser: body.end_user ?? null,
  });
  return formatFull(row, resolved.integration.uniqueKey, publicCredentials(credentials));
}

async function credentialsFromImport(
  scope: ConnectionScope,
  resolved: Resolved,
  input: z.output<typeof importConnectionBodySchema>['credentials'],
  connectionConfig: Record<string, string>,
): Promise<ConnectionCredentials> {
  switch (input.type) {
    case 'OAUTH2':
      return {
        type: 'OAUTH2',
        access_token: input.access_token,
        refresh_token: input.refresh_token,
        expires_at: input.expires_at,
        raw: input.raw ?? {},
        ...(input.config_override ? { client_override: input.config_override } : {}),
      };
    case 'OAUTH2_CC':
      return {
        type: 'OAUTH2_CC',
        token: input.token ?? '',
        client_id: input.client_id,
        client_secret: input.client_secret,
        // Without a token, an expired one forces a fetch on first use.
        expires_at: input.token ? input.expires_at : new Date(0).toISOString(),
        raw: {},
      };
    case 'OAUTH1':
      return { type: 'OAUTH1', oauth_token: input.oauth_token, oauth_token_secret: input.oauth_token_secret, raw: {} };
    case 'API_KEY':
      return { type: 'API_KEY', apiKey: input.apiKey };
    case 'BASIC':
      return { type: 'BASIC', username: input.username, password: input.password };
    case 'NONE':
      return { type: 'NONE' };
    case 'APP': {
      connectionConfig.installation_id = input.installation_id;
      const result = await installationToken({
        provider: resolved.provider,
        integrationCredentials: await readIntegrationCredentials(scope.config, scope.environment, resolved.integration),
        connectionConfig,
        mode: scope.config.mode,
        allowCustomHosts: allowsCustomHosts(resolved.integration.integrationConfig),
        nowMs: Date.now(),
      });
      if (!result.ok)
        throw new ApiError('connection_test_failed', 424, `Could not get an installation token: ${result.message}`);
      return result.credentials;
    }
  }
}

export async function patchConnection(
  scope: ConnectionScope,
  connectionId: string,
  integrationKey: string,
  body: z.output<typeof patchConnectionBodySchema>,
): Promise<void> {
  const { row } = await requireConnection(scope, connectionId, integrationKey);
  await store.updateConnectionRow(scope.db, row.id, {
    ...(body.tags ? { tags: JSON.stringify(body.tags) } : {}),
    ...(body.end_user ? { endUser: JSON.stringify(body.end_user) } : {}),
    ...(body.webhook_url_override !== undefined ? { webhookUrlOverride: body.webhook_url_override || null } : {}),
  });
}

/** Deletes a connection: revokes the grant at the provider when it supports revocation, then forgets it. */
export async function deleteConnection(
  scope: ConnectionScope,
  connectionId: string,
  integrationKey: string,
): Promise<void> {
  const { row, provider, integration } = await requireConnection(scope, connectionId, integrationKey);
  const revocation = revocationFor({
    provider,
    integrationCredentials: await readIntegrationCredentials(scope.config, scope.environment, integration),
    connectionConfig: JSON.parse(row.connectionConfig),
    mode: scope.config.mode,
    allowCustomHosts: allowsCustomHosts(integration.integrationConfig),
  });
  await runPreDeletion(scope, integration, row);
  await stubFor(scope, row).tearDown(revocation ? { revocation } : {});
  await store.deleteConnectionRow(scope.db, row.id);
}

/** Replaces (`merge: false`) or merges metadata of one or more connections. */
export async function setMetadata(
  scope: ConnectionScope,
  input: { connectionIds: string[]; integrationKey: string; metadata: Record<string, unknown>; merge: boolean },
): Promise<void> {
  const resolved = await resolveIntegration(scope, input.integrationKey);
  const rows = await store.findConnectionsByIds(
    scope.db,
    scope.environment.id,
    resolved.integration.id,
    input.connectionIds,
  );
  const missing = input.connectionIds.filter((id) => !rows.some((r) => r.connectionId === id));
  if (missing.length > 0)
    throw new ApiError(
      'unknown_connection',
      404,
      `No connection ${missing.map((m) => `"${m}"`).join(', ')} for integration "${input.integrationKey}"`,
    );
  for (const row of rows) {
    const metadata = input.merge ? { ...JSON.parse(row.metadata), ...input.metadata } : input.metadata;
    await store.updateConnectionRow(scope.db, row.id, { metadata: JSON.stringify(metadata) });
  }
}
