import { DurableObject } from 'cloudflare:workers';
import type { ConnectionCredentials } from '../workers/auth/credentials.js';
import { type Revocation, type RevocationOutcome, revokeGrant } from '../workers/auth/revoke.js';
import { findConnectionRow } from '../workers/connections/store.js';
import { openDb } from '../workers/db/client.js';
import type { RecordsEnv } from '../workers/records/shards.js';
import {
  clearAll,
  migrate,
  nextTaskAtMs,
  readMeta,
  readRateLimit,
  type Task,
  upsertTask,
  writeRateLimit,
} from './connection-storage.js';
import type {
  CallPermit,
  ConnectionRef,
  CredentialsState,
  RateLimitObservation,
  TokenOutcome,
} from './connection-types.js';
import { CredentialVault, type StoreInput } from './credential-vault.js';
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
import { decideRefresh, EXISTENCE_CHECK_INTERVAL_MS, KEEP_ALIVE_INTERVAL_MS, nextRefreshAtMs } from './token-policy.js';

/**
 * One object per connection, the single writer of everything that is the connection's own, by
 * capability: credentials (credential-vault.ts: sealed storage, one upstream refresh at a time,
 * proactive and keep-alive refreshes, back-off and re-authorisation), the provider's rate-limit
 * budget (rate-limit-policy.ts), syncs and their runs (sync-schedule.ts, sync-tasks.ts), records and
 * their change sequence (record-writer.ts), and one alarm over a task table (task-runner.ts). See
 * README.md beside this file for tables and alarm semantics.
 */
export class ConnectionObject extends DurableObject<Env> {
  readonly #credentials: CredentialVault;
  readonly #records: RecordWriter;
  readonly #schedule: SyncSchedule;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    migrate(ctx.storage.sql);
    this.#credentials = new CredentialVault(ctx.storage.sql, env, () => this.#scheduleAlarm());
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

  // ---- credentials (see credential-vault.ts) ----

  /**
   * Stores new credentials (a fresh connection or a re-authorisation), clearing past failures.
   *
   * @example await stub.store({ ref, credentials: { type: 'API_KEY', apiKey: 'sk' }, refreshBufferSeconds: 900 })
   */
  store(input: StoreInput) {
    return this.#credentials.store(input);
  }

  /**
   * Valid credentials, refreshed first when inside the expiry buffer (or when `force`).
   * Concurrent callers share one upstream refresh.
   *
   * @example const result = await stub.getToken({ force: false }); if (result.ok) use(result.credentials)
   */
  getToken(options: { force?: boolean; staleAccessToken?: string } = {}): Promise<TokenOutcome> {
    return this.#credentials.getToken(options);
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
    return this.#credentials.state(await this.ctx.storage.getAlarm());
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
    const current: ConnectionCredentials | undefined = await this.#credentials.current();
    const outcome: RevocationOutcome = !current
      ? { revoked: false, reason: 'no_token' }
      : input.revocation
        ? await revokeGrant(input.revocation, current)
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
    const row = this.#credentials.row();
    if (!row) return this.#scheduleAlarm();
    if (await this.#isOrphaned()) {
      await this.destroy();
      return;
    }
    const now = Date.now();
    const keepAliveDue = row.lastRefreshAtMs !== null && now - row.lastRefreshAtMs >= KEEP_ALIVE_INTERVAL_MS;
    const decision = decideRefresh(row, now, this.#credentials.bufferSeconds(), keepAliveDue);
    if (decision.action === 'refresh') await this.getToken({ force: true });
    else await this.#scheduleAlarm();
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
    const row = this.#credentials.row();
    const now = Date.now();
    const next = Math.min(
      nextTaskAtMs(this.ctx.storage.sql) ?? Number.POSITIVE_INFINITY,
      row
        ? (nextRefreshAtMs(row, now, this.#credentials.bufferSeconds()) ?? Number.POSITIVE_INFINITY)
        : Number.POSITIVE_INFINITY,
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
}
