import type { z } from 'zod';
import type { listLogsQuerySchema, Operation } from '../../sdk/contract/proxy.js';
import type { Db } from '../db/client.js';
import type { OperationRow } from '../db/schema.js';
import { ApiError } from '../http/api-error.js';
import { deleteOperationsBefore, insertOperations, listOperationRows, type NewOperation } from './store.js';

export const DEFAULT_LOG_RETENTION_DAYS = 15;

const clip = (value: string | null, max: number) => (value && value.length > max ? `${value.slice(0, max)}…` : value);

/** Long texts clipped to what the log keeps. */
function clipLine(line: NewOperation): NewOperation {
  return {
    ...line,
    connectionId: clip(line.connectionId, 255),
    integrationKey: clip(line.integrationKey, 255),
    path: clip(line.path, 2048),
    message: clip(line.message, 1024),
  };
}

/**
 * Writes operations-log lines now. A failed write is reported, never thrown: a log line must not
 * fail the operation it describes.
 */
export async function recordOperation(db: Db, ...lines: NewOperation[]): Promise<void> {
  await insertOperations(db, lines.map(clipLine)).catch((err: unknown) =>
    console.error('operations log write failed', (err as Error).name),
  );
}

/** How long a line waits for others to share its write. */
export const LOG_FLUSH_DELAY_MS = 100;

/**
 * This isolate's log lines waiting for their batch. Plain data, shared by the requests of one isolate
 * (no request owns it, no promise crosses requests): `queued` counts lines added, `taken` lines handed
 * to a write, and `leader` says a request is already waiting to write the next batch.
 */
const batch = { pending: [] as NewOperation[], queued: 0, taken: 0, written: 0, leader: false };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Writes a line off the request path, batched with the other lines of this isolate: one D1 batch per
 * 100 ms, not one write per call. The first request to add a line to an empty batch leads: it waits
 * 100 ms and writes everything pending. Every other request keeps the isolate alive (`waitUntil`)
 * until its line has been taken by a write whose request is still waiting on it — or writes the batch
 * itself if no leader took it in time — so each line is written before the request that made it lets
 * the isolate go, and a stop that lets `waitUntil` work finish loses nothing.
 *
 * @example queueOperation(db, line, (p) => ctx.waitUntil(p))
 */
export function queueOperation(db: Db, line: NewOperation, waitUntil: (promise: Promise<unknown>) => void): void {
  batch.pending.push(clipLine(line));
  const mine = ++batch.queued;
  waitUntil(settle(db, mine));
}

async function settle(db: Db, mine: number): Promise<void> {
  if (!batch.leader) {
    batch.leader = true;
    await sleep(LOG_FLUSH_DELAY_MS);
    batch.leader = false;
    return writePending(db);
  }
  // A leader will take this line; wait until it has (a few rounds at most), else write it here and
  // let the next line elect a new leader (the old one may be gone with its request).
  for (let round = 0; round < 3 && batch.taken < mine; round++) await sleep(LOG_FLUSH_DELAY_MS);
  if (batch.taken < mine) {
    batch.leader = false;
    await writePending(db);
  }
}

/** Writes what is pending; a failed write puts its lines back (first in line) for the next writer. */
async function writePending(db: Db): Promise<void> {
  const lines = batch.pending.splice(0);
  if (lines.length === 0) return;
  batch.taken += lines.length;
  try {
    await insertOperations(db, lines);
    batch.written += lines.length;
  } catch (err) {
    console.error('operations log write failed; the lines wait for the next batch', (err as Error).name);
    batch.pending.unshift(...lines);
    batch.taken -= lines.length;
  }
}

/**
 * Writes this isolate's pending lines now and waits (up to `timeoutMs`) until every line queued so far
 * has been written, by this call or by a write already under way. For a local platform that is about
 * to stop; in production the runtime lets `waitUntil` work finish by itself.
 */
export async function flushOperations(db: Db, timeoutMs = 4_000): Promise<{ queued: number; written: number }> {
  const target = batch.queued;
  const deadline = Date.now() + timeoutMs;
  while (batch.written < target && Date.now() < deadline) {
    // Write what waits (again, if a write failed); otherwise a write under way is still finishing.
    if (batch.pending.length > 0) await writePending(db);
    else await sleep(10);
  }
  return { queued: batch.queued, written: batch.written };
}

export function formatOperation(row: OperationRow): Operation {
  return {
    id: String(row.id),
    type: row.type as Operation['type'],
    outcome: row.outcome as Operation['outcome'],
    created_at: row.createdAt,
    connection_id: row.connectionId,
    provider_config_key: row.integrationKey,
    provider: row.provider,
    method: row.method,
    path: row.path,
    status: row.status,
    duration_ms: row.durationMs,
    retries: row.retries,
    bytes: row.bytes,
    error: row.errorCode ? { code: row.errorCode, message: row.message ?? '' } : null,
    ...(row.type === 'script_log' ? { message: row.message ?? '' } : {}),
    request_id: row.requestId,
  };
}

/** An opaque position: the (created_at, id) of the last row of a page. */
export function encodeCursor(row: Pick<OperationRow, 'createdAt' | 'id'>): string {
  return btoa(`${row.createdAt}|${row.id}`).replace(/=+$/, '');
}

export function decodeCursor(cursor: string): { createdAt: string; id: number } {
  let text = '';
  try {
    text = atob(cursor);
  } catch {}
  const [createdAt = '', idText = ''] = text.split('|');
  const id = Number(idText);
  if (!createdAt || Number.isNaN(Date.parse(createdAt)) || !Number.isSafeInteger(id))
    throw new ApiError('invalid_query_params', 400, 'The cursor is not one this API returned', [
      { code: 'invalid_format', path: ['cursor'], message: 'Unknown cursor' },
    ]);
  return { createdAt, id };
}

export async function listLogs(
  db: Db,
  environmentId: number,
  query: z.output<typeof listLogsQuerySchema>,
): Promise<{ data: Operation[]; next_cursor: string | null }> {
  const status = query.status;
  const rows = await listOperationRows(db, environmentId, {
    connectionId: query.connection_id,
    integrationKey: query.provider_config_key,
    type: query.type,
    outcome: status === 'success' || status === 'failure' ? status : undefined,
    status: status && status !== 'success' && status !== 'failure' ? Number(status) : undefined,
    from: query.from ? new Date(query.from).toISOString() : undefined,
    to: query.to ? new Date(query.to).toISOString() : undefined,
    before: query.cursor ? decodeCursor(query.cursor) : undefined,
    limit: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    data: page.map(formatOperation),
    next_cursor: rows.length > query.limit && last ? encodeCursor(last) : null,
  };
}

/** Reads `PIER_LOG_RETENTION_DAYS` (1–365, default 15). */
export function logRetentionDays(env: { PIER_LOG_RETENTION_DAYS?: string }): number {
  const raw = env.PIER_LOG_RETENTION_DAYS?.trim();
  if (!raw) return DEFAULT_LOG_RETENTION_DAYS;
  const days = Number(raw);
  return Number.isInteger(days) && days >= 1 && days <= 365 ? days : DEFAULT_LOG_RETENTION_DAYS;
}

/** The scheduled clean-up: drops operations older than the retention period. */
export async function pruneLogs(db: Db, retentionDays: number, nowMs = Date.now()): Promise<number> {
  const cutoff = new Date(nowMs - retentionDays * 86_400_000).toISOString();
  return deleteOperationsBefore(db, cutoff);
}
