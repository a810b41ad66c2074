/**
 * The connection's records, written by its Durable Object alone: every change gets the connection's
 * next sequence number, and batches are written one at a time, in the order their numbers were
 * handed out — so a reader paging by sequence never sees a later change commit before an earlier
 * one, and never skips one. Numbers are reserved (stored) before the write, so a write that fails or
 * a process that dies leaves a gap, never a number used twice.
 */
import { recordHash } from '../sdk/scripts/canonical.js';
import { type RecordsEnv, shardDatabase } from '../workers/records/shards.js';
import {
  countUnseen,
  deleteRecords,
  deleteUnseen,
  eraseRecords,
  type Incoming,
  markSeen,
  NO_HASH,
  type Ref,
  readLiveHashes,
  readRecordsByIds,
  upsertRecords,
} from '../workers/records/store.js';
import { readMeta, writeMeta } from './connection-storage.js';

export type WriteOp = 'save' | 'update' | 'delete';

export type WriteInput = {
  /** Where the connection's records are (its row id and records database), from the platform. */
  place: { connectionRowId: number; recordsDb: string };
  op: WriteOp;
  model: string;
  variant: string;
  /**
   * The script's request body as it came, parsed only here (see {@link readBatchBody}): `records`
   * (objects with an `id`), their `hashes` (`recordHash`) in the same order when the script computed
   * them, and `unmodified_since` (`ignore_if_modified_after`: records changed after it are left alone).
   */
  body: string;
  /** Counted into this run's result when set. */
  runId?: string;
};

export type WriteResult = {
  added: number;
  updated: number;
  deleted: number;
  unchanged: number;
  missing: number;
  /** Set (and nothing written) when the batch is not a list of records with ids. */
  invalid?: string;
};

const HASH = /^[0-9a-f]{64}$/;

/**
 * A batch as the script sent it (`{ records, hashes?, unmodified_since? }`, parsed once, here): every
 * record an object with an id, at most 1,000, hashes (when given) one per record.
 */
export function readBatchBody(
  text: string,
): { records: Record<string, unknown>[]; hashes?: string[]; unmodifiedSince?: string } | { invalid: string } {
  let body: { records?: unknown; hashes?: unknown; unmodified_since?: unknown };
  try {
    body = JSON.parse(text);
  } catch {
    return { invalid: 'the batch is not valid JSON' };
  }
  const records = body?.records;
  if (!Array.isArray(records) || records.length > 1_000) return { invalid: 'records must be a list of at most 1,000' };
  for (const record of records) {
    const id = (record as { id?: unknown } | null)?.id;
    if (
      !record ||
      typeof record !== 'object' ||
      Array.isArray(record) ||
      !(
        (typeof id === 'string' && id.length > 0 && id.length <= 1024) ||
        (typeof id === 'number' && Number.isFinite(id))
      )
    )
      return { invalid: 'every record is an object with an id (a non-empty string or a number)' };
  }
  const hashes = body.hashes;
  if (
    hashes !== undefined &&
    (!Array.isArray(hashes) ||
      hashes.length !== records.length ||
      !hashes.every((h) => typeof h === 'string' && HASH.test(h)))
  )
    return { invalid: 'hashes must be one SHA-256 (hex) per record' };
  const since = body.unmodified_since;
  if (since !== undefined && (typeof since !== 'string' || Number.isNaN(Date.parse(since))))
    return { invalid: 'unmodified_since must be a date-time' };
  return { records, hashes: hashes as string[] | undefined, unmodifiedSince: since as string | undefined };
}

export type ModelCounts = Record<string, { added: number; updated: number; deleted: number }>;

/** Deep merge for `batchUpdate`: objects merge key by key, arrays and scalars are replaced. */
export function mergeRecord(base: unknown, patch: unknown): unknown {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  if (!base || typeof base !== 'object' || Array.isArray(base)) return patch;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(patch as Record<string, unknown>))
    out[key] = value === undefined ? out[key] : mergeRecord(out[key], value);
  return out;
}

export class RecordWriter {
  #tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly sql: SqlStorage,
    private readonly env: RecordsEnv,
  ) {}

  /** Runs `work` after every write before it has finished (one writer, in order). */
  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(work, work);
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /** Reserves `count` sequence numbers; returns the first. */
  #reserve(count: number): number {
    const first = Number(readMeta(this.sql, 'record_seq') ?? '0') + 1;
    writeMeta(this.sql, 'record_seq', String(first + Math.max(0, count) - 1));
    return first;
  }

  /** Where this connection's records are: set by the platform before the first write. */
  bind(connectionRowId: number, recordsDb: string): void {
    writeMeta(this.sql, 'records_ref', JSON.stringify({ connectionRowId, recordsDb }));
  }

  #place(): { connectionRowId: number; db: D1Database } {
    const text = readMeta(this.sql, 'records_ref');
    if (!text) throw new Error('records are not bound to a connection row yet');
    const { connectionRowId, recordsDb } = JSON.parse(text) as { connectionRowId: number; recordsDb: string };
    return { connectionRowId, db: shardDatabase(this.env, recordsDb) };
  }

  #activeGeneration(model: string, variant: string): number {
    const row = this.sql
      .exec<{ generation: number; active: number }>(
        'SELECT generation, active FROM tracking WHERE model = ? AND variant = ?',
        model,
        variant,
      )
      .toArray()[0];
    return row?.active ? row.generation : 0;
  }

  #count(runId: string | undefined, model: string, delta: { added?: number; updated?: number; deleted?: number }) {
    if (!runId) return;
    this.sql.exec(
      `INSERT INTO run_counts (run_id, model, added, updated, deleted) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (run_id, model) DO UPDATE SET added = added + excluded.added, updated = updated + excluded.updated, deleted = deleted + excluded.deleted`,
      runId,
      model,
      delta.added ?? 0,
      delta.updated ?? 0,
      delta.deleted ?? 0,
    );
  }

  /** One batch from a script: `save` upserts, `update` merges into existing records, `delete` soft-deletes. */
  write(input: WriteInput): Promise<WriteResult> {
    return this.#exclusive(async () => {
      this.bind(input.place.connectionRowId, input.place.recordsDb);
      const { connectionRowId, db } = this.#place();
      const ref: Ref = { connectionRowId, model: input.model, variant: input.variant };
      const now = new Date().toISOString();
      const read = readBatchBody(input.body);
      if ('invalid' in read)
        return { added: 0, updated: 0, deleted: 0, unchanged: 0, missing: 0, invalid: read.invalid };
      const { records, hashes, unmodifiedSince } = read;
      // The last occurrence of an id in a batch wins.
      const byId = new Map<string, Record<string, unknown>>();
      const given = new Map<string, string>();
      records.forEach((record, i) => {
        byId.set(String(record.id), record);
        // Checked by readBatchBody: one hash per record.
        const hash = input.op === 'save' ? hashes?.[i] : undefined;
        if (hash) given.set(String(record.id), hash);
      });
      const ids = [...byId.keys()];
      const result: WriteResult = { added: 0, updated: 0, deleted: 0, unchanged: 0, missing: 0 };

      if (input.op === 'delete') {
        const deleted = await deleteRecords(db, ref, ids, { seqBase: this.#reserve(ids.length), now });
        result.deleted = deleted.length;
        result.missing = ids.length - deleted.length;
        this.#count(input.runId, input.model, { deleted: deleted.length });
        return result;
      }
      if (input.op === 'update') {
        const existing = new Map(
          (await readRecordsByIds(db, ref, ids)).filter((r) => !r.deleted_at).map((r) => [r.external_id, r]),
        );
        for (const id of ids) {
          const before = existing.get(id);
          if (!before) {
            byId.delete(id);
            result.missing++;
          } else byId.set(id, mergeRecord(JSON.parse(before.data), byId.get(id)) as Record<string, unknown>);
        }
      }
      const batch: Incoming[] = [];
      for (const [id, record] of byId)
        batch.push({ id, data: record, hash: given.get(id) ?? (await recordHash(record)) });
      const generation = this.#activeGeneration(input.model, input.variant);
      const changed = await upsertRecords(db, ref, batch, {
        seqBase: this.#reserve(batch.length),
        now,
        generation,
        unmodifiedSince,
      });
      result.added = changed.added.length;
      result.updated = changed.updated.length;
      result.unchanged = batch.length - result.added - result.updated;
      if (generation > 0 && result.unchanged > 0) {
        const touched = new Set([...changed.added, ...changed.updated]);
        await markSeen(
          db,
          ref,
          batch.map((b) => b.id).filter((id) => !touched.has(id)),
          generation,
        );
      }
      this.#count(input.runId, input.model, { added: result.added, updated: result.updated });
      return result;
    });
  }

  /**
   * Which of these records (by id and hash) would change if saved: the others are unchanged, and
   * under deletion tracking are marked as seen now. Lets a script send only what changed.
   */
  diff(input: {
    place: WriteInput['place'];
    model: string;
    variant: string;
    ids: string[];
    /** One 64-character hex hash per id, concatenated. */
    hashes: string;
    runId?: string;
  }): Promise<string[]> {
    return this.#exclusive(async () => {
      this.bind(input.place.connectionRowId, input.place.recordsDb);
      const { connectionRowId, db } = this.#place();
      const ref: Ref = { connectionRowId, model: input.model, variant: input.variant };
      const stored = await readLiveHashes(db, ref, input.ids);
      const changed: string[] = [];
      const unchanged: string[] = [];
      for (const [i, id] of input.ids.entries()) {
        const hash = input.hashes.slice(i * 64, i * 64 + 64);
        if (hash === stored.slice(i * 64, i * 64 + 64) && hash !== NO_HASH) unchanged.push(id);
        else changed.push(id);
      }
      const generation = this.#activeGeneration(input.model, input.variant);
      if (generation > 0) await markSeen(db, ref, unchanged, generation);
      // The model appears in the run's result even when nothing changes.
      this.#count(input.runId, input.model, {});
      return changed;
    });
  }

  /** Starts deletion tracking for a model: records not saved before {@link trackDeletesEnd} are deleted then. */
  trackDeletesStart(model: string, variant: string): number {
    const previous =
      this.sql
        .exec<{ generation: number }>('SELECT generation FROM tracking WHERE model = ? AND variant = ?', model, variant)
        .toArray()[0]?.generation ?? 0;
    const generation = previous + 1;
    this.sql.exec(
      `INSERT INTO tracking (model, variant, generation, active) VALUES (?, ?, ?, 1)
       ON CONFLICT (model, variant) DO UPDATE SET generation = excluded.generation, active = 1`,
      model,
      variant,
      generation,
    );
    return generation;
  }

  /** Deletes the records of the model that the tracking generation did not see; returns how many. */
  trackDeletesEnd(model: string, variant: string, runId?: string): Promise<number> {
    return this.#exclusive(async () => {
      const generation = this.#activeGeneration(model, variant);
      if (generation === 0) return 0;
      const { connectionRowId, db } = this.#place();
      const ref: Ref = { connectionRowId, model, variant };
      let total = 0;
      for (;;) {
        const count = Math.min(await countUnseen(db, ref, generation), 5_000);
        if (count === 0) break;
        const deleted = await deleteUnseen(db, ref, generation, {
          seqBase: this.#reserve(count),
          now: new Date().toISOString(),
          limit: count,
        });
        total += deleted.length;
        if (deleted.length === 0) break;
      }
      this.sql.exec('UPDATE tracking SET active = 0 WHERE model = ? AND variant = ?', model, variant);
      this.#count(runId, model, { deleted: total });
      return total;
    });
  }

  /** What a run changed, per model; read once at the run's end (and forgotten). */
  takeRunCounts(runId: string): ModelCounts {
    const rows = this.sql
      .exec<{ model: string; added: number; updated: number; deleted: number }>(
        'SELECT model, added, updated, deleted FROM run_counts WHERE run_id = ?',
        runId,
      )
      .toArray();
    this.sql.exec('DELETE FROM run_counts WHERE run_id = ?', runId);
    return Object.fromEntries(rows.map((r) => [r.model, { added: r.added, updated: r.updated, deleted: r.deleted }]));
  }

  /** Erases the connection's records (the connection is going away, or a full refresh empties a model). */
  erase(model?: { model: string; variant: string }): Promise<void> {
    return this.#exclusive(async () => {
      const text = readMeta(this.sql, 'records_ref');
      if (!text) return;
      const { connectionRowId, db } = this.#place();
      await eraseRecords(db, connectionRowId, model);
    });
  }
}
