import { EMPTY_RATE_LIMIT, type RateLimitState } from './rate-limit-policy.js';
import type { TokenState } from './token-policy.js';

/**
 * SQL of the ConnectionObject, in one module. Each schema change is a new numbered step, applied
 * once, in order, inside the object's constructor (before any request reaches it).
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS credentials (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     sealed TEXT NOT NULL,
     expires_at_ms INTEGER,
     renewable INTEGER NOT NULL,
     last_refresh_at_ms INTEGER,
     failures INTEGER NOT NULL DEFAULT 0,
     cooldown_until_ms INTEGER,
     needs_reauth INTEGER NOT NULL DEFAULT 0,
     last_error TEXT,
     refresh_count INTEGER NOT NULL DEFAULT 0
   )`,
  `CREATE TABLE IF NOT EXISTS rate_limit (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     remaining INTEGER,
     reset_at_ms INTEGER,
     blocked_until_ms INTEGER
   )`,
  // Work the object's alarm runs for its connection (async actions; syncs later). `due_at_ms` is
  // moved past the run's time limit while it runs, so a run lost with its process is run again.
  `CREATE TABLE IF NOT EXISTS tasks (
     id TEXT PRIMARY KEY,
     kind TEXT NOT NULL,
     due_at_ms INTEGER NOT NULL
   )`,
  // Records: per run and model, what changed (summed into the run's result); deletion tracking.
  `CREATE TABLE IF NOT EXISTS run_counts (
     run_id TEXT NOT NULL,
     model TEXT NOT NULL,
     added INTEGER NOT NULL DEFAULT 0,
     updated INTEGER NOT NULL DEFAULT 0,
     deleted INTEGER NOT NULL DEFAULT 0,
     invalid INTEGER NOT NULL DEFAULT 0,
     PRIMARY KEY (run_id, model)
   )`,
  `CREATE TABLE IF NOT EXISTS syncs (
     name TEXT NOT NULL,
     variant TEXT NOT NULL,
     frequency_ms INTEGER NOT NULL,
     frequency_override_ms INTEGER,
     enabled INTEGER NOT NULL,
     paused INTEGER NOT NULL DEFAULT 0,
     status TEXT NOT NULL,
     type TEXT NOT NULL DEFAULT 'INITIAL',
     next_run_at_ms INTEGER,
     run_id TEXT,
     run_started_at TEXT,
     slices INTEGER NOT NULL DEFAULT 0,
     last_success_started_at TEXT,
     last_finished_at TEXT,
     last_result TEXT,
     last_error TEXT,
     failures INTEGER NOT NULL DEFAULT 0,
     PRIMARY KEY (name, variant)
   )`,
  `CREATE TABLE IF NOT EXISTS tracking (
     model TEXT NOT NULL,
     variant TEXT NOT NULL,
     generation INTEGER NOT NULL,
     active INTEGER NOT NULL,
     PRIMARY KEY (model, variant)
   )`,
  // A finished run's report (log line, sync events), written with the run's end so that a crash before
  // the report is made cannot lose it: a `sync_report` task makes it, and deletes it once made.
  `CREATE TABLE IF NOT EXISTS reports (run_id TEXT PRIMARY KEY, payload TEXT NOT NULL)`,
];

export function migrate(sql: SqlStorage): number {
  sql.exec(`CREATE TABLE IF NOT EXISTS _schema (version INTEGER NOT NULL)`);
  const current = sql.exec<{ version: number }>(`SELECT version FROM _schema`).toArray()[0]?.version ?? 0;
  for (let step = current; step < MIGRATIONS.length; step++) sql.exec(MIGRATIONS[step] as string);
  if (current === 0) sql.exec(`INSERT INTO _schema (version) VALUES (?)`, MIGRATIONS.length);
  else if (current < MIGRATIONS.length) sql.exec(`UPDATE _schema SET version = ?`, MIGRATIONS.length);
  return MIGRATIONS.length;
}

export function readMeta(sql: SqlStorage, key: string): string | undefined {
  return sql.exec<{ value: string }>(`SELECT value FROM meta WHERE key = ?`, key).toArray()[0]?.value;
}

export function writeMeta(sql: SqlStorage, key: string, value: string): void {
  sql.exec(
    `INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
    key,
    value,
  );
}

export type CredentialsRow = TokenState & { sealed: string; lastError: string | null; refreshCount: number };

type RawRow = {
  sealed: string;
  expires_at_ms: number | null;
  renewable: number;
  last_refresh_at_ms: number | null;
  failures: number;
  cooldown_until_ms: number | null;
  needs_reauth: number;
  last_error: string | null;
  refresh_count: number;
};

export function readCredentials(sql: SqlStorage): CredentialsRow | undefined {
  const row = sql.exec<RawRow>(`SELECT * FROM credentials WHERE id = 1`).toArray()[0];
  if (!row) return undefined;
  return {
    sealed: row.sealed,
    expiresAtMs: row.expires_at_ms,
    hasRefreshToken: row.renewable === 1,
    lastRefreshAtMs: row.last_refresh_at_ms,
    failures: row.failures,
    cooldownUntilMs: row.cooldown_until_ms,
    needsReauth: row.needs_reauth === 1,
    lastError: row.last_error,
    refreshCount: row.refresh_count,
  };
}

/** Replaces the credentials and clears every failure: used on connect and after a good refresh. */
export function writeCredentials(
  sql: SqlStorage,
  values: {
    sealed: string;
    expiresAtMs: number | null;
    renewable: boolean;
    refreshedAtMs: number | null;
    countRefresh: boolean;
  },
): void {
  sql.exec(
    `INSERT INTO credentials (id, sealed, expires_at_ms, renewable, last_refresh_at_ms, failures, cooldown_until_ms, needs_reauth, last_error, refresh_count)
     VALUES (1, ?, ?, ?, ?, 0, NULL, 0, NULL, ?)
     ON CONFLICT(id) DO UPDATE SET sealed = excluded.sealed, expires_at_ms = excluded.expires_at_ms,
       renewable = excluded.renewable, last_refresh_at_ms = excluded.last_refresh_at_ms, failures = 0,
       cooldown_until_ms = NULL, needs_reauth = 0, last_error = NULL,
       refresh_count = credentials.refresh_count + excluded.refresh_count`,
    values.sealed,
    values.expiresAtMs,
    values.renewable ? 1 : 0,
    values.refreshedAtMs,
    values.countRefresh ? 1 : 0,
  );
}

/** Replaces only the ciphertext (same credentials, sealed with the active key). */
export function resealCredentials(sql: SqlStorage, sealed: string): void {
  sql.exec(`UPDATE credentials SET sealed = ? WHERE id = 1`, sealed);
}

export function recordFailure(
  sql: SqlStorage,
  values: { failures: number; cooldownUntilMs: number | null; needsReauth: boolean; error: string },
): void {
  sql.exec(
    `UPDATE credentials SET failures = ?, cooldown_until_ms = ?, needs_reauth = ?, last_error = ? WHERE id = 1`,
    values.failures,
    values.cooldownUntilMs,
    values.needsReauth ? 1 : 0,
    values.error,
  );
}

export function readRateLimit(sql: SqlStorage): RateLimitState {
  const row = sql
    .exec<{ remaining: number | null; reset_at_ms: number | null; blocked_until_ms: number | null }>(
      `SELECT remaining, reset_at_ms, blocked_until_ms FROM rate_limit WHERE id = 1`,
    )
    .toArray()[0];
  return row
    ? { remaining: row.remaining, resetAtMs: row.reset_at_ms, blockedUntilMs: row.blocked_until_ms }
    : EMPTY_RATE_LIMIT;
}

export function writeRateLimit(sql: SqlStorage, state: RateLimitState): void {
  sql.exec(
    `INSERT INTO rate_limit (id, remaining, reset_at_ms, blocked_until_ms) VALUES (1, ?, ?, ?)
     ON CONFLICT(id) DO UPDATE SET remaining = excluded.remaining, reset_at_ms = excluded.reset_at_ms,
       blocked_until_ms = excluded.blocked_until_ms`,
    state.remaining,
    state.resetAtMs,
    state.blockedUntilMs,
  );
}

export function clearAll(sql: SqlStorage): void {
  sql.exec(`DELETE FROM syncs`);
  sql.exec(`DELETE FROM run_counts`);
  sql.exec(`DELETE FROM tracking`);
  sql.exec(`DELETE FROM reports`);
  sql.exec(`DELETE FROM tasks`);
  sql.exec(`DELETE FROM rate_limit`);
  sql.exec(`DELETE FROM credentials`);
  sql.exec(`DELETE FROM meta`);
}

export type Task = { id: string; kind: 'async_action' | 'on_event' | 'sync' | 'sync_report'; dueAtMs: number };

export function savePendingReport(sql: SqlStorage, runId: string, payload: string): void {
  sql.exec(`INSERT OR REPLACE INTO reports (run_id, payload) VALUES (?, ?)`, runId, payload);
}

export function readPendingReport(sql: SqlStorage, runId: string): string | undefined {
  return sql.exec<{ payload: string }>(`SELECT payload FROM reports WHERE run_id = ?`, runId).toArray()[0]?.payload;
}

export function deletePendingReport(sql: SqlStorage, runId: string): void {
  sql.exec(`DELETE FROM reports WHERE run_id = ?`, runId);
}

export function upsertTask(sql: SqlStorage, task: Task): void {
  sql.exec(
    `INSERT INTO tasks (id, kind, due_at_ms) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET due_at_ms = excluded.due_at_ms`,
    task.id,
    task.kind,
    task.dueAtMs,
  );
}

export function deleteTask(sql: SqlStorage, id: string): void {
  sql.exec(`DELETE FROM tasks WHERE id = ?`, id);
}

export function dueTasks(sql: SqlStorage, nowMs: number, limit: number): Task[] {
  return sql
    .exec<{ id: string; kind: Task['kind']; due_at_ms: number }>(
      `SELECT id, kind, due_at_ms FROM tasks WHERE due_at_ms <= ? ORDER BY due_at_ms LIMIT ?`,
      nowMs,
      limit,
    )
    .toArray()
    .map((row) => ({ id: row.id, kind: row.kind, dueAtMs: row.due_at_ms }));
}

export function nextTaskAtMs(sql: SqlStorage): number | undefined {
  return sql.exec<{ at: number | null }>(`SELECT MIN(due_at_ms) AS at FROM tasks`).toArray()[0]?.at ?? undefined;
}
