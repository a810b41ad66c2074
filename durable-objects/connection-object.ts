import { DurableObject } from 'cloudflare:workers';
import {
  accessTokenOf,
  type ConnectionCredentials,
  credentialsExpiryMs,
  isRenewable,
} from '../workers/auth/credentials.js';
import { type Revocation, type RevocationOutcome, revokeGrant } from '../workers/auth/revoke.js';
import { readConfig } from '../workers/config.js';
import { findConnectionRow } from '../workers/connections/store.js';
import { needsReseal, openJson, sealJson } from '../workers/crypto/secret-box.js';
import { openDb } from '../workers/db/client.js';
import type { RecordsEnv } from '../workers/records/shards.js';
import { connectionObjectName } from './connection-name.js';
import {
  clearAll,
  migrate,
  nextTaskAtMs,
  readCredentials,
  readMeta,
  readRateLimit,
  resealCredentials,
  type Task,
  upsertTask,
  writeCredentials,
  writeMeta,
  writeRateLimit,
} from './connection-storage.js';
import type {
  CallPermit,
  ConnectionRef,
  CredentialsState,
  RateLimitObservation,
  TokenOutcome,
} from './connection-types.js';
import { failureMessage, refreshStoredCredentials } from './credential-refresh.js';
import { admit, observe, type RateLimitState } from './rate-limit-policy.js';
import { type ModelCounts, RecordWriter, type WriteInput, type WriteResult } from './record-writer.js';
import { type SyncRow, SyncSchedule } from './sync-schedule.js';
import {
  addSyncVariant,
  configureSyncs,
  controlSync,
  type DeployedSync,
  removeSyncVariant,
  type SyncControl,
  type SyncDeps,
  setSyncFrequency,
} from './sync-tasks.js';
import { runDueTasks } from './task-runner.js';
import {
  DEFAULT_REFRESH_BUFFER_SECONDS,
  decideRefresh,
  EXISTENCE_CHECK_INTERVAL_MS,
  KEEP_ALIVE_INTERVAL_MS,
  nextRefreshAtMs,
} from './token-policy.js';

/**
 * One object per connection: the single writer for its credentials. It refreshes tokens (one
 * upstream refresh at a time, however many callers), proactively by alarm before expiry and as a
 * keep-alive, backs off after failures and marks the connection for re-authorisation when the
 * provider rejects the grant. See README.md beside this file for tables and alarm semantics.
 */
export class ConnectionObject extends DurableObject<Env> {
  /** The refresh in flight, shared by every caller that arrives while it runs. */
  #inflight: Promise<TokenOutcome> | undefined;
  readonly #records: RecordWriter;
  readonly #schedule: SyncSchedule;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    migrate(ctx.storage.sql);
    this.#records = new RecordWriter(ctx.storage.sql, env as unknown as RecordsEnv);
    this.#schedule = new SyncSchedule(ctx.storage.sql);
  }

  #syncDeps(): SyncDeps {
    return {
      sql: this.ctx.storage.sql,
      env: this.env,
      schedule: this.#schedule,
      records: this.#records,
      waitUntil: (p) => this.ctx.waitUntil(p),
    };
  }

  // ---- syncs (see sync-schedule.ts and sync-tasks.ts) ----

  /** Makes this connection's syncs what is deployed; new automatic ones run now. */
  async configureSyncs(deployed: DeployedSync[]): Promise<void> {
    configureSyncs(this.#syncDeps(), deployed);
    await this.#scheduleAlarm();
  }

  async controlSync(control: SyncControl): Promise<boolean> {
    const found = await controlSync(this.#syncDeps(), control);
    await this.#scheduleAlarm();
    return found;
  }

  async setSyncFrequency(input: {
    name: string;
    variant: string;
    frequencyMs: number | null;
  }): Promise<SyncRow | undefined> {
    const row = setSyncFrequency(this.#syncDeps(), input.name, input.variant, input.frequencyMs);
    await this.#scheduleAlarm();
    return row;
  }

  async addSyncVariant(input: { name: string; variant: string; frequencyMs: number }): Promise<boolean> {
    const added = addSyncVariant(this.#syncDeps(), input.name, input.variant, input.frequencyMs);
    await this.#scheduleAlarm();
    return added;
  }

  async removeSyncVariant(input: { name: string; variant: string; models: string[] }): Promise<boolean> {
    const removed = await removeSyncVariant(this.#syncDeps(), input.name, input.variant, input.models);
    await this.#scheduleAlarm();
    return removed;
  }

  syncStatus(): SyncRow[] {
    return this.#schedule.list();
  }

  // ---- records (the connection's change feed; see record-writer.ts) ----

  /** Saves, merges or deletes one batch of a script's records; each change gets the next sequence number. */
  writeRecords(input: WriteInput): Promise<WriteResult> {
    return this.#records.write(input);
  }

  /** Which records of a batch (by id and hash) would change; unchanged ones count as seen. */
  diffRecords(input: Parameters<RecordWriter['diff']>[0]) {
    return this.#records.diff(input);
  }

  trackDeletesStart(input: { model: string; variant: string }): number {
    return this.#records.trackDeletesStart(input.model, input.variant);
  }

  trackDeletesEnd(input: { model: string; variant: string; runId?: string }): Promise<number> {
    return this.#records.trackDeletesEnd(input.model, input.variant, input.runId);
  }

  /** What a run changed per model (read once, at the run's end). */
  takeRunCounts(runId: string): ModelCounts {
    return this.#records.takeRunCounts(runId);
  }

  /** Erases records: one model's (a full refresh that empties the cache) or all of them. */
  eraseRecords(model?: { model: string; variant: string }): Promise<void> {
    return this.#records.erase(model);
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

  /** Forgets everything: records, credentials, identity and the alarm (records first: they are found through the identity). */
  async destroy(): Promise<void> {
    await this.#records.erase();
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
    await this.#runDueTasks();
    const row = readCredentials(this.ctx.storage.sql);
    if (!row) return this.#scheduleAlarm();
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
    return refreshStoredCredentials({
      sql: this.ctx.storage.sql,
      env: this.env,
      seal: (credentials) => this.#seal(credentials),
      open: (sealed) => this.#open(sealed),
      scheduleAlarm: () => this.#scheduleAlarm(),
    });
  }

  /** Adds (or reschedules) work for the alarm: an async action to run at `dueAtMs`. */
  async scheduleTask(task: Task): Promise<void> {
    upsertTask(this.ctx.storage.sql, task);
    await this.#scheduleAlarm();
  }

  /** The due tasks (task-runner.ts), then the alarm for what is next. */
  async #runDueTasks(): Promise<void> {
    await runDueTasks({
      sql: this.ctx.storage.sql,
      env: this.env,
      syncDeps: () => this.#syncDeps(),
      waitUntil: (p) => this.ctx.waitUntil(p),
    });
    await this.#scheduleAlarm();
  }

  /**
   * One alarm for everything the object does: the next task, the next refresh, and for every
   * object holding credentials at least the daily existence check.
   */
  async #scheduleAlarm(): Promise<void> {
    const row = readCredentials(this.ctx.storage.sql);
    const now = Date.now();
    const next = Math.min(
      nextTaskAtMs(this.ctx.storage.sql) ?? Number.POSITIVE_INFINITY,
      row ? (nextRefreshAtMs(row, now, this.#bufferSeconds()) ?? Number.POSITIVE_INFINITY) : Number.POSITIVE_INFINITY,
      row ? now + EXISTENCE_CHECK_INTERVAL_MS : Number.POSITIVE_INFINITY,
    );
    if (next === Number.POSITIVE_INFINITY) return this.ctx.storage.deleteAlarm();
    await this.ctx.storage.setAlarm(next);
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
