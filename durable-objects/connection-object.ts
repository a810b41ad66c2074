import { DurableObject } from 'cloudflare:workers';
import {
  accessTokenOf,
  type ConnectionCredentials,
  credentialsExpiryMs,
  isRenewable,
} from '../workers/auth/credentials.js';
import { renewCredentials } from '../workers/auth/renew.js';
import { type Revocation, type RevocationOutcome, revokeGrant } from '../workers/auth/revoke.js';
import { readConfig } from '../workers/config.js';
import { findConnectionRow, updateConnectionRow } from '../workers/connections/store.js';
import { needsReseal, openJson, sealJson } from '../workers/crypto/secret-box.js';
import { nowIso, openDb } from '../workers/db/client.js';
import { findEnvironmentById } from '../workers/environments/store.js';
import { recordAuthEvent } from '../workers/events/outbox.js';
import { readIntegrationCredentials } from '../workers/integrations/service.js';
import { findIntegrationById } from '../workers/integrations/store.js';
import { recordOperation } from '../workers/logs/service.js';
import { allowsCustomHosts } from '../workers/providers/provider-url.js';
import { findProvider } from '../workers/providers/service.js';
import { connectionObjectName } from './connection-name.js';
import {
  clearAll,
  migrate,
  readCredentials,
  readMeta,
  readRateLimit,
  recordFailure,
  resealCredentials,
  writeCredentials,
  writeMeta,
  writeRateLimit,
} from './connection-storage.js';
import { admit, observe, type RateLimitState } from './rate-limit-policy.js';
import {
  classifyRefreshFailure,
  cooldownAfterFailure,
  DEFAULT_REFRESH_BUFFER_SECONDS,
  decideRefresh,
  EXISTENCE_CHECK_INTERVAL_MS,
  KEEP_ALIVE_INTERVAL_MS,
  nextRefreshAtMs,
} from './token-policy.js';

export type ConnectionRef = { environmentId: number; integrationId: number; connectionId: string };

export type TokenOutcome =
  | { ok: true; credentials: ConnectionCredentials; refreshed: boolean }
  | {
      ok: false;
      reason: 'no_credentials' | 'needs_reauth' | 'cooling_down' | 'expired_without_refresh_token' | 'refresh_failed';
      message: string;
      retryAtMs?: number;
    };

/** What the provider said about the rate limit in one response (see workers/proxy/retry-policy.ts). */
export type RateLimitObservation = {
  status: number;
  remaining: number | null;
  resetAtMs: number | null;
  retryAtMs: number | null;
};

export type CallPermit = { ok: true; token: TokenOutcome } | { ok: false; reason: 'rate_limited'; retryAtMs: number };

export type CredentialsState = {
  hasCredentials: boolean;
  expiresAtMs: number | null;
  renewable: boolean;
  failures: number;
  cooldownUntilMs: number | null;
  needsReauth: boolean;
  lastError: string | null;
  refreshCount: number;
  alarmAtMs: number | null;
};

/**
 * One object per connection: the single writer for its credentials. It refreshes tokens (one
 * upstream refresh at a time, however many callers), proactively by alarm before expiry and as a
 * keep-alive, backs off after failures and marks the connection for re-authorisation when the
 * provider rejects the grant. See README.md beside this file for tables and alarm semantics.
 */
export class ConnectionObject extends DurableObject<Env> {
  /** The refresh in flight, shared by every caller that arrives while it runs. */
  #inflight: Promise<TokenOutcome> | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    migrate(ctx.storage.sql);
  }

  /**
   * Stores new credentials (a fresh connection or a re-authorisation), clearing past failures.
   *
   * @example await stub.store({ ref, credentials: { type: 'API_KEY', apiKey: 'sk' }, refreshBufferSeconds: 900 })
   */
  async store(input: {
    ref: ConnectionRef;
    environmentUuid: string;
    credentials: ConnectionCredentials;
    refreshBufferSeconds?: number;
  }): Promise<{ ok: true; expiresAtMs: number | null } | { ok: false; reason: 'bound_to_other_connection' }> {
    const sql = this.ctx.storage.sql;
    const name = connectionObjectName(input.ref);
    const existing = readMeta(sql, 'name');
    if (existing && existing !== name) return { ok: false, reason: 'bound_to_other_connection' };
    writeMeta(sql, 'name', name);
    writeMeta(sql, 'ref', JSON.stringify(input.ref));
    writeMeta(sql, 'environment_uuid', input.environmentUuid);
    writeMeta(sql, 'refresh_buffer_seconds', String(input.refreshBufferSeconds ?? DEFAULT_REFRESH_BUFFER_SECONDS));
    const expiresAtMs = credentialsExpiryMs(input.credentials);
    writeCredentials(sql, {
      sealed: await this.#seal(input.credentials),
      expiresAtMs,
      renewable: isRenewable(input.credentials),
      refreshedAtMs: Date.now(),
      countRefresh: false,
    });
    await this.#scheduleAlarm();
    return { ok: true, expiresAtMs };
  }

  /**
   * Valid credentials, refreshed first when inside the expiry buffer (or when `force`).
   * Concurrent callers share one upstream refresh.
   *
   * @example const result = await stub.getToken({ force: false }); if (result.ok) use(result.credentials)
   */
  async getToken(options: { force?: boolean; staleAccessToken?: string } = {}): Promise<TokenOutcome> {
    const row = readCredentials(this.ctx.storage.sql);
    if (!row) return { ok: false, reason: 'no_credentials', message: 'This connection has no credentials' };
    let force = options.force ?? false;
    // "The provider refused this token": refresh only if it is still the current one, so a burst of
    // 401s from calls made with the same old token leads to one refresh, not one each.
    if (options.staleAccessToken !== undefined) {
      if (this.#inflight) return this.#inflight;
      const current = await this.#open(row.sealed);
      force = accessTokenOf(current) === options.staleAccessToken;
    }
    const decision = decideRefresh(row, Date.now(), this.#bufferSeconds(), force);
    switch (decision.action) {
      case 'use': {
        const config = readConfig(this.env);
        const credentials = await this.#open(row.sealed, config);
        // After a key rotation, values sealed with an older key are re-sealed with the active one.
        if (needsReseal(config, row.sealed))
          resealCredentials(this.ctx.storage.sql, await this.#seal(credentials, config));
        return { ok: true, credentials, refreshed: false };
      }
      case 'fail':
        return {
          ok: false,
          reason: decision.reason,
          message: row.lastError ?? failureMessage(decision.reason),
          ...(decision.retryAtMs ? { retryAtMs: decision.retryAtMs } : {}),
        };
      case 'refresh':
        this.#inflight ??= this.#refresh().finally(() => {
          this.#inflight = undefined;
        });
        return this.#inflight;
    }
  }

  /**
   * One call to the provider wants to go out: admitted against the connection's rate-limit budget
   * and given valid credentials, in one round trip. Not admitted: when to come back.
   *
   * @example const permit = await stub.beginCall(); if (permit.ok && permit.token.ok) send(permit.token.credentials)
   */
  async beginCall(): Promise<CallPermit> {
    const admission = this.#admit();
    if (!admission.ok) return admission;
    return { ok: true, token: await this.getToken() };
  }

  /** A retry of a call already begun: only the rate-limit budget is consulted. */
  async admitRetry(): Promise<{ ok: true } | { ok: false; reason: 'rate_limited'; retryAtMs: number }> {
    return this.#admit();
  }

  /** Learns the provider's rate-limit state from one of its responses; shared by every caller of this connection. */
  async observeRateLimit(observation: RateLimitObservation): Promise<RateLimitState> {
    const sql = this.ctx.storage.sql;
    const next = observe(readRateLimit(sql), observation, Date.now());
    writeRateLimit(sql, next);
    return next;
  }

  async readRateLimit(): Promise<RateLimitState> {
    return readRateLimit(this.ctx.storage.sql);
  }

  #admit(): { ok: true } | { ok: false; reason: 'rate_limited'; retryAtMs: number } {
    const sql = this.ctx.storage.sql;
    const before = readRateLimit(sql);
    const result = admit(before, Date.now());
    if (result.state !== before) writeRateLimit(sql, result.state);
    return result.ok ? { ok: true } : { ok: false, reason: 'rate_limited', retryAtMs: result.retryAtMs };
  }

  /** The refresh bookkeeping, without secrets: for status, logs and tests. */
  async readState(): Promise<CredentialsState> {
    const row = readCredentials(this.ctx.storage.sql);
    return {
      hasCredentials: Boolean(row),
      expiresAtMs: row?.expiresAtMs ?? null,
      renewable: row?.hasRefreshToken ?? false,
      failures: row?.failures ?? 0,
      cooldownUntilMs: row?.cooldownUntilMs ?? null,
      needsReauth: row?.needsReauth ?? false,
      lastError: row?.lastError ?? null,
      refreshCount: row?.refreshCount ?? 0,
      alarmAtMs: await this.ctx.storage.getAlarm(),
    };
  }

  /** Forgets everything: credentials, identity and the alarm. */
  async destroy(): Promise<void> {
    await this.ctx.storage.deleteAlarm();
    clearAll(this.ctx.storage.sql);
  }

  /**
   * Ends the connection: revokes its grant at the provider when told where (best effort, with the
   * stored token as it is — no refresh first), then forgets everything. Reports the provider's
   * answer, never a token.
   *
   * @example await stub.tearDown({ revocation: { url, clientId, clientSecret } }) // { revoked: true, status: 200 }
   */
  async tearDown(input: { revocation?: Revocation } = {}): Promise<RevocationOutcome> {
    const row = readCredentials(this.ctx.storage.sql);
    const outcome: RevocationOutcome = !row
      ? { revoked: false, reason: 'no_token' }
      : input.revocation
        ? await revokeGrant(input.revocation, await this.#open(row.sealed))
        : { revoked: false, reason: 'not_supported' };
    await this.destroy();
    return outcome;
  }

  /**
   * Proactive refresh before expiry, the keep-alive refresh for tokens left unused, and the sweep:
   * an object whose connection row is gone (its integration or environment was deleted and the
   * teardown never reached it) erases itself.
   */
  override async alarm(): Promise<void> {
    const row = readCredentials(this.ctx.storage.sql);
    if (!row) return;
    if (await this.#isOrphaned()) {
      await this.destroy();
      return;
    }
    const now = Date.now();
    const keepAliveDue = row.lastRefreshAtMs !== null && now - row.lastRefreshAtMs >= KEEP_ALIVE_INTERVAL_MS;
    const decision = decideRefresh(row, now, this.#bufferSeconds(), keepAliveDue);
    if (decision.action === 'refresh') await this.getToken({ force: true });
    else await this.#scheduleAlarm();
  }

  async #refresh(): Promise<TokenOutcome> {
    const sql = this.ctx.storage.sql;
    const row = readCredentials(sql);
    const refText = readMeta(sql, 'ref');
    const environmentUuid = readMeta(sql, 'environment_uuid');
    if (!row || !refText || !environmentUuid)
      return { ok: false, reason: 'no_credentials', message: 'This connection has no credentials' };
    const ref = JSON.parse(refText) as ConnectionRef;
    const config = readConfig(this.env);
    const db = openDb(this.env.DB);
    const [integration, connection] = await Promise.all([
      findIntegrationById(db, ref.integrationId),
      findConnectionRow(db, ref.environmentId, ref.integrationId, ref.connectionId),
    ]);
    const provider = integration ? await findProvider(db, ref.environmentId, integration.provider) : undefined;
    if (!integration || !connection || !provider)
      return { ok: false, reason: 'refresh_failed', message: 'The integration or its provider no longer exists' };
    const current = await this.#open(row.sealed);
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
        sealed: await this.#seal(result.credentials),
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
      await this.#scheduleAlarm();
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
      const eventId = await recordAuthEvent(db, ref.environmentId, {
        from: 'pier',
        type: 'auth',
        operation: 'refresh',
        connectionId: ref.connectionId,
        providerConfigKey: integration.uniqueKey,
        provider: integration.provider,
        authMode: provider.definition.auth.mode,
        environment: environment?.name ?? '',
        success: false,
        error: { type: result.oauthError ?? 'refresh_token_rejected', description: message },
      });
      await updateConnectionRow(db, connection.id, { authError: message, authErrorEventId: eventId });
    }
    await this.#scheduleAlarm();
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

  /** Every object that holds credentials has an alarm: the next refresh, or at least the existence check. */
  async #scheduleAlarm(): Promise<void> {
    const row = readCredentials(this.ctx.storage.sql);
    if (!row) return this.ctx.storage.deleteAlarm();
    const now = Date.now();
    await this.ctx.storage.setAlarm(
      Math.min(
        nextRefreshAtMs(row, now, this.#bufferSeconds()) ?? Number.POSITIVE_INFINITY,
        now + EXISTENCE_CHECK_INTERVAL_MS,
      ),
    );
  }

  /** No connection row in D1 for this object's connection (a D1 failure throws, so the alarm is retried). */
  async #isOrphaned(): Promise<boolean> {
    const refText = readMeta(this.ctx.storage.sql, 'ref');
    if (!refText) return true;
    const ref = JSON.parse(refText) as ConnectionRef;
    const row = await findConnectionRow(openDb(this.env.DB), ref.environmentId, ref.integrationId, ref.connectionId);
    return !row;
  }

  #bufferSeconds(): number {
    return Number(readMeta(this.ctx.storage.sql, 'refresh_buffer_seconds') ?? DEFAULT_REFRESH_BUFFER_SECONDS);
  }

  #context(): string {
    return `connection:${readMeta(this.ctx.storage.sql, 'name') ?? ''}:credentials`;
  }

  async #seal(credentials: ConnectionCredentials, config = readConfig(this.env)): Promise<string> {
    return sealJson(config, credentials, this.#context());
  }

  async #open(sealed: string, config = readConfig(this.env)): Promise<ConnectionCredentials> {
    return openJson<ConnectionCredentials>(config, sealed, this.#context());
  }
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

function failureMessage(reason: string): string {
  switch (reason) {
    case 'needs_reauth':
      return 'The provider rejected the refresh token; the user must reconnect';
    case 'cooling_down':
      return 'A recent refresh failed; retrying after a cooldown';
    default:
      return 'The access token expired and cannot be refreshed; the user must reconnect';
  }
}
