/**
 * The records store: every read and write of synced records, in one connection's records database.
 * Writes take the sequence numbers their caller (the connection's Durable Object, the only writer)
 * reserved, so rows commit in sequence order. Batches travel as one JSON parameter (`json_each`):
 * D1 allows 100 bound parameters per statement, not 1,000 records.
 */

export type Ref = { connectionRowId: number; model: string; variant: string };
/** A record to write: `data` is the record itself (it travels inside the batch's one JSON parameter, not re-encoded). */
export type Incoming = { id: string; data: unknown; hash: string };
export type RecordAction = 'ADDED' | 'UPDATED' | 'DELETED';

export type StoredRecord = {
  external_id: string;
  data: string;
  hash: string;
  seq: number;
  first_seen_at: string;
  last_modified_at: string;
  last_action: RecordAction;
  deleted_at: string | null;
  pruned_at: string | null;
};

/**
 * Inserts new records and rewrites changed ones (by content hash); unchanged rows are not touched.
 * Record `i` of the batch gets sequence number `seqBase + i` when it changes. With `unmodifiedSince`
 * (merging strategy `ignore_if_modified_after`), a row changed after that time is left as it is.
 */
export async function upsertRecords(
  db: D1Database,
  ref: Ref,
  batch: Incoming[],
  options: { seqBase: number; now: string; generation: number; unmodifiedSince?: string },
): Promise<{ added: string[]; updated: string[] }> {
  if (batch.length === 0) return { added: [], updated: [] };
  const guard = options.unmodifiedSince ? 'AND records.last_modified_at <= ?8' : '';
  const statement = db
    .prepare(
      `INSERT INTO records (connection_row_id, model, variant, external_id, data, hash, seq, first_seen_at, last_modified_at, last_action, deleted_at, generation)
       SELECT ?1, ?2, ?3, j.value ->> '$.id', json(j.value -> '$.data'), j.value ->> '$.hash', ?4 + j.key, ?5, ?5, 'ADDED', NULL, ?6
       FROM json_each(?7) AS j WHERE true
       ON CONFLICT (connection_row_id, model, variant, external_id) DO UPDATE SET
         data = excluded.data, hash = excluded.hash, seq = excluded.seq, last_modified_at = excluded.last_modified_at,
         last_action = 'UPDATED', deleted_at = NULL, pruned_at = NULL, generation = excluded.generation
       WHERE (records.hash != excluded.hash OR records.deleted_at IS NOT NULL) ${guard}
       RETURNING external_id, last_action`,
    )
    .bind(
      ref.connectionRowId,
      ref.model,
      ref.variant,
      options.seqBase,
      options.now,
      options.generation,
      JSON.stringify(batch),
      ...(options.unmodifiedSince ? [options.unmodifiedSince] : []),
    );
  const { results } = await statement.all<{ external_id: string; last_action: RecordAction }>();
  const added: string[] = [];
  const updated: string[] = [];
  for (const row of results) (row.last_action === 'ADDED' ? added : updated).push(row.external_id);
  return { added, updated };
}

/** Marks records as seen by a deletion-tracking generation without rewriting anything else. */
export async function markSeen(db: D1Database, ref: Ref, ids: string[], generation: number): Promise<void> {
  if (ids.length === 0) return;
  await db
    .prepare(
      `UPDATE records SET generation = ?4
       WHERE connection_row_id = ?1 AND model = ?2 AND variant = ?3 AND generation < ?4
         AND external_id IN (SELECT value FROM json_each(?5))`,
    )
    .bind(ref.connectionRowId, ref.model, ref.variant, generation, JSON.stringify(ids))
    .run();
}

/** Soft-deletes the given records that are not deleted yet; returns the ids deleted. */
export async function deleteRecords(
  db: D1Database,
  ref: Ref,
  ids: string[],
  options: { seqBase: number; now: string },
): Promise<string[]> {
  if (ids.length === 0) return [];
  const { results } = await db
    .prepare(
      `UPDATE records SET deleted_at = ?5, last_modified_at = ?5, last_action = 'DELETED', seq = ?4 + j.key
       FROM json_each(?6) AS j
       WHERE records.connection_row_id = ?1 AND records.model = ?2 AND records.variant = ?3
         AND records.external_id = j.value AND records.deleted_at IS NULL
       RETURNING external_id`,
    )
    .bind(ref.connectionRowId, ref.model, ref.variant, options.seqBase, options.now, JSON.stringify(ids))
    .all<{ external_id: string }>();
  return results.map((r) => r.external_id);
}

/** How many live records of the model a deletion-tracking generation did not see. */
export async function countUnseen(db: D1Database, ref: Ref, generation: number): Promise<number> {
  const row = await db
    .prepare(
      `SELECT COUNT(*) AS n FROM records
       WHERE connection_row_id = ?1 AND model = ?2 AND variant = ?3 AND deleted_at IS NULL AND generation < ?4`,
    )
    .bind(ref.connectionRowId, ref.model, ref.variant, generation)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** Soft-deletes (up to `limit`) live records a generation did not see, numbering them from `seqBase`. */
export async function deleteUnseen(
  db: D1Database,
  ref: Ref,
  generation: number,
  options: { seqBase: number; now: string; limit: number },
): Promise<string[]> {
  const { results } = await db
    .prepare(
      `WITH gone AS (
         SELECT external_id, row_number() OVER (ORDER BY external_id) - 1 AS n FROM records
         WHERE connection_row_id = ?1 AND model = ?2 AND variant = ?3 AND deleted_at IS NULL AND generation < ?4
         ORDER BY external_id LIMIT ?7
       )
       UPDATE records SET deleted_at = ?6, last_modified_at = ?6, last_action = 'DELETED', seq = ?5 + gone.n
       FROM gone
       WHERE records.connection_row_id = ?1 AND records.model = ?2 AND records.variant = ?3 AND records.external_id = gone.external_id
       RETURNING records.external_id AS external_id`,
    )
    .bind(ref.connectionRowId, ref.model, ref.variant, generation, options.seqBase, options.now, options.limit)
    .all<{ external_id: string }>();
  return results.map((r) => r.external_id);
}

/** What {@link readLiveHashes} puts for a record that is not stored, is deleted, or has no usable hash. */
export const NO_HASH = '-'.repeat(64);

/**
 * The stored hashes of live records by id, as one string in the order of `ids`: 64 characters per id,
 * {@link NO_HASH} where there is none (one value to carry instead of a thousand rows).
 */
export async function readLiveHashes(db: D1Database, ref: Ref, ids: string[]): Promise<string> {
  if (ids.length === 0) return '';
  const row = await db
    .prepare(
      `SELECT group_concat(
         CASE WHEN r.deleted_at IS NULL AND length(r.hash) = 64 THEN r.hash ELSE ?5 END, '' ORDER BY j.key
       ) AS hashes
       FROM json_each(?4) AS j
       LEFT JOIN records AS r ON r.connection_row_id = ?1 AND r.model = ?2 AND r.variant = ?3 AND r.external_id = j.value`,
    )
    .bind(ref.connectionRowId, ref.model, ref.variant, JSON.stringify(ids), NO_HASH)
    .first<{ hashes: string }>();
  const hashes = row?.hashes ?? '';
  if (hashes.length !== ids.length * 64) throw new Error(`${ids.length} ids read back as ${hashes.length / 64} hashes`);
  return hashes;
}

/** Records by id (at most a page), deleted ones included. */
export async function readRecordsByIds(db: D1Database, ref: Ref, ids: string[]): Promise<StoredRecord[]> {
  if (ids.length === 0) return [];
  const { results } = await db
    .prepare(
      `SELECT external_id, data, hash, seq, first_seen_at, last_modified_at, last_action, deleted_at, pruned_at FROM records
       WHERE connection_row_id = ?1 AND model = ?2 AND variant = ?3 AND external_id IN (SELECT value FROM json_each(?4))`,
    )
    .bind(ref.connectionRowId, ref.model, ref.variant, JSON.stringify(ids))
    .all<StoredRecord>();
  return results;
}

export type PageQuery = {
  afterSeq: number;
  limit: number;
  actions?: RecordAction[];
  modifiedAfter?: string;
  ids?: string[];
};

/** The change feed's WHERE clause for a page query; parameters 1–5 are the ref, `afterSeq` and `limit`. */
function feedFilter(ref: Ref, query: PageQuery): { where: string; params: unknown[] } {
  const where = ['connection_row_id = ?1', 'model = ?2', 'variant = ?3', 'seq > ?4'];
  const params: unknown[] = [ref.connectionRowId, ref.model, ref.variant, query.afterSeq, query.limit];
  if (query.actions?.length) {
    params.push(JSON.stringify(query.actions));
    where.push(`last_action IN (SELECT value FROM json_each(?${params.length}))`);
  }
  if (query.modifiedAfter) {
    params.push(query.modifiedAfter);
    where.push(`last_modified_at > ?${params.length}`);
  }
  if (query.ids?.length) {
    params.push(JSON.stringify(query.ids));
    where.push(`external_id IN (SELECT value FROM json_each(?${params.length}))`);
  }
  return { where: where.join(' AND '), params };
}

/** One page of the change feed: records whose last change comes after `afterSeq`, in sequence order (no hashes). */
export async function readPage(db: D1Database, ref: Ref, query: PageQuery): Promise<Omit<StoredRecord, 'hash'>[]> {
  const { where, params } = feedFilter(ref, query);
  const { results } = await db
    .prepare(
      `SELECT external_id, data, seq, first_seen_at, last_modified_at, last_action, deleted_at, pruned_at FROM records
       WHERE ${where} ORDER BY seq LIMIT ?5`,
    )
    .bind(...params)
    .all<Omit<StoredRecord, 'hash'>>();
  return results;
}

/**
 * A page of the change feed as text: each record's stored JSON, and its metadata as
 * `[seq, first_seen_at, last_modified_at, last_action, deleted_at, pruned_at]` (`-` for none).
 */
export type PageParts = { data: string[]; meta: string[][] };

/**
 * The same page as {@link readPage}, read as one row of two strings: the records' stored JSON joined
 * by U+0001 (JSON text has it only escaped) and their metadata joined the same way, in the same
 * order. One row of two strings costs the local runtime far less to carry than a thousand rows of
 * eight columns. SQLite keeps the subquery's order when concatenating but does not promise it, so
 * the sequence numbers are checked here (an aggregate `ORDER BY` costs more than the check). A page
 * too large for one value (D1 caps a value at 2 MB) is read as rows instead.
 */
export async function readPageParts(db: D1Database, ref: Ref, query: PageQuery): Promise<PageParts> {
  const { where, params } = feedFilter(ref, query);
  let row: { count: number; data: string; meta: string } | null;
  try {
    row = await db
      .prepare(
        `SELECT count(*) AS count, coalesce(group_concat(data, char(1)), '') AS data,
           coalesce(group_concat(seq || ' ' || first_seen_at || ' ' || last_modified_at || ' ' || last_action || ' ' ||
             coalesce(deleted_at, '-') || ' ' || coalesce(pruned_at, '-'), char(1)), '') AS meta
         FROM (
           SELECT data, seq, first_seen_at, last_modified_at, last_action, deleted_at, pruned_at FROM records
           WHERE ${where} ORDER BY seq LIMIT ?5
         )`,
      )
      .bind(...params)
      .first();
  } catch (err) {
    if (!/TOOBIG|too big/i.test(String(err))) throw err;
    const rows = await readPage(db, ref, query);
    return {
      data: rows.map((r) => r.data),
      meta: rows.map((r) => [
        String(r.seq),
        r.first_seen_at,
        r.last_modified_at,
        r.last_action,
        r.deleted_at ?? '-',
        r.pruned_at ?? '-',
      ]),
    };
  }
  if (!row || row.count === 0) return { data: [], meta: [] };
  const data = row.data.split('\u0001');
  const meta = row.meta.split('\u0001').map((line) => line.split(' '));
  if (data.length !== row.count || meta.length !== row.count)
    throw new Error(`a records page of ${row.count} unpacked into ${data.length} records and ${meta.length} metadata`);
  const seq = (i: number) => Number(meta[i]?.[0]);
  if (meta.every((_, i) => i === 0 || seq(i) > seq(i - 1))) return { data, meta };
  const order = [...meta.keys()].sort((a, b) => seq(a) - seq(b));
  return { data: order.map((i) => data[i] as string), meta: order.map((i) => meta[i] as string[]) };
}

/** Live (not deleted) records per model and variant of a connection. */
export async function countRecords(
  db: D1Database,
  connectionRowId: number,
): Promise<{ model: string; variant: string; count: number }[]> {
  const { results } = await db
    .prepare(
      `SELECT model, variant, COUNT(*) AS count FROM records WHERE connection_row_id = ? AND deleted_at IS NULL GROUP BY model, variant`,
    )
    .bind(connectionRowId)
    .all<{ model: string; variant: string; count: number }>();
  return results;
}

/** Empties the payload of records up to and including `untilSeq` (at most `limit`); returns how many. */
export async function pruneRecords(
  db: D1Database,
  ref: Ref,
  options: { untilSeq: number; limit: number; now: string },
): Promise<{ count: number; hasMore: boolean }> {
  const { results } = await db
    .prepare(
      `UPDATE records SET data = json_object('id', external_id), pruned_at = ?5
       WHERE rowid IN (
         SELECT rowid FROM records WHERE connection_row_id = ?1 AND model = ?2 AND variant = ?3 AND seq <= ?4 AND pruned_at IS NULL
         ORDER BY seq LIMIT ?6
       )
       RETURNING external_id`,
    )
    .bind(ref.connectionRowId, ref.model, ref.variant, options.untilSeq, options.now, options.limit)
    .all<{ external_id: string }>();
  return { count: results.length, hasMore: results.length === options.limit };
}

/** Deletes records outright: a whole connection's, or one model's (full refresh emptying the cache). */
export async function eraseRecords(
  db: D1Database,
  connectionRowId: number,
  model?: { model: string; variant: string },
) {
  if (model)
    await db
      .prepare('DELETE FROM records WHERE connection_row_id = ? AND model = ? AND variant = ?')
      .bind(connectionRowId, model.model, model.variant)
      .run();
  else await db.prepare('DELETE FROM records WHERE connection_row_id = ?').bind(connectionRowId).run();
}
