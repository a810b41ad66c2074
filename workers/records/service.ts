/**
 * The records API: `GET /records` (the change feed, paged by sequence), `PATCH /records/prune`,
 * and what the script host shares with it (cursors, the record shape, the shard choice).
 */
import { and, eq, isNull } from 'drizzle-orm';
import { forgetRecentRows } from '../cache/recent-map.js';
import { fromBase64Url } from '../crypto/encoding.js';
import type { Db } from '../db/client.js';
import { type ConnectionRow, connections } from '../db/schema.js';
import { declaredModels, listFunctionRows } from '../functions/store.js';
import { ApiError } from '../http/api-error.js';
import { chooseShard, type RecordsEnv, shardDatabase } from './shards.js';
import { pruneRecords, type RecordAction, readPageParts, type StoredRecord } from './store.js';

/** Largest page a caller may ask for, and the default. */
export const MAX_RECORDS_LIMIT = 10_000;
export const DEFAULT_RECORDS_LIMIT = 100;
/** A page stops early (with a cursor) once its records reach this many characters of JSON (~8 MB). */
export const RECORDS_PAGE_BUDGET_CHARS = 8 * 1024 * 1024;

/** Cursors are opaque to callers: `base64url("v1:<seq>")`. */
export function encodeRecordCursor(seq: number): string {
  // ASCII only: btoa is enough (and much cheaper per record than an encoder).
  return btoa(`v1:${seq}`).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function decodeRecordCursor(cursor: string): number {
  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(fromBase64Url(cursor));
  } catch {}
  const match = /^v1:(\d{1,15})$/.exec(text);
  if (!match) throw new ApiError('invalid_query_params', 400, 'cursor is not a cursor this API returned');
  return Number(match[1]);
}

/** A stored record as the API returns it: its data plus `_nango_metadata`. */
export function formatRecord(row: Omit<StoredRecord, 'hash'>): Record<string, unknown> {
  return {
    ...(JSON.parse(row.data) as Record<string, unknown>),
    _nango_metadata: {
      first_seen_at: row.first_seen_at,
      last_modified_at: row.last_modified_at,
      last_action: row.last_action,
      deleted_at: row.deleted_at,
      pruned_at: row.pruned_at,
      cursor: encodeRecordCursor(row.seq),
    },
  };
}

/** The connection's records database, chosen (and remembered) on first use. */
export async function chooseRecordsDb(db: Db, env: RecordsEnv, row: ConnectionRow): Promise<string> {
  if (row.recordsDb) return row.recordsDb;
  const chosen = chooseShard(env, row.id);
  await db
    .update(connections)
    .set({ recordsDb: chosen })
    .where(and(eq(connections.id, row.id), isNull(connections.recordsDb)));
  forgetRecentRows();
  const fresh = await db
    .select({ recordsDb: connections.recordsDb })
    .from(connections)
    .where(eq(connections.id, row.id))
    .get();
  row.recordsDb = fresh?.recordsDb ?? chosen;
  return row.recordsDb;
}

/** The models the integration's deployed syncs declare (what `GET /records` may be asked for). */
export async function knownModels(db: Db, environmentId: number, integrationId: number): Promise<Set<string>> {
  const models = new Set<string>();
  for (const row of await listFunctionRows(db, environmentId, [integrationId]))
    if (row.type === 'sync') for (const model of declaredModels(row) ?? []) models.add(model);
  return models;
}

export type RecordsQuery = {
  model: string;
  variant: string;
  cursor?: string;
  limit: number;
  actions?: RecordAction[];
  modifiedAfter?: string;
  ids?: string[];
};

/**
 * One page as the JSON body of `GET /records`, built as text (see {@link readPageParts}): each
 * record's stored JSON with `_nango_metadata` spliced in before its closing brace, so no record is
 * parsed or re-serialised. The page stops early, with a cursor, once its records pass
 * {@link RECORDS_PAGE_BUDGET_CHARS} (the first record is always returned).
 */
export async function listRecordsJson(env: RecordsEnv, row: ConnectionRow, query: RecordsQuery): Promise<string> {
  if (!row.recordsDb) return '{"records":[],"next_cursor":null}';
  const { data, meta } = await readPageParts(
    shardDatabase(env, row.recordsDb),
    { connectionRowId: row.id, model: query.model, variant: query.variant },
    {
      afterSeq: query.cursor ? decodeRecordCursor(query.cursor) : 0,
      limit: query.limit,
      actions: query.actions,
      modifiedAfter: query.modifiedAfter,
      ids: query.ids,
    },
  );
  const parts: string[] = [];
  let chars = 0;
  let lastSeq = 0;
  for (const [i, body] of data.entries()) {
    const [seq, firstSeen, lastModified, action, deleted, pruned] = meta[i] as string[];
    const metadata = `"_nango_metadata":{"first_seen_at":"${firstSeen}","last_modified_at":"${lastModified}","last_action":"${action}","deleted_at":${deleted === '-' ? 'null' : `"${deleted}"`},"pruned_at":${pruned === '-' ? 'null' : `"${pruned}"`},"cursor":"${encodeRecordCursor(Number(seq))}"}`;
    const json = body === '{}' ? `{${metadata}}` : `${body.slice(0, -1)},${metadata}}`;
    chars += json.length;
    if (parts.length > 0 && chars > RECORDS_PAGE_BUDGET_CHARS) break;
    parts.push(json);
    lastSeq = Number(seq);
  }
  const more = parts.length > 0 && (parts.length < data.length || data.length === query.limit);
  return `{"records":[${parts.join(',')}],"next_cursor":${more ? `"${encodeRecordCursor(lastSeq)}"` : 'null'}}`;
}

/** `PATCH /records/prune`: empties payloads up to and including a cursor, in chunks. */
export async function prune(
  env: RecordsEnv,
  row: ConnectionRow,
  input: { model: string; variant: string; untilCursor: string; limit: number },
): Promise<{ count: number; has_more: boolean }> {
  if (!row.recordsDb) return { count: 0, has_more: false };
  const result = await pruneRecords(
    shardDatabase(env, row.recordsDb),
    { connectionRowId: row.id, model: input.model, variant: input.variant },
    { untilSeq: decodeRecordCursor(input.untilCursor), limit: input.limit, now: new Date().toISOString() },
  );
  return { count: result.count, has_more: result.hasMore };
}
