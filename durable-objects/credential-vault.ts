/**
 * The credentials capability of the ConnectionObject: stores sealed credentials, hands out valid
 * ones (refreshed first when inside the expiry buffer, one upstream refresh at a time however many
 * callers), and reports the refresh bookkeeping. Sealing binds every value to this connection's name.
 */
import {
  accessTokenOf,
  type ConnectionCredentials,
  credentialsExpiryMs,
  isRenewable,
} from '../workers/auth/credentials.js';
import { readConfig } from '../workers/config.js';
import { needsReseal, openJson, sealJson } from '../workers/crypto/secret-box.js';
import { connectionObjectName } from './connection-name.js';
import {
  type CredentialsRow,
  readCredentials,
  readMeta,
  resealCredentials,
  writeCredentials,
  writeMeta,
} from './connection-storage.js';
import type { ConnectionRef, CredentialsState, TokenOutcome } from './connection-types.js';
import { failureMessage, refreshStoredCredentials } from './credential-refresh.js';
import { DEFAULT_REFRESH_BUFFER_SECONDS, decideRefresh } from './token-policy.js';

export type StoreInput = {
  ref: ConnectionRef;
  environmentUuid: string;
  credentials: ConnectionCredentials;
  refreshBufferSeconds?: number;
};

export class CredentialVault {
  /** The refresh in flight, shared by every caller that arrives while it runs. */
  #inflight: Promise<TokenOutcome> | undefined;

  constructor(
    readonly sql: SqlStorage,
    readonly env: Env,
    /** Re-arms the object's one alarm after the refresh schedule changed. */
    readonly scheduleAlarm: () => Promise<void>,
  ) {}

  /** Stores new credentials (a fresh connection or a re-authorisation), clearing past failures. */
  async store(
    input: StoreInput,
  ): Promise<{ ok: true; expiresAtMs: number | null } | { ok: false; reason: 'bound_to_other_connection' }> {
    const name = connectionObjectName(input.ref);
    const existing = readMeta(this.sql, 'name');
    if (existing && existing !== name) return { ok: false, reason: 'bound_to_other_connection' };
    writeMeta(this.sql, 'name', name);
    writeMeta(this.sql, 'ref', JSON.stringify(input.ref));
    writeMeta(this.sql, 'environment_uuid', input.environmentUuid);
    writeMeta(this.sql, 'refresh_buffer_seconds', String(input.refreshBufferSeconds ?? DEFAULT_REFRESH_BUFFER_SECONDS));
    const expiresAtMs = credentialsExpiryMs(input.credentials);
    writeCredentials(this.sql, {
      sealed: await this.#seal(input.credentials),
      expiresAtMs,
      renewable: isRenewable(input.credentials),
      refreshedAtMs: Date.now(),
      countRefresh: false,
    });
    await this.scheduleAlarm();
    return { ok: true, expiresAtMs };
  }

  /** Valid credentials, refreshed first when inside the expiry buffer (or when `force`). */
  async getToken(options: { force?: boolean; staleAccessToken?: string } = {}): Promise<TokenOutcome> {
    const row = readCredentials(this.sql);
    if (!row) return { ok: false, reason: 'no_credentials', message: 'This connection has no credentials' };
    let force = options.force ?? false;
    // "The provider refused this token": refresh only if it is still the current one, so a burst of
    // 401s from calls made with the same old token leads to one refresh, not one each.
    if (options.staleAccessToken !== undefined) {
      if (this.#inflight) return this.#inflight;
      const current = await this.#open(row.sealed);
      force = accessTokenOf(current) === options.staleAccessToken;
    }
    const decision = decideRefresh(row, Date.now(), this.bufferSeconds(), force);
    switch (decision.action) {
      case 'use': {
        const config = readConfig(this.env);
        const credentials = await this.#open(row.sealed, config);
        // After a key rotation, values sealed with an older key are re-sealed with the active one.
        if (needsReseal(config, row.sealed)) resealCredentials(this.sql, await this.#seal(credentials, config));
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
        this.#inflight ??= refreshStoredCredentials({
          sql: this.sql,
          env: this.env,
          seal: (credentials) => this.#seal(credentials),
          open: (sealed) => this.#open(sealed),
          scheduleAlarm: this.scheduleAlarm,
        }).finally(() => {
          this.#inflight = undefined;
        });
        return this.#inflight;
    }
  }

  /** The stored credentials as they are (no refresh), or none. */
  async current(): Promise<ConnectionCredentials | undefined> {
    const row = readCredentials(this.sql);
    return row ? this.#open(row.sealed) : undefined;
  }

  /** The stored row's bookkeeping (no secrets), or none. */
  row(): CredentialsRow | undefined {
    return readCredentials(this.sql);
  }

  /** The refresh bookkeeping, without secrets: for status, logs and tests. */
  state(alarmAtMs: number | null): CredentialsState {
    const row = readCredentials(this.sql);
    return {
      hasCredentials: Boolean(row),
      expiresAtMs: row?.expiresAtMs ?? null,
      renewable: row?.hasRefreshToken ?? false,
      failures: row?.failures ?? 0,
      cooldownUntilMs: row?.cooldownUntilMs ?? null,
      needsReauth: row?.needsReauth ?? false,
      lastError: row?.lastError ?? null,
      refreshCount: row?.refreshCount ?? 0,
      alarmAtMs,
    };
  }

  bufferSeconds(): number {
    return Number(readMeta(this.sql, 'refresh_buffer_seconds') ?? DEFAULT_REFRESH_BUFFER_SECONDS);
  }

  #context(): string {
    return `connection:${readMeta(this.sql, 'name') ?? ''}:credentials`;
  }

  async #seal(credentials: ConnectionCredentials, config = readConfig(this.env)): Promise<string> {
    return sealJson(config, credentials, this.#context());
  }

  async #open(sealed: string, config = readConfig(this.env)): Promise<ConnectionCredentials> {
    return openJson<ConnectionCredentials>(config, sealed, this.#context());
  }
}
