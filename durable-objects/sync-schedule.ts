/**
 * The connection's syncs, scheduled by its Durable Object: one row per sync and variant, one task per
 * scheduled run under the object's single alarm. A run goes in slices (each bounded by the slice time
 * limit): a slice that runs out of time continues from the script's checkpoint at once, under the same
 * run id, so its records are counted once; a slice lost with its process runs again when its lease
 * ends. Failures back off and, after five in a row, the sync stops in `ERROR` until started again.
 */
import type { ModelCounts } from './record-writer.js';
import { MAX_CONSECUTIVE_FAILURES, MAX_SLICES_PER_RUN, retryDelayMs } from './sync-policy.js';

export type SyncStatus = 'RUNNING' | 'PAUSED' | 'STOPPED' | 'SUCCESS' | 'ERROR';

export type SyncRow = {
  name: string;
  variant: string;
  frequencyMs: number;
  frequencyOverrideMs: number | null;
  enabled: boolean;
  /** Paused by a call (not merely never started): shown as `PAUSED` between runs. */
  paused: boolean;
  status: SyncStatus;
  type: 'INITIAL' | 'INCREMENTAL';
  nextRunAtMs: number | null;
  runId: string | null;
  runStartedAt: string | null;
  slices: number;
  lastSuccessStartedAt: string | null;
  lastFinishedAt: string | null;
  lastResult: { counts: ModelCounts; startedAt: string; finishedAt: string } | null;
  lastError: string | null;
  failures: number;
};

type Raw = {
  name: string;
  variant: string;
  frequency_ms: number;
  frequency_override_ms: number | null;
  enabled: number;
  paused: number;
  status: SyncStatus;
  type: 'INITIAL' | 'INCREMENTAL';
  next_run_at_ms: number | null;
  run_id: string | null;
  run_started_at: string | null;
  slices: number;
  last_success_started_at: string | null;
  last_finished_at: string | null;
  last_result: string | null;
  last_error: string | null;
  failures: number;
};

const fromRaw = (r: Raw): SyncRow => ({
  name: r.name,
  variant: r.variant,
  frequencyMs: r.frequency_ms,
  frequencyOverrideMs: r.frequency_override_ms,
  enabled: r.enabled === 1,
  paused: r.paused === 1,
  status: r.status,
  type: r.type,
  nextRunAtMs: r.next_run_at_ms,
  runId: r.run_id,
  runStartedAt: r.run_started_at,
  slices: r.slices,
  lastSuccessStartedAt: r.last_success_started_at,
  lastFinishedAt: r.last_finished_at,
  lastResult: r.last_result ? JSON.parse(r.last_result) : null,
  lastError: r.last_error,
  failures: r.failures,
});

export const syncTaskId = (name: string, variant: string) => `sync:${variant}:${name}`;
export function parseSyncTaskId(id: string): { name: string; variant: string } {
  const [, variant = 'base', ...rest] = id.split(':');
  return { variant, name: rest.join(':') };
}

/** The outcome of one slice, as the platform reports it to the schedule. */
export type SliceOutcome =
  | { kind: 'done' }
  | { kind: 'out_of_time' }
  | { kind: 'failed'; message: string }
  | { kind: 'gone' };

export class SyncSchedule {
  constructor(private readonly sql: SqlStorage) {}

  list(): SyncRow[] {
    return this.sql.exec<Raw>('SELECT * FROM syncs ORDER BY name, variant').toArray().map(fromRaw);
  }

  get(name: string, variant: string): SyncRow | undefined {
    const raw = this.sql.exec<Raw>('SELECT * FROM syncs WHERE name = ? AND variant = ?', name, variant).toArray()[0];
    return raw ? fromRaw(raw) : undefined;
  }

  #set(name: string, variant: string, values: Record<string, string | number | null>): void {
    const keys = Object.keys(values);
    this.sql.exec(
      `UPDATE syncs SET ${keys.map((k) => `${k} = ?`).join(', ')} WHERE name = ? AND variant = ?`,
      ...keys.map((k) => values[k] ?? null),
      name,
      variant,
    );
  }

  /**
   * Makes the object's syncs what is deployed: new ones are added (scheduled now when they start
   * automatically), frequencies follow the deploy, removed ones go. Returns the tasks to (un)schedule.
   */
  configure(
    deployed: { name: string; variant: string; frequencyMs: number; autoStart: boolean }[],
    nowMs: number,
    options: { onlyVariantsOf?: string[] } = {},
  ): { schedule: { name: string; variant: string; atMs: number }[]; remove: { name: string; variant: string }[] } {
    const schedule: { name: string; variant: string; atMs: number }[] = [];
    const wanted = new Set(deployed.map((d) => `${d.name}\u0000${d.variant}`));
    for (const sync of deployed) {
      const existing = this.get(sync.name, sync.variant);
      if (existing) {
        if (existing.frequencyMs !== sync.frequencyMs)
          this.#set(sync.name, sync.variant, { frequency_ms: sync.frequencyMs });
        continue;
      }
      this.sql.exec(
        `INSERT INTO syncs (name, variant, frequency_ms, enabled, status, next_run_at_ms) VALUES (?, ?, ?, ?, 'STOPPED', ?)`,
        sync.name,
        sync.variant,
        sync.frequencyMs,
        sync.autoStart ? 1 : 0,
        sync.autoStart ? nowMs : null,
      );
      if (sync.autoStart) schedule.push({ name: sync.name, variant: sync.variant, atMs: nowMs });
    }
    const remove: { name: string; variant: string }[] = [];
    for (const row of this.list()) {
      if (options.onlyVariantsOf && !options.onlyVariantsOf.includes(row.name)) continue;
      if (wanted.has(`${row.name}\u0000${row.variant}`)) continue;
      // Variants are added per connection; a deploy removes them only with their sync.
      if (row.variant !== 'base' && deployed.some((d) => d.name === row.name)) continue;
      this.sql.exec('DELETE FROM syncs WHERE name = ? AND variant = ?', row.name, row.variant);
      remove.push({ name: row.name, variant: row.variant });
    }
    return { schedule, remove };
  }

  addVariant(name: string, variant: string, frequencyMs: number, nowMs: number): boolean {
    if (this.get(name, variant)) return false;
    this.sql.exec(
      `INSERT INTO syncs (name, variant, frequency_ms, enabled, status, next_run_at_ms) VALUES (?, ?, ?, 1, 'STOPPED', ?)`,
      name,
      variant,
      frequencyMs,
      nowMs,
    );
    return true;
  }

  removeVariant(name: string, variant: string): boolean {
    const existed = Boolean(this.get(name, variant));
    this.sql.exec('DELETE FROM syncs WHERE name = ? AND variant = ?', name, variant);
    return existed;
  }

  /** `start`: schedules from now on; `pause`: no more scheduled runs (a run under way finishes). */
  setEnabled(name: string, variant: string, enabled: boolean, nowMs: number): number | null {
    const row = this.get(name, variant);
    if (!row) return null;
    const next = enabled ? nowMs : null;
    this.#set(name, variant, {
      enabled: enabled ? 1 : 0,
      paused: enabled ? 0 : 1,
      status: enabled
        ? row.status === 'PAUSED' || row.status === 'ERROR'
          ? 'STOPPED'
          : row.status
        : row.status === 'RUNNING'
          ? 'RUNNING'
          : 'PAUSED',
      next_run_at_ms: next,
      failures: enabled ? 0 : row.failures,
    });
    return next;
  }

  /** A run now, whatever the schedule; `reset` starts over (no last sync date, an initial run). */
  trigger(name: string, variant: string, nowMs: number, options: { reset: boolean }): boolean {
    const row = this.get(name, variant);
    if (!row) return false;
    this.#set(name, variant, {
      next_run_at_ms: nowMs,
      failures: 0,
      ...(options.reset ? { last_success_started_at: null, type: 'INITIAL' } : {}),
    });
    return true;
  }

  setFrequency(name: string, variant: string, frequencyMs: number | null): SyncRow | undefined {
    if (!this.get(name, variant)) return undefined;
    this.#set(name, variant, { frequency_override_ms: frequencyMs });
    return this.get(name, variant);
  }

  /** Marks a slice as started; the run id stays the same across the slices of one run. */
  beginSlice(name: string, variant: string): { runId: string; startedAt: string; lastSyncDate: string | null } {
    const row = this.get(name, variant) as SyncRow;
    const continuing = row.runId !== null;
    const runId = continuing ? (row.runId as string) : crypto.randomUUID();
    const startedAt = continuing ? (row.runStartedAt as string) : new Date().toISOString();
    this.#set(name, variant, {
      status: 'RUNNING',
      run_id: runId,
      run_started_at: startedAt,
      slices: continuing ? row.slices + 1 : 1,
    });
    return { runId, startedAt, lastSyncDate: row.lastSuccessStartedAt };
  }

  /** Records a slice's outcome; returns when the sync runs next (null: not scheduled). */
  endSlice(
    name: string,
    variant: string,
    outcome: SliceOutcome,
    counts: ModelCounts | null,
    nowMs: number,
  ): number | null {
    const row = this.get(name, variant);
    if (!row) return null;
    const frequency = row.frequencyOverrideMs ?? row.frequencyMs;
    const finishedAt = new Date(nowMs).toISOString();
    if (outcome.kind === 'out_of_time' && row.slices < MAX_SLICES_PER_RUN) {
      this.#set(name, variant, { next_run_at_ms: nowMs });
      return nowMs;
    }
    if (outcome.kind === 'done') {
      const next = row.enabled ? nowMs + frequency : null;
      this.#set(name, variant, {
        status: row.paused ? 'PAUSED' : 'SUCCESS',
        type: 'INCREMENTAL',
        run_id: null,
        slices: 0,
        last_success_started_at: row.runStartedAt,
        last_finished_at: finishedAt,
        last_result: JSON.stringify({ counts: counts ?? {}, startedAt: row.runStartedAt, finishedAt }),
        last_error: null,
        failures: 0,
        next_run_at_ms: next,
      });
      return next;
    }
    const message =
      outcome.kind === 'failed'
        ? outcome.message
        : outcome.kind === 'gone'
          ? 'the sync is no longer deployed'
          : 'the run took too many slices';
    const failures = row.failures + 1;
    const stop = failures >= MAX_CONSECUTIVE_FAILURES || outcome.kind === 'gone';
    const next = !stop && row.enabled ? nowMs + retryDelayMs(failures, frequency) : null;
    this.#set(name, variant, {
      status: row.paused && !stop ? 'PAUSED' : 'ERROR',
      run_id: null,
      slices: 0,
      last_finished_at: finishedAt,
      last_result: JSON.stringify({ counts: counts ?? {}, startedAt: row.runStartedAt, finishedAt }),
      last_error: message.slice(0, 1_000),
      failures,
      next_run_at_ms: next,
    });
    return next;
  }
}
