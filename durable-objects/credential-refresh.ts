import { type ConnectionCredentials, credentialsExpiryMs, isRenewable } from '../workers/auth/credentials.js';
import { renewCredentials } from '../workers/auth/renew.js';
import { readConfig } from '../workers/config.js';
import { findConnectionRow, updateConnectionRow } from '../workers/connections/store.js';
import { nowIso, openDb } from '../workers/db/client.js';
import { findEnvironmentById } from '../workers/environments/store.js';
import { readIntegrationCredentials } from '../workers/integrations/service.js';
import { findIntegrationById } from '../workers/integrations/store.js';
import { recordOperation } from '../workers/logs/service.js';
import { allowsCustomHosts } from '../workers/providers/provider-url.js';
import { findProvider } from '../workers/providers/service.js';
import { recordEvents } from '../workers/webhooks/outbox.js';
import { readCredentials, readMeta, recordFailure, writeCredentials } from './connection-storage.js';
import type { ConnectionRef, TokenOutcome } from './connection-types.js';
import { classifyRefreshFailure, cooldownAfterFailure } from './token-policy.js';

/** What the refresh needs of the ConnectionObject: its storage, bindings, sealing and alarm. */
export type RefreshContext = {
  sql: SqlStorage;
  env: Env;
  seal(credentials: ConnectionCredentials): Promise<string>;
  open(sealed: string): Promise<ConnectionCredentials>;
  scheduleAlarm(): Promise<void>;
};

/**
 * The credentials capability's one upstream call: renews the stored credentials (refresh-token
 * grant, client credentials, installation token or re-signed JWT), stores the result before anyone
 * sees it, and records failures (cooldown, or needs-reauth with an auth event) and a log line. The
 * ConnectionObject makes sure only one runs at a time.
 */
export async function refreshStoredCredentials(ctx: RefreshContext): Promise<TokenOutcome> {
  const sql = ctx.sql;
  const row = readCredentials(sql);
  const refText = readMeta(sql, 'ref');
  const environmentUuid = readMeta(sql, 'environment_uuid');
  if (!row || !refText || !environmentUuid)
    return { ok: false, reason: 'no_credentials', message: 'This connection has no credentials' };
  const ref = JSON.parse(refText) as ConnectionRef;
  const config = readConfig(ctx.env);
  const db = openDb(ctx.env.DB);
  const [integration, connection] = await Promise.all([
    findIntegrationById(db, ref.integrationId),
    findConnectionRow(db, ref.environmentId, ref.integrationId, ref.connectionId),
  ]);
  const provider = integration ? await findProvider(db, ref.environmentId, integration.provider) : undefined;
  if (!integration || !connection || !provider)
    return { ok: false, reason: 'refresh_failed', message: 'The integration or its provider no longer exists' };
  const current = await ctx.open(row.sealed);
  const connectionConfig = JSON.parse(connection.connectionConfig) as Record<string, string>;
  const now = Date.now();
  const result = await renewCredentials({
    provider: provider.definition,
    integrationCredentials: await readIntegrationCredentials(config, { uuid: environmentUuid }, integration),
    connectionConfig,
    credentials: current,
    mode: config.mode,
    allowCustomHosts: allowsCustomHosts(integration.integrationConfig),
    nowMs: now,
  });

  if (result.ok) {
    // Stored before any caller sees the result, so a rotated refresh token is never used twice.
    const expiresAtMs = credentialsExpiryMs(result.credentials);
    writeCredentials(sql, {
      sealed: await ctx.seal(result.credentials),
      expiresAtMs,
      renewable: isRenewable(result.credentials),
      refreshedAtMs: now,
      countRefresh: true,
    });
    await updateConnectionRow(db, connection.id, {
      credentialsExpiresAt: expiresAtMs ? new Date(expiresAtMs).toISOString() : null,
      connectionConfig: JSON.stringify({ ...connectionConfig, ...result.connectionConfig }),
      authError: null,
      authErrorEventId: null,
      lastFetchedAt: nowIso(),
    });
    await ctx.scheduleAlarm();
    await logRefresh(db, ref, integration, { startedMs: now, ok: true, message: 'Token refreshed' });
    return { ok: true, credentials: result.credentials, refreshed: true };
  }

  const failures = row.failures + 1;
  const permanent = classifyRefreshFailure(result) === 'permanent';
  const message = `Token refresh failed: ${result.message}`;
  recordFailure(sql, {
    failures,
    cooldownUntilMs: permanent ? null : cooldownAfterFailure(failures, now),
    needsReauth: permanent,
    error: message,
  });
  if (permanent) {
    const environment = await findEnvironmentById(db, ref.environmentId);
    const [recorded] = environment
      ? await recordEvents({ db, env: ctx.env }, { environment, webhookUrlOverride: connection.webhookUrlOverride }, [
          {
            type: 'auth',
            trigger: 'auth_refresh_error',
            connectionId: ref.connectionId,
            integrationKey: integration.uniqueKey,
            body: {
              from: 'nango',
              type: 'auth',
              operation: 'refresh',
              connectionId: ref.connectionId,
              providerConfigKey: integration.uniqueKey,
              provider: integration.provider,
              authMode: provider.definition.auth.mode,
              environment: environment.name,
              success: false,
              error: { type: result.oauthError ?? 'refresh_token_rejected', description: message },
            },
          },
        ])
      : [];
    const eventId = recorded?.outboxId ?? 0;
    await updateConnectionRow(db, connection.id, { authError: message, authErrorEventId: eventId });
  }
  await ctx.scheduleAlarm();
  await logRefresh(db, ref, integration, {
    startedMs: now,
    ok: false,
    status: result.status,
    code: permanent ? 'needs_reauth' : 'refresh_failed',
    message,
  });
  return {
    ok: false,
    reason: permanent ? 'needs_reauth' : 'refresh_failed',
    message,
    ...(permanent ? {} : { retryAtMs: cooldownAfterFailure(failures, now) }),
  };
}

/** A token refresh is an operation too: its outcome goes to the operations log (never the tokens). */
async function logRefresh(
  db: ReturnType<typeof openDb>,
  ref: ConnectionRef,
  integration: { uniqueKey: string; provider: string },
  outcome: { startedMs: number; ok: boolean; status?: number; code?: string; message: string },
): Promise<void> {
  await recordOperation(db, {
    environmentId: ref.environmentId,
    type: 'auth',
    outcome: outcome.ok ? 'success' : 'failure',
    connectionId: ref.connectionId,
    integrationKey: integration.uniqueKey,
    provider: integration.provider,
    method: null,
    path: 'token refresh',
    status: outcome.status ?? null,
    durationMs: Date.now() - outcome.startedMs,
    retries: 0,
    bytes: null,
    errorCode: outcome.code ?? null,
    message: outcome.message,
    requestId: null,
    createdAt: new Date(outcome.startedMs).toISOString(),
  });
}

export function failureMessage(reason: string): string {
  switch (reason) {
    case 'needs_reauth':
      return 'The provider rejected the refresh token; the user must reconnect';
    case 'cooling_down':
      return 'A recent refresh failed; retrying after a cooldown';
    default:
      return 'The access token expired and cannot be refreshed; the user must reconnect';
  }
}
