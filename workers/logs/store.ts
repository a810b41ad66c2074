import { and, desc, eq, gte, inArray, lt, lte, or, type SQL, sql } from 'drizzle-orm';
import { type Db, openDb } from '../db/client.js';
import { type OperationRow, operations } from '../db/schema.js';

export type NewOperation = Omit<OperationRow, 'id'>;

/** D1 binds at most 100 values per statement; a log row has 16. */
const ROWS_PER_INSERT = 6;

/** Inserts log rows: multi-row statements, all in one D1 batch (one round trip). */
export async function insertOperations(db: Db, rows: NewOperation[]): Promise<void> {
  if (rows.length === 0) return;
  const statements = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT)
    statements.push(db.insert(operations).values(rows.slice(i, i + ROWS_PER_INSERT)));
  const [first, ...rest] = statements;
  if (first) await db.batch([first, ...rest]);
}

/** One log row as a D1 statement, for callers that commit it in one batch with their own statements. */
export function operationStatement(d1: D1Database, row: NewOperation): D1PreparedStatement {
  const query = openDb(d1).insert(operations).values(row).toSQL();
  return d1.prepare(query.sql).bind(...query.params);
}

export type OperationFilters = {
  connectionId?: string;
  integrationKey?: string;
  type?: string;
  outcome?: 'success' | 'failure';
  status?: number;
  from?: string;
  to?: string;
  /** Rows strictly older than this position (newest first). */
  before?: { createdAt: string; id: number };
  limit: number;
};

/** Newest first, keyset-paginated on (created_at, id) so pages stay stable while rows are added. */
export async function listOperationRows(db: Db, environmentId: number, f: OperationFilters): Promise<OperationRow[]> {
  const conditions: (SQL | undefined)[] = [eq(operations.environmentId, environmentId)];
  if (f.connectionId) conditions.push(eq(operations.connectionId, f.connectionId));
  if (f.integrationKey) conditions.push(eq(operations.integrationKey, f.integrationKey));
  if (f.type) conditions.push(eq(operations.type, f.type));
  if (f.outcome) conditions.push(eq(operations.outcome, f.outcome));
  if (f.status !== undefined) conditions.push(eq(operations.status, f.status));
  if (f.from) conditions.push(gte(operations.createdAt, f.from));
  if (f.to) conditions.push(lte(operations.createdAt, f.to));
  if (f.before)
    conditions.push(
      or(
        lt(operations.createdAt, f.before.createdAt),
        and(eq(operations.createdAt, f.before.createdAt), lt(operations.id, f.before.id)),
      ),
    );
  return db
    .select()
    .from(operations)
    .where(and(...conditions))
    .orderBy(desc(operations.createdAt), desc(operations.id))
    .limit(f.limit);
}

/**
 * Deletes rows created before `cutoff`, a batch at a time so one statement never holds the
 * database for long. Returns how many went.
 */
export async function deleteOperationsBefore(
  db: Db,
  cutoff: string,
  batchSize = 5000,
  maxBatches = 100,
): Promise<number> {
  let total = 0;
  for (let i = 0; i < maxBatches; i++) {
    const doomed = db
      .select({ id: operations.id })
      .from(operations)
      .where(lt(operations.createdAt, cutoff))
      .limit(batchSize);
    const result = await db.delete(operations).where(inArray(operations.id, doomed));
    const changed = result.meta.changes ?? 0;
    total += changed;
    if (changed < batchSize) break;
  }
  return total;
}

/** For tests and status: how many rows an environment has. */
export async function countOperations(db: Db, environmentId: number): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)` })
    .from(operations)
    .where(eq(operations.environmentId, environmentId));
  return row?.n ?? 0;
}
